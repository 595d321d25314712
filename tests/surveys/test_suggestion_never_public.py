"""A suggestion is read by coordinators only: no public page shows it, whatever its state."""

import pytest
from django.urls import reverse

from portal.models import Municipality
from promises.models import PromisePeriod
from surveys.models import Dialogue, Suggestion
from tests.factories.dialogues import make_suggestion

pytestmark = pytest.mark.django_db

SECRET = "Hemlig synpunkt om grannen på Storgatan 12"


@pytest.fixture
def umea(content):
    umea = Municipality.objects.get(slug="umea")
    for state in Suggestion.State.values:
        make_suggestion(municipality=umea, text=f"{SECRET} ({state})", state=state)
    return umea


def public_urls(umea):
    dialogue = Dialogue.objects.filter(municipality=umea).first()
    urls = [
        reverse("home"),
        umea.get_absolute_url(),
        reverse("dialogue_list"),
        reverse("dialogue_list") + "?kommun=umea",
        dialogue.get_absolute_url(),
        reverse("dialogue_calendar"),
        reverse("dialogue_calendar_municipality", kwargs={"municipality_slug": "umea"}),
        reverse("suggestion_create", kwargs={"municipality_slug": "umea"}),
        reverse("suggestion_thanks", kwargs={"municipality_slug": "umea"}),
    ]
    urls += [period.get_absolute_url() for period in PromisePeriod.objects.published().filter(municipality=umea)]
    return urls


def test_no_public_page_shows_a_suggestion(resident, umea):
    for url in public_urls(umea):
        response = resident.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
        assert "Storgatan 12" not in response.content.decode(), url
