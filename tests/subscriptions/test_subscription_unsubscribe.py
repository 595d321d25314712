"""/<kommun>/prenumerera/avsluta/<token>/: the link in every announcement, and RFC 8058's one-click POST."""

import pytest
from django.test import Client
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
def ada(umea):
    """Ada gets e-mail about Umeå (confirmed)."""
    return make_subscription(umea, "ada@example.se")


def unsubscribe_url(subscription, slug="umea", token=None):
    token = token or tokens.unsubscribe_token(subscription)
    return reverse("subscription_unsubscribe", kwargs={"municipality_slug": slug, "token": token})


def test_url(ada):
    assert unsubscribe_url(ada).startswith("/umea/prenumerera/avsluta/")


def test_opening_the_link_shows_a_button_and_deletes_nothing(resident, ada):
    # Link scanners open every link in a mail: only the button (or the mail program's POST) unsubscribes.
    response = resident.get(unsubscribe_url(ada))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<form method="post">' in content
    assert "Avsluta prenumerationen" in content
    assert Subscription.objects.filter(pk=ada.pk).exists()


def test_the_button_deletes_the_address_at_once(resident, ada):
    response = resident.post(unsubscribe_url(ada))

    assert response.status_code == 200
    assert "Vi har raderat din e-postadress" in response.content.decode()
    assert not Subscription.objects.exists()


def test_one_click_post_from_a_mail_program_works_without_cookies_or_csrf(ada):
    # RFC 8058: the mail program posts this body to the List-Unsubscribe address, with no cookies.
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        unsubscribe_url(ada), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not response.cookies


def test_a_second_post_is_still_a_success(resident, ada):
    resident.post(unsubscribe_url(ada))
    response = resident.post(unsubscribe_url(ada))

    assert response.status_code == 200
    assert "Du prenumererar inte på e-post" in resident.get(unsubscribe_url(ada)).content.decode()


def test_other_subscriptions_are_kept(resident, ada, umea):
    vindeln = make_municipality(slug="vindeln")
    ada_vindeln = make_subscription(vindeln, "ada@example.se")
    bo = make_subscription(umea, "bo@example.se")

    resident.post(unsubscribe_url(ada))

    assert set(Subscription.objects.all()) == {ada_vindeln, bo}


def test_a_link_under_another_kommun_deletes_nothing(resident, ada):
    make_municipality(slug="vindeln")

    assert resident.post(unsubscribe_url(ada, slug="vindeln")).status_code == 200
    assert Subscription.objects.filter(pk=ada.pk).exists()


@pytest.mark.parametrize(
    "token",
    ["inte-en-länk", lambda s: tokens.unsubscribe_token(s)[:-3], lambda s: tokens.confirm_token(s)],
)
def test_an_altered_or_foreign_link_is_refused_with_400(resident, ada, token):
    token = token(ada) if callable(token) else token
    for method in (resident.get, resident.post):
        response = method(unsubscribe_url(ada, token=token))
        assert response.status_code == 400
        assert "Länken fungerar inte" in response.content.decode()
    assert Subscription.objects.filter(pk=ada.pk).exists()


def test_the_unsubscribe_page_in_english(resident, ada):
    response = resident.get("/en" + unsubscribe_url(ada))

    assert response.status_code == 200
    assert "Unsubscribe" in response.content.decode()


def test_unsubscribe_page_query_count(resident, ada, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert resident.get(unsubscribe_url(ada)).status_code == 200


def test_one_click_query_count(resident, ada, django_assert_num_queries):
    # The kommun, then the delete (a select of what to delete and the delete itself, as Django's collector does).
    with django_assert_num_queries(3):
        assert resident.post(unsubscribe_url(ada)).status_code == 200
