"""/<kommun>/synpunkt/: ”Vad tycker du kan göras för att öka tryggheten?”, sent anonymously, stored once."""

import re
import uuid

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from surveys.models import Suggestion
from tests.factories import make_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and used form tokens live in the cache; every test starts without them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


def form_url(slug="umea"):
    return reverse("suggestion_create", kwargs={"municipality_slug": slug})


def thanks_url(slug="umea"):
    return reverse("suggestion_thanks", kwargs={"municipality_slug": slug})


def token_from(response):
    return re.search(r'name="token" value="([0-9a-f-]+)"', response.content.decode()).group(1)


def post(client, text="Mer belysning vid busstationen.", token=None, slug="umea", **extra):
    data = {"text": text, "website": "", "token": token or str(uuid.uuid4())}
    data.update(extra.pop("data", {}))
    return client.post(form_url(slug), data, **extra)


def test_urls():
    assert form_url() == "/umea/synpunkt/"
    assert thanks_url() == "/umea/synpunkt/tack/"


def test_form_page_asks_the_question_for_the_kommun(resident, umea):
    response = resident.get(form_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Vad tycker du kan göras för att öka tryggheten i Umeå kommun?" in content
    assert 'name="text"' in content
    assert 'maxlength="4000"' in content
    assert "publiceras inte" in content


def test_honeypot_is_labelled_hidden_and_out_of_the_tab_order(resident, umea):
    content = resident.get(form_url()).content.decode()

    honeypot = re.search(r'<div[^>]*class="[^"]*suggestion-honeypot[^"]*"[^>]*>.*?</div>\s*</div>', content, re.S)
    assert honeypot, "the honeypot field must sit in a .suggestion-honeypot wrapper (hidden by site.css)"
    assert "Lämna det här fältet tomt" in honeypot.group(0)
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", content).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field


def test_a_valid_suggestion_is_stored_for_the_kommun_and_the_sender_is_thanked(resident, umea):
    response = post(resident, text="Mer belysning vid busstationen.")

    assert response.status_code == 302
    assert response["Location"] == thanks_url()
    suggestion = Suggestion.objects.get()
    assert suggestion.municipality == umea
    assert suggestion.text == "Mer belysning vid busstationen."
    assert suggestion.state == Suggestion.State.NEW


def test_the_form_token_comes_from_the_page(resident, umea):
    token = token_from(resident.get(form_url()))

    post(resident, token=token)

    assert Suggestion.objects.count() == 1


def test_thanks_page_says_who_reads_it_that_it_is_not_published_and_when_it_is_deleted(resident, umea, settings):
    settings.SUGGESTION_RETENTION_DAYS = 180

    content = resident.get(thanks_url()).content.decode()

    assert "Tack för din synpunkt" in content
    assert "samordnarna" in content
    assert "publiceras inte" in content
    assert "raderas efter 180 dagar" in content


def test_empty_suggestion_is_refused_with_a_message(resident, umea):
    response = post(resident, text="   ")

    assert response.status_code == 200
    assert "Skriv din synpunkt innan du skickar." in response.content.decode()
    assert not Suggestion.objects.exists()


def test_too_long_suggestion_is_refused_and_what_was_typed_is_kept(resident, umea):
    text = "Belysning. " * 400  # 4 400 characters

    response = post(resident, text=text)

    assert response.status_code == 200
    content = response.content.decode()
    assert "högst 4000 tecken" in content
    assert text.strip() in content
    assert not Suggestion.objects.exists()


def test_exactly_the_maximum_length_is_accepted(resident, umea):
    assert post(resident, text="a" * 4000).status_code == 302
    assert len(Suggestion.objects.get().text) == 4000


def test_a_filled_in_honeypot_is_thanked_but_nothing_is_stored(resident, umea):
    response = post(resident, data={"website": "https://spam.example"})

    assert response.status_code == 302
    assert response["Location"] == thanks_url()
    assert not Suggestion.objects.exists()


def test_a_double_submit_of_one_form_stores_one_suggestion(resident, umea):
    token = str(uuid.uuid4())

    first = post(resident, token=token)
    second = post(resident, token=token)

    assert first.status_code == second.status_code == 302
    assert Suggestion.objects.count() == 1


def test_two_forms_store_two_suggestions(resident, umea):
    post(resident)
    post(resident)

    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize("token", ["", "inte-en-nyckel"])
def test_a_missing_or_broken_token_is_refused(resident, umea, token):
    response = resident.post(form_url(), {"text": "Belysning.", "website": "", "token": token})

    assert response.status_code == 200
    assert "Formuläret gick inte att skicka. Försök igen." in response.content.decode()
    assert not Suggestion.objects.exists()
    # What was typed is kept, with a fresh token, so sending the form again works.
    assert "Belysning." in response.content.decode()
    assert post(resident, token=token_from(response)).status_code == 302
    assert Suggestion.objects.count() == 1


def test_too_many_submits_from_one_address_are_answered_with_429(resident, umea):
    for _ in range(5):
        assert post(resident, REMOTE_ADDR="198.51.100.4").status_code == 302

    response = post(resident, REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert response["Retry-After"]
    assert "För många försök" in response.content.decode()
    assert Suggestion.objects.count() == 5
    # Another address is not held back, and reading the form is never limited.
    assert post(resident, REMOTE_ADDR="198.51.100.5").status_code == 302
    assert resident.get(form_url(), REMOTE_ADDR="198.51.100.4").status_code == 200


def test_no_ip_address_is_stored_anywhere(resident, umea):
    post(resident, text="Belysning vid skolan.", REMOTE_ADDR="203.0.113.7")
    assert Suggestion.objects.count() == 1

    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]
        for row in model.objects.values_list(*fields):
            assert not any("203.0.113.7" in str(value) for value in row), f"{model.__name__} stores the address"
    assert {f.name for f in Suggestion._meta.concrete_fields} == {
        "id",
        "municipality",
        "text",
        "submitted_on",
        "state",
        "note",
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_kommun_is_not_found(resident, umea, method):
    response = getattr(resident, method)(form_url("finns-inte"))
    assert response.status_code == 404
    assert resident.get(thanks_url("finns-inte")).status_code == 404
    assert not Suggestion.objects.exists()


def test_the_form_page_does_not_shadow_the_kommun_page(resident, umea):
    # surveys' URLs come before promises' in portal/urls.py: /umea/ must still reach the kommun page.
    response = resident.get("/umea/")

    assert response.status_code == 200
    assert response.resolver_match.view_name == "municipality_detail"
    assert "promises/municipality_detail.html" in [template.name for template in response.templates]
    assert resident.get(form_url()).resolver_match.view_name == "suggestion_create"


def test_form_page_query_count(resident, umea, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert resident.get(form_url()).status_code == 200
