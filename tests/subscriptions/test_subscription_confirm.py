"""/<kommun>/prenumerera/bekrafta/<token>/: the link in the confirmation mail; its button confirms."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from subscriptions import tokens
from subscriptions.models import Subscription
from tests.factories import make_municipality
from tests.subscriptions.helpers import make_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


@pytest.fixture
def waiting(umea):
    """Ada asked for e-mail about Umeå and has not yet used the link."""
    return make_subscription(umea, "ada@example.se", confirmed=False)


def confirm_url(subscription, slug="umea", token=None):
    token = token or tokens.confirm_token(subscription)
    return reverse("subscription_confirm", kwargs={"municipality_slug": slug, "token": token})


def test_url(waiting):
    assert confirm_url(waiting).startswith("/umea/prenumerera/bekrafta/")


def test_opening_the_link_shows_a_button_and_confirms_nothing(resident, waiting):
    # A mail provider's link scanner opens every link: that alone must not subscribe anyone.
    response = resident.get(confirm_url(waiting))

    assert response.status_code == 200
    assert "Ja, jag vill få e-posten" in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.is_confirmed
    assert waiting.unconfirmed_since is not None


def test_the_button_confirms_and_drops_the_date(resident, waiting):
    response = resident.post(confirm_url(waiting))

    assert response.status_code == 200
    assert "Du prenumererar nu" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    assert waiting.unconfirmed_since is None


def test_confirming_twice_is_harmless(resident, waiting):
    resident.post(confirm_url(waiting))
    response = resident.post(confirm_url(waiting))

    assert response.status_code == 200
    assert Subscription.objects.confirmed().count() == 1
    assert "Du prenumererar redan" in resident.get(confirm_url(waiting)).content.decode()


def test_the_confirm_page_in_english(resident, waiting):
    response = resident.get("/en" + confirm_url(waiting))

    assert response.status_code == 200
    assert "Yes, I want the emails" in response.content.decode()


def test_a_link_older_than_the_confirm_days_is_refused(resident, waiting, settings, monkeypatch):
    settings.SUBSCRIPTION_CONFIRM_DAYS = 7
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 7 * 24 * 60 * 60 + 60)
    fresh_enough = confirm_url(waiting)
    monkeypatch.setattr(signing.time, "time", lambda: now - 7 * 24 * 60 * 60 - 60)
    url = confirm_url(waiting)
    monkeypatch.undo()

    assert resident.get(fresh_enough).status_code == 200
    response = resident.post(url)

    assert response.status_code == 400
    assert "Länken fungerar inte" in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.is_confirmed


@pytest.mark.parametrize(
    "token",
    [
        "inte-en-länk",
        lambda s: tokens.confirm_token(s)[:-2],
        # Signed, but for the other purpose: an unsubscribe link cannot confirm.
        lambda s: tokens.unsubscribe_token(s),
        lambda s: signing.dumps("1", salt=tokens.CONFIRM_SALT),
    ],
)
def test_an_altered_or_foreign_link_is_refused_with_400(resident, waiting, token):
    token = token(waiting) if callable(token) else token
    for method in (resident.get, resident.post):
        response = method(confirm_url(waiting, token=token))
        assert response.status_code == 400
        assert "Länken fungerar inte" in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.is_confirmed


def test_a_link_under_another_kommun_confirms_nothing(resident, waiting):
    make_municipality(slug="vindeln")

    assert resident.post(confirm_url(waiting, slug="vindeln")).status_code == 404
    waiting.refresh_from_db()
    assert not waiting.is_confirmed


def test_a_link_to_a_deleted_subscription_says_so(resident, waiting):
    url = confirm_url(waiting)
    waiting.delete()

    response = resident.post(url)

    assert response.status_code == 404
    assert "Vi har inte kvar den här prenumerationen" in response.content.decode()
    assert not Subscription.objects.exists()


def test_confirm_page_query_count(resident, waiting, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert resident.get(confirm_url(waiting)).status_code == 200
