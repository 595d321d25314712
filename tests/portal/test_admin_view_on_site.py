"""/admin/r/<content type>/<id>/ ("Visa på webbplats", portal/admin_site.py): Django's shortcut redirected any staff
user to any object's public address, so a coordinator could learn another kommun's draft periods and follow-ups
(their addresses name the kommun and the years) by counting ids. Now only objects the user may see in the admin,
and a draft goes to its preview, never to a public address."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from promises.models import FollowUp
from tests.factories import make_period
from tests.factories.dialogues import make_dialogue, make_unsafe_place
from tests.factories.surveys import make_survey

pytestmark = pytest.mark.django_db


def on_site(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def objects(vasterbotten):
    """One object of each kind with a public address in Vindeln and in Umeå, drafts included."""
    found = {}
    for slug in ("vindeln", "umea"):
        municipality = vasterbotten[slug]
        period = vasterbotten["periods"][slug]
        found[slug] = {
            "kommun": municipality,
            "period": period,
            "draft period": make_period(municipality=municipality, start_year=2026, end_year=2027, published=False),
            "follow-up": period.follow_ups.get(year=2023),
            "draft follow-up": period.follow_ups.get(year=2024),
            "dialogue": make_dialogue(municipality=municipality),
            "survey": make_survey(municipalities=[municipality]),
            "place": make_unsafe_place(municipality=municipality),
        }
    return found


@pytest.mark.parametrize(
    "kind", ["kommun", "period", "draft period", "follow-up", "draft follow-up", "dialogue", "survey", "place"]
)
def test_a_coordinator_gets_404_for_another_kommuns_object(client, coordinator_vindeln, objects, kind):
    client.force_login(coordinator_vindeln)

    response = client.get(on_site(objects["umea"][kind]))

    assert response.status_code == 404
    assert "umea" not in response.get("Location", "")


@pytest.mark.parametrize("kind", ["kommun", "period", "follow-up", "dialogue", "survey", "place"])
def test_a_coordinator_is_sent_to_their_own_objects_page(client, coordinator_vindeln, objects, kind):
    client.force_login(coordinator_vindeln)
    obj = objects["vindeln"][kind]

    response = client.get(on_site(obj))

    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


@pytest.mark.parametrize(("kind", "preview"), [("draft period", "promiseperiod"), ("draft follow-up", "followup")])
def test_a_draft_goes_to_its_preview_never_to_a_public_address(
    national_admin, coordinator_vindeln, objects, kind, preview
):
    for slug, user in (("vindeln", coordinator_vindeln), ("umea", national_admin)):
        client = Client()
        client.force_login(user)
        draft = objects[slug][kind]

        response = client.get(on_site(draft))

        assert response.status_code == 302
        assert response["Location"] == reverse(f"admin:promises_{preview}_preview", args=[draft.pk])


def test_staff_without_a_kommun_gets_404_for_everything(client, staff_without_kommun, objects):
    client.force_login(staff_without_kommun)
    for kind in ("kommun", "period", "follow-up"):
        assert client.get(on_site(objects["vindeln"][kind])).status_code == 404


def test_a_national_administrator_is_sent_to_any_kommuns_page(admin_client_for, objects):
    period = objects["umea"]["period"]
    response = admin_client_for.get(on_site(period))
    assert response.status_code == 302
    assert response["Location"].endswith(period.get_absolute_url())


@pytest.mark.parametrize("object_id", ["999999", "inte-ett-id"])
def test_an_unknown_or_malformed_object_is_not_found(client, coordinator_vindeln, objects, object_id):
    client.force_login(coordinator_vindeln)
    content_type = ContentType.objects.get_for_model(FollowUp)
    assert client.get(reverse("admin:view_on_site", args=[content_type.pk, object_id])).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999999, 1])).status_code == 404
