"""The page cache (portal/page_cache.py): anonymous pages come from the shared cache until something they show
changes (portal/invalidation.py); logged-in views and drafts never do. Personas: `resident` (anonymous), the
coordinators of tests/conftest.py on their own clients."""

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from portal import page_cache
from portal.page_cache import STATUS_HEADER, public_page
from promises.models import Activity, FollowUp, Publication, Theme
from surveys.models import Moderation, UnsafePlace
from tests.admin_forms import admin_form_data
from tests.factories import make_theme
from tests.factories.dialogues import make_dialogue, make_unsafe_place
from tests.factories.surveys import make_response, make_survey

pytestmark = pytest.mark.django_db

VINDELN_PERIOD = "/vindeln/2023-2025/"
VINDELN_2023 = VINDELN_PERIOD + "uppfoljning/2023/"
VINDELN_2024 = VINDELN_PERIOD + "uppfoljning/2024/"

# Every kind of public page that is cached, on the Västerbotten fixture's data.
CACHED_PAGES = [
    "/",
    "/vindeln/",
    VINDELN_PERIOD,
    VINDELN_PERIOD + "dokument/",
    VINDELN_PERIOD[:-1] + "/dokument.pdf",
    VINDELN_2023,
    VINDELN_2023 + "rapport/",
    VINDELN_2023 + "rapport.pdf",
    "/teman/",
    "/oversikt/",
    "/sok/?q=insats",
    "/flode/",
    "/flode/uppfoljningar.xml",
    "/flode/loften.xml",
    "/vindeln/flode/uppfoljningar.xml",
    "/vindeln/flode/loften.xml",
    "/oppna-data/",
    "/oppna-data/katalog.rdf",
    "/platser/",
    "/platser/?kommun=vindeln",
    "/dialoger/",
    "/enkater/",
    "/enkater/?kommun=vindeln",
    "/dialoger/kalender.ics",
    "/dialoger/kalender/vindeln.ics",
    "/om/",
    "/lattlast/",
    "/tillganglighet/",
    "/sitemap.xml",
    "/sitemap-kommuner.xml",
    "/robots.txt",
    "/en/",
    "/en/vindeln/",
    "/en/vindeln/2023-2025/",
]


@pytest.fixture(autouse=True)
def page_cache_on(settings, monkeypatch):
    # Off by default without REDIS_URL (a per-process cache is not shared); the tests' cache is one process's.
    settings.PAGE_CACHE_SECONDS = 300
    # A test that made the cache unreachable must not leave the next one without it.
    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)


@pytest.fixture
def kommun_client(coordinator_vindeln):
    client = Client()
    client.force_login(coordinator_vindeln)
    return client


@pytest.fixture
def police_client(police_coordinator_vindeln):
    client = Client()
    client.force_login(police_coordinator_vindeln)
    return client


def cache_status(response):
    return response.headers.get(STATUS_HEADER)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_every_public_page_comes_from_the_cache_the_second_time(resident, vasterbotten, url, django_assert_num_queries):
    first = resident.get(url)
    assert first.status_code == 200
    assert cache_status(first) == "miss"

    with django_assert_num_queries(0):
        second = resident.get(url)

    assert cache_status(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


def test_the_sitemap_section_address_is_one_of_the_cached_pages(resident, vasterbotten):
    # CACHED_PAGES names a section of the sitemap; make sure it is one the index lists.
    assert "/sitemap-kommuner.xml" in resident.get("/sitemap.xml").content.decode()


def test_anonymous_pages_may_be_kept_by_browsers_and_cdns_for_a_minute(resident, vasterbotten):
    for response in (resident.get("/vindeln/"), resident.get("/vindeln/")):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=60"}
        assert "Cookie" in response["Vary"]
        assert not response.cookies


def test_an_unchanged_page_is_answered_with_304_from_the_cache(resident, vasterbotten):
    etag = resident.get("/vindeln/")["ETag"]

    response = resident.get("/vindeln/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_an_unchanged_page_is_answered_with_304_when_rendered_afresh(resident, vasterbotten):
    etag = resident.get("/vindeln/")["ETag"]
    cache.clear()

    response = resident.get("/vindeln/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_a_logged_in_page_gets_an_etag_and_304_too(kommun_client, vasterbotten):
    etag = kommun_client.get("/vindeln/")["ETag"]
    assert kommun_client.get("/vindeln/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_changed_page_is_sent_in_full_to_a_browser_with_the_old_etag(resident, vasterbotten):
    etag = resident.get(VINDELN_PERIOD)["ETag"]
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    activity.save()
    # Saved but unchanged: the page is rendered again, and is the same.
    assert resident.get(VINDELN_PERIOD, HTTP_IF_NONE_MATCH=etag).status_code == 304

    activity.text = "Polisen och kommunen lovar något nytt."
    activity.save()
    response = resident.get(VINDELN_PERIOD, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert cache_status(response) == "miss"
    assert "lovar något nytt" in response.content.decode()


def test_a_logged_in_coordinator_never_reads_or_fills_the_cache(resident, kommun_client, vasterbotten):
    assert cache_status(resident.get("/vindeln/")) == "miss"

    for _ in range(2):
        response = kommun_client.get("/vindeln/")
        assert response.status_code == 200
        assert cache_status(response) is None
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]

    cache.clear()
    kommun_client.get(VINDELN_PERIOD)
    assert cache_status(resident.get(VINDELN_PERIOD)) == "miss"


def test_a_visitor_with_a_session_or_messages_bypasses_the_cache(client, vasterbotten):
    client.get("/vindeln/")
    for name in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[name] = "something"
        response = visitor.get("/vindeln/")
        assert response.status_code == 200
        assert cache_status(response) is None
        assert "private" in response["Cache-Control"]


def test_each_language_has_its_own_entry(resident, vasterbotten):
    swedish = resident.get("/vindeln/")
    english = resident.get("/en/vindeln/")
    assert cache_status(english) == "miss"

    assert '<html lang="sv">' in resident.get("/vindeln/").content.decode()
    assert '<html lang="en">' in resident.get("/en/vindeln/").content.decode()
    assert swedish["Content-Language"] == "sv"
    assert resident.get("/en/vindeln/")["Content-Language"] == "en"


def test_unknown_query_parameters_bypass_the_cache(resident, vasterbotten):
    resident.get("/vindeln/")
    for url in ("/vindeln/?utm_source=nyhetsbrev", "/sok/?q=insats&x=1", "/sok/?q=" + "a" * 600):
        response = resident.get(url)
        assert response.status_code == 200
        assert cache_status(response) is None

    assert cache_status(resident.get("/sok/?q=insats&typ=aktivitet")) == "miss"
    assert cache_status(resident.get("/sok/?q=insats&typ=aktivitet")) == "hit"


def test_a_page_that_holds_a_csrf_token_is_never_stored(rf):
    calls = []

    @public_page
    def page_with_form(request):
        calls.append(1)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    for _ in range(2):
        response = page_with_form(rf.get("/formular/"))
        assert cache_status(response) is None

    assert len(calls) == 2


def test_an_address_longer_than_any_kommun_slug_is_not_given_a_token(resident, vasterbotten):
    slug = "a" * 61
    response = resident.get(f"/{slug}/")
    assert response.status_code == 404
    assert cache.get(f"page-token:kommun:{slug}") is None


def test_error_pages_are_not_stored(resident, vasterbotten):
    for _ in range(2):
        response = resident.get("/finns-inte/")
        assert response.status_code == 404
        assert cache_status(response) is None


def test_publication_by_two_approvals_shows_at_once(resident, kommun_client, police_client, vasterbotten):
    from tests.promises.test_follow_up_workflow import fill_in

    draft = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    approve = reverse("admin:promises_followup_approve", args=[draft.pk])
    version = {"version": draft.content_version}
    watched = [VINDELN_PERIOD, "/vindeln/", "/flode/uppfoljningar.xml", "/vindeln/flode/uppfoljningar.xml"]
    for url in watched:
        resident.get(url)
        assert VINDELN_2024 not in resident.get(url).content.decode()

    kommun_client.post(approve, version)
    # One approval publishes nothing: the pages may stay as they are, and must not show the draft.
    for url in watched:
        assert VINDELN_2024 not in resident.get(url).content.decode()
    assert resident.get(VINDELN_2024).status_code == 404

    police_client.post(approve, version)

    draft.refresh_from_db()
    assert draft.publication == Publication.PUBLISHED
    for url in watched:
        response = resident.get(url)
        assert cache_status(response) == "miss", url
        assert VINDELN_2024 in response.content.decode(), url
    assert resident.get(VINDELN_2024).status_code == 200


def test_an_admin_edit_shows_at_once_in_both_languages(resident, kommun_client, vasterbotten):
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).order_by("pk").first()
    for url in (VINDELN_PERIOD, "/en" + VINDELN_PERIOD, VINDELN_PERIOD + "dokument/"):
        resident.get(url)
    change_url = reverse("admin:promises_activity_change", args=[activity.pk])
    data = admin_form_data(kommun_client.get(change_url))
    data["text"] = "Polisen och kommunen lovar att tända gatlyktorna i Vindeln."

    response = kommun_client.post(change_url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    for url in (VINDELN_PERIOD, "/en" + VINDELN_PERIOD, VINDELN_PERIOD + "dokument/"):
        assert "tända gatlyktorna i Vindeln" in resident.get(url).content.decode(), url


def test_a_change_in_one_kommun_leaves_the_other_kommuns_pages_cached(resident, vasterbotten):
    for url in ("/", "/vindeln/", "/umea/", "/umea/2023-2025/"):
        resident.get(url)

    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    activity.text = "Ändrad aktivitet i Vindeln."
    activity.save()

    assert cache_status(resident.get("/umea/")) == "hit"
    assert cache_status(resident.get("/umea/2023-2025/")) == "hit"
    assert cache_status(resident.get("/vindeln/")) == "miss"
    # National pages gather every kommun's data.
    assert cache_status(resident.get("/")) == "miss"


def test_a_theme_change_renews_every_page(resident, vasterbotten):
    theme = make_theme(name="Trafik", slug="trafik")
    for url in ("/", "/umea/", "/teman/"):
        resident.get(url)

    Theme.objects.filter(pk=theme.pk).get().save()

    for url in ("/", "/umea/", "/teman/"):
        assert cache_status(resident.get(url)) == "miss", url


def test_a_deleted_follow_up_disappears_from_the_pages(resident, vasterbotten):
    assert VINDELN_2023 in resident.get(VINDELN_PERIOD).content.decode()
    assert resident.get(VINDELN_2023).status_code == 200

    FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2023).delete()

    assert VINDELN_2023 not in resident.get(VINDELN_PERIOD).content.decode()
    assert resident.get(VINDELN_2023).status_code == 404


def test_the_moderation_action_shows_an_approved_place_at_once(resident, kommun_client, vasterbotten):
    place = make_unsafe_place(
        municipality=vasterbotten["vindeln"], title="Gångtunneln vid skolan", moderation=Moderation.PENDING
    )
    assert "Gångtunneln vid skolan" not in resident.get("/platser/").content.decode()

    kommun_client.post(
        reverse("admin:surveys_unsafeplace_changelist"), {"action": "approve", "_selected_action": [place.pk]}
    )

    assert UnsafePlace.objects.get(pk=place.pk).moderation == Moderation.APPROVED
    assert "Gångtunneln vid skolan" in resident.get("/platser/").content.decode()


def test_a_survey_added_to_a_kommun_shows_on_its_page(resident, vasterbotten):
    survey = make_survey(municipalities=[vasterbotten["umea"]], title="Trygghetsenkät för hela länet")
    assert "Trygghetsenkät för hela länet" not in resident.get("/vindeln/").content.decode()

    survey.municipalities.add(vasterbotten["vindeln"])

    assert "Trygghetsenkät för hela länet" in resident.get("/vindeln/").content.decode()


def test_a_dialogue_moved_to_another_kommun_leaves_both_pages_fresh(resident, vasterbotten):
    dialogue = make_dialogue(municipality=vasterbotten["vindeln"], title="Dialog på torget")
    vindeln = resident.get("/dialoger/kalender/vindeln.ics").content.decode()
    assert "Dialog på torget" in vindeln
    resident.get("/dialoger/kalender/umea.ics")

    dialogue.municipality = vasterbotten["umea"]
    dialogue.save()

    assert "Dialog på torget" not in resident.get("/dialoger/kalender/vindeln.ics").content.decode()
    assert "Dialog på torget" in resident.get("/dialoger/kalender/umea.ics").content.decode()


def test_what_the_public_never_sees_leaves_the_cache_alone(resident, vasterbotten):
    """A resident's unmoderated report or a survey answer must not throw away cached pages (think 200 a second)."""
    survey = make_survey(municipalities=[vasterbotten["vindeln"]])
    for url in ("/", "/vindeln/"):
        resident.get(url)

    make_unsafe_place(municipality=vasterbotten["vindeln"], moderation=Moderation.PENDING)
    make_response(survey)

    assert cache_status(resident.get("/")) == "hit"
    assert cache_status(resident.get("/vindeln/")) == "hit"


def test_a_renamed_kommun_slug_renews_the_pages(resident, vasterbotten):
    resident.get("/")
    vindeln = vasterbotten["vindeln"]
    vindeln.name = "Vindeln (ändrad)"
    vindeln.save()

    assert "Vindeln (ändrad)" in resident.get("/").content.decode()


def test_pages_are_rendered_without_the_cache_when_it_is_unreachable(resident, vasterbotten, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        monkeypatch.setattr(cache, name, unreachable)
        monkeypatch.setattr(caches[page_cache.CACHE_ALIAS], name, unreachable)

    response = resident.get("/vindeln/")
    assert response.status_code == 200
    assert cache_status(response) is None

    # A change is saved even though its pages' tokens cannot be renewed.
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    activity.text = "Sparad trots att cachen inte svarar."
    activity.save()
    assert Activity.objects.get(pk=activity.pk).text == "Sparad trots att cachen inte svarar."
    assert "Sparad trots att cachen inte svarar." in resident.get(VINDELN_PERIOD).content.decode()


def test_migrate_renews_every_page(resident, vasterbotten):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    resident.get("/vindeln/")
    post_migrate.send(sender=apps.get_app_config("promises"), app_config=apps.get_app_config("promises"), verbosity=0,
                      interactive=False, using="default", plan=[], apps=apps)  # fmt: skip

    assert cache_status(resident.get("/vindeln/")) == "miss"
