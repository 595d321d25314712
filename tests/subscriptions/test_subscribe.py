"""/<kommun>/prenumerera/: a resident asks for e-mail about a kommun's medborgarlöften (double opt-in)."""

import re
import uuid

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse

from subscriptions.models import Subscription
from tests.factories import make_municipality
from tests.subscriptions.helpers import link_to, make_subscription

pytestmark = pytest.mark.django_db

SITE_URL = "https://medborgarloften.example.se"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


def form_url(slug="umea", language=None):
    url = reverse("subscribe", kwargs={"municipality_slug": slug})
    return f"/en{url}" if language == "en" else url


def sent_url(slug="umea"):
    return reverse("subscribe_sent", kwargs={"municipality_slug": slug})


def post(client, email="ada@example.se", slug="umea", token=None, url=None, **extra):
    data = {"email": email, "website": "", "token": token or str(uuid.uuid4()), **extra.pop("data", {})}
    return client.post(url or form_url(slug), data, **extra)


def test_urls():
    assert form_url() == "/umea/prenumerera/"
    assert sent_url() == "/umea/prenumerera/skickat/"
    assert form_url(language="en") == "/en/umea/prenumerera/"


def test_form_page_says_what_is_stored_and_for_how_long(resident, umea, settings):
    settings.SUBSCRIPTION_CONFIRM_DAYS = 7
    response = resident.get(form_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Få e-post om medborgarlöftena i Umeå kommun" in content
    assert 'name="email"' in content and 'autocomplete="email"' in content
    assert "Din e-postadress och att du vill följa Umeå kommun" in content
    assert "Bekräftar du inte inom 7 dagar raderar vi adressen" in content
    assert "Samordnarna på kommunen och polisen ser den inte" in content
    assert "raderar vi adressen direkt" in content
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_form_page_in_english(resident, umea):
    response = resident.get(form_url(language="en"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Get email about the citizen promises in Umeå kommun" in content
    assert "What we store" in content


def test_the_kommun_page_links_to_the_form_next_to_its_feeds(resident, umea):
    content = resident.get(umea.get_absolute_url()).content.decode()

    follow = re.search(r'<section aria-labelledby="folj".*?</section>', content, re.S).group(0)
    assert f'href="{form_url()}"' in follow
    assert 'href="/umea/flode/uppfoljningar.xml"' in follow


def test_a_new_address_is_stored_unconfirmed_and_sent_a_confirmation_link(resident, umea):
    response = post(resident, email="Ada.Lovelace@Example.SE")

    assert response.status_code == 302
    assert response["Location"] == sent_url()
    subscription = Subscription.objects.get()
    assert subscription.municipality == umea
    assert subscription.email == "Ada.Lovelace@example.se"
    assert not subscription.is_confirmed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Ada.Lovelace@example.se"]
    assert message.subject == "Bekräfta att du vill få e-post om medborgarlöftena i Umeå kommun"
    assert link_to(message.body, "/bekrafta/").startswith("/umea/prenumerera/bekrafta/")
    # Nothing is sent to the address about publications until the link is used.
    assert not Subscription.objects.confirmed().exists()


def test_the_english_form_sends_the_confirmation_in_english_with_an_english_link(resident, umea):
    post(resident, url=form_url(language="en"))

    message = mail.outbox[0]
    assert message.subject == "Confirm that you want email about the citizen promises in Umeå kommun"
    assert "Confirm that you want the emails:" in message.body
    assert link_to(message.body, "/bekrafta/").startswith("/en/umea/prenumerera/bekrafta/")


def test_an_address_already_subscribed_gets_the_same_answer_and_no_second_row(resident, umea):
    make_subscription(umea, "ada@example.se", confirmed=True)
    first = post(resident, email="bo@example.se")
    again = post(resident, email="ADA@example.se")

    # No way to tell from the answer which address was subscribed before.
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    assert Subscription.objects.count() == 2
    assert Subscription.objects.get(email="ada@example.se").is_confirmed
    assert [m.to for m in mail.outbox] == [["bo@example.se"], ["ada@example.se"]]
    assert mail.outbox[0].subject == mail.outbox[1].subject
    assert mail.outbox[0].body.split("bekrafta")[0] == mail.outbox[1].body.split("bekrafta")[0]


def test_the_sent_page_says_the_same_for_every_address(resident, umea):
    response = resident.get(sent_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Titta i din e-post" in content
    assert "Prenumererar du redan får du samma brev" in content


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Skriv din e-postadress."),
        ("ada", "Skriv en hel e-postadress, till exempel namn@exempel.se."),
        ("a" * 250 + "@example.se", "E-postadressen får vara högst 254 tecken."),
    ],
)
def test_bad_input_is_refused_with_a_swedish_message_and_400(resident, umea, email, message):
    response = post(resident, email=email)

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Du prenumererar inte ännu" in content
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_a_bot_filling_in_the_honeypot_is_answered_alike_but_nothing_happens(resident, umea):
    response = post(resident, data={"website": "https://spam.example"})

    assert response.status_code == 302
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_a_double_submit_of_one_form_sends_one_mail(resident, umea):
    token = str(uuid.uuid4())
    assert post(resident, token=token).status_code == 302
    assert post(resident, token=token).status_code == 302

    assert len(mail.outbox) == 1


def test_too_many_submits_from_one_address_are_answered_with_429(resident, umea):
    for n in range(5):
        assert post(resident, email=f"person{n}@example.se", REMOTE_ADDR="198.51.100.4").status_code == 302

    response = post(resident, email="person9@example.se", REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert "För många försök" in response.content.decode()
    assert len(mail.outbox) == 5
    assert resident.get(form_url(), REMOTE_ADDR="198.51.100.4").status_code == 200


def test_one_mail_address_is_sent_at_most_three_confirmations_an_hour_from_anywhere(resident, umea):
    for n in range(3):
        assert post(resident, email="ada@example.se", REMOTE_ADDR=f"198.51.100.{n}").status_code == 302

    response = post(resident, email="Ada@Example.se", REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_a_csrf_token_is_required(umea):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True))

    assert response.status_code == 403
    assert not Subscription.objects.exists()


def test_only_the_address_the_kommun_and_a_date_are_stored(resident, umea):
    post(resident, email="ada@example.se", REMOTE_ADDR="203.0.113.7")

    assert {f.name for f in Subscription._meta.concrete_fields} == {"id", "municipality", "email", "unconfirmed_since"}
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]
        for row in model.objects.values_list(*fields):
            assert not any("203.0.113.7" in str(value) for value in row), f"{model.__name__} stores the address"


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_kommun_is_not_found(resident, umea, method):
    assert getattr(resident, method)(form_url("finns-inte")).status_code == 404
    assert resident.get(sent_url("finns-inte")).status_code == 404


def test_form_page_query_count(resident, umea, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert resident.get(form_url()).status_code == 200


def test_sent_page_query_count(resident, umea, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert resident.get(sent_url()).status_code == 200


def test_a_mail_that_cannot_be_sent_is_said_plainly_and_sending_again_works(resident, umea, monkeypatch):
    import smtplib

    from portal import mail as portal_mail

    real_send = portal_mail.send

    def refused(message):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(portal_mail, "send", refused)
    response = post(resident)

    assert response.status_code == 503
    content = response.content.decode()
    assert "Vi kunde inte skicka brevet just nu" in content
    assert 'value="ada@example.se"' in content
    monkeypatch.setattr(portal_mail, "send", real_send)
    assert post(resident, token=re.search(r'name="token" value="([0-9a-f-]+)"', content).group(1)).status_code == 302
    assert len(mail.outbox) == 1


def test_empty_forms_from_many_addresses_share_no_address_limit(resident, umea):
    for n in range(5):
        assert post(resident, email="", REMOTE_ADDR=f"198.51.100.{n}").status_code == 400
