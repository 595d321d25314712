"""The page cache's fast path, renewal and bounds (portal/page_cache.py): a stored anonymous page is answered by
PageCacheMiddleware before the rest of the middleware runs, with every header it was stored with; after a renewal
one request renders while the others get the previous page for at most PAGE_CACHE_STALE_SECONDS; visitors cannot
make the cache store more than PAGE_CACHE_QUERY_BYTES of searches, nor anything for made-up kommun slugs."""

import threading
import time
import uuid

import pytest
from axes.middleware import AxesMiddleware
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import path

from portal import page_cache
from portal.locale_middleware import LocaleMiddleware
from portal.page_cache import STATUS_HEADER, public_page

# Headers that belong to one response: the rest must be the same whichever way the page was answered.
PER_RESPONSE = {STATUS_HEADER, "X-Request-ID"}

renders = []
render_seconds = [0.0]


@public_page
def counted_page(request):
    """A page whose renders are counted, and which takes render_seconds to render."""
    renders.append(time.monotonic())
    time.sleep(render_seconds[0])
    return HttpResponse(f"render {len(renders)}")


urlpatterns = [path("counted/", counted_page)]


@pytest.fixture(autouse=True)
def page_cache_on(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 300
    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)
    caches[page_cache.CACHE_ALIAS].clear()
    renders.clear()
    render_seconds[0] = 0.0


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    """The pages alias in this process's memory, or in a real Redis (TEST_REDIS_URL; the same default database as
    test_page_cache_processes.py), whose SET NX and MGET are what production's locks and reads are."""
    if request.param == "locmem":
        yield None
        return
    import redis

    from tests.portal.test_page_cache_processes import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    settings.CACHES = {**settings.CACHES, page_cache.CACHE_ALIAS: {"BACKEND": "portal.cache.RedisCache",
                                                                     "LOCATION": REDIS_URL}}  # fmt: skip
    yield client
    client.flushdb()


@pytest.fixture
def counted(settings):
    """The counted page as the only address: needs no database, so threads can ask for it at once."""
    settings.ROOT_URLCONF = __name__
    return "/counted/"


def status(response):
    return response.headers.get(STATUS_HEADER)


def headers(response):
    return {name: value for name, value in response.items() if name not in PER_RESPONSE}


# ── Answered first ───────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db
def test_a_stored_page_is_answered_before_sessions_csrf_auth_locale_and_axes_run(resident, vasterbotten, monkeypatch):
    calls = []

    def counting(cls, name):
        original = getattr(cls, name)

        def wrapper(self, *args, **kwargs):
            calls.append(cls.__name__)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)

    counting(SessionMiddleware, "process_request")
    counting(CsrfViewMiddleware, "process_request")
    counting(AuthenticationMiddleware, "process_request")
    counting(LocaleMiddleware, "process_request")
    counting(AxesMiddleware, "__call__")

    first = resident.get("/vindeln/")
    assert status(first) == "miss"
    assert set(calls) == {"SessionMiddleware", "CsrfViewMiddleware", "AuthenticationMiddleware",
                          "LocaleMiddleware", "AxesMiddleware"}  # fmt: skip
    calls.clear()

    second = resident.get("/vindeln/")

    assert status(second) == "hit"
    assert calls == []
    assert second.content == first.content


@pytest.mark.django_db
def test_a_stored_page_carries_every_header_it_was_sent_with(resident, vasterbotten):
    first = resident.get("/en/vindeln/")
    second = resident.get("/en/vindeln/")

    assert status(second) == "hit"
    assert headers(second) == headers(first)
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy", "Content-Language", "Vary", "Cache-Control", "ETag"):  # fmt: skip
        assert second[name], name
    assert second["Content-Language"] == "en"
    # The request log still gives each response an id of its own.
    assert second["X-Request-ID"] != first["X-Request-ID"]


@pytest.mark.django_db
def test_head_and_304_are_answered_from_the_stored_page(resident, vasterbotten):
    stored = resident.get("/vindeln/")

    head = resident.head("/vindeln/")
    assert (head.status_code, status(head), head.content) == (200, "hit", b"")
    assert head["ETag"] == stored["ETag"]

    unchanged = resident.get("/vindeln/", HTTP_IF_NONE_MATCH=stored["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged["ETag"] == stored["ETag"]


@pytest.mark.django_db
def test_a_stored_page_is_answered_while_the_database_is_down(resident, vasterbotten, django_db_blocker):
    stored = resident.get("/vindeln/")

    with django_db_blocker.block():  # any query raises
        response = resident.get("/vindeln/")

    assert (response.status_code, status(response)) == (200, "hit")
    assert response.content == stored.content


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_or_a_made_up_port_is_never_served_or_stored(resident, vasterbotten, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example"]
    resident.get("/vindeln/")
    assert status(resident.get("/vindeln/")) == "hit"

    outsider = Client(raise_request_exception=False)
    for _ in range(2):
        response = outsider.get("/vindeln/", HTTP_HOST="evil.example")
        # Refused by Django's host check with the 400 page (not a 500 from rendering it), never the stored page.
        assert response.status_code == 400
        assert "Sidan kunde inte visas" in response.content.decode()
        assert status(response) is None
    for host in ("portal.example:8443", "PORTAL.example"):
        for _ in range(2):
            response = resident.get("/vindeln/", HTTP_HOST=host)
            assert (response.status_code, status(response)) == (200, None), host


@pytest.mark.django_db
def test_personal_requests_are_never_answered_from_the_stored_page(resident, vasterbotten, settings):
    resident.get("/vindeln/")
    for name in (settings.SESSION_COOKIE_NAME, "messages"):
        visitor = Client()
        visitor.cookies[name] = "something"
        response = visitor.get("/vindeln/")
        assert status(response) is None
        assert "private" in response["Cache-Control"]


def test_an_unreachable_cache_is_left_alone_at_once(counted, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    asked = []

    def unreachable(*args, **kwargs):
        asked.append(1)
        raise RedisConnectionError("Connection refused")

    for name in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(caches[page_cache.CACHE_ALIAS], name, unreachable)
    monkeypatch.setattr(page_cache, "UNREACHABLE_PAUSE_SECONDS", 60)  # however slow this machine is

    responses = [Client().get(counted) for _ in range(5)]

    assert [(r.status_code, status(r)) for r in responses] == [(200, None)] * 5
    assert len(renders) == 5
    # The first request found it unreachable; the others did not wait for it again within the pause.
    assert len(asked) == 1


# ── Renewal without a stampede ───────────────────────────────────────────────────────────────────────────────────


def ask_at_once(url, count):
    barrier = threading.Barrier(count)
    results = [None] * count

    def ask(index):
        client = Client()
        barrier.wait()
        response = client.get(url)
        results[index] = (status(response), response.content.decode())

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def renew_national(monkeypatch):
    page_cache.renew([page_cache.NATIONAL])


def midnight(monkeypatch):
    tomorrow = "2999-01-01"
    monkeypatch.setattr(page_cache, "_today", lambda: tomorrow)
    monkeypatch.setattr(page_cache, "_midnight", time.time)


@pytest.mark.parametrize("renewal", [renew_national, midnight])
def test_after_a_renewal_one_request_renders_while_the_others_get_the_previous_page(counted, settings, monkeypatch,
                                                                                    renewal, backend):  # fmt: skip
    settings.PAGE_CACHE_STALE_SECONDS = 5
    assert status(Client().get(counted)) == "miss"
    render_seconds[0] = 1.5  # long enough for all to arrive while it renders, on a busy machine too

    renewal(monkeypatch)
    results = ask_at_once(counted, 8)

    assert len(renders) == 2
    assert sorted(results) == [("miss", "render 2")] + [("stale", "render 1")] * 7
    # Once it is stored, everyone gets the new page.
    assert [(status(r), r.content.decode()) for r in (Client().get(counted), Client().get(counted))] == [
        ("hit", "render 2")
    ] * 2
    assert len(renders) == 2


@pytest.mark.django_db  # the personal request's session is looked up
def test_the_previous_page_is_never_sent_beyond_the_bound(counted, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 1
    Client().get(counted)
    render_seconds[0] = 2.5  # longer than the bound
    page_cache.renew([page_cache.NATIONAL])
    renewed = time.monotonic()

    slow = threading.Thread(target=Client().get, args=(counted,))
    slow.start()
    while len(renders) < 2:
        time.sleep(0.01)
    # While it renders, within the bound: the previous page, but never to a personal request.
    within = Client().get(counted)
    personal = Client()
    personal.cookies[settings.SESSION_COOKIE_NAME] = "something"
    render_seconds[0] = 0.0
    assert status(personal.get(counted)) is None
    assert len(renders) == 3

    time.sleep(max(0.0, renewed + 1.2 - time.monotonic()))
    after = Client().get(counted)
    slow.join(timeout=10)

    assert (status(within), within.content.decode()) == ("stale", "render 1")
    # After the bound the request renders itself rather than wait for the slow one or get the old page.
    assert status(after) == "miss"
    assert after.content.decode() == "render 4"
    assert len(renders) == 4


def test_without_a_previous_page_every_request_renders(counted):
    render_seconds[0] = 1.5  # none has stored it before the others arrive
    results = ask_at_once(counted, 3)
    assert [s for s, _ in results] == ["miss"] * 3
    assert len(renders) == 3


# ── Bounded ──────────────────────────────────────────────────────────────────────────────────────────────────────


def all_keys(backend):
    """The keys the pages alias holds, as given to it (without the version Django adds)."""
    made = [key.decode() for key in backend.scan_iter()] if backend else list(caches[page_cache.CACHE_ALIAS]._cache)
    return [key.split(":", 2)[2] for key in made]


def stored_pages(backend=None):
    """(key, value) of each page the cache holds."""
    pages = caches[page_cache.CACHE_ALIAS]
    return [(key, pages.get(key)) for key in all_keys(backend) if key.startswith(page_cache.PAGE_PREFIX)]


def token_keys(backend=None):
    return {key for key in all_keys(backend) if key.startswith(page_cache.TOKEN_PREFIX)}


@pytest.mark.django_db
def test_random_searches_cannot_store_more_than_the_bound(resident, vasterbotten, settings, backend):
    size = len(resident.get("/sok/?q=vindeln").content)
    caches[page_cache.CACHE_ALIAS].clear()
    settings.PAGE_CACHE_QUERY_BYTES = 5 * size

    statuses = []
    for index in range(40):
        prefix = "/en" if index % 2 else ""
        statuses.append(status(resident.get(f"{prefix}/sok/?q={uuid.uuid4().hex}")))

    stored = stored_pages(backend)
    assert 0 < len(stored) < 10
    assert sum(len(value[4]) for _key, value in stored) <= settings.PAGE_CACHE_QUERY_BYTES
    assert statuses.count("miss") == len(stored)
    assert statuses.count(None) == 40 - len(stored)  # rendered, not stored


@pytest.mark.django_db
def test_made_up_kommun_slugs_store_nothing_and_create_no_token(resident, vasterbotten, backend):
    resident.get("/vindeln/")
    tokens_before, pages_before = token_keys(backend), len(stored_pages(backend))
    assert pages_before == 1

    for _ in range(30):
        response = resident.get(f"/{uuid.uuid4().hex[:20]}/")
        assert response.status_code == 404
        assert status(response) is None

    assert token_keys(backend) == tokens_before
    assert len(stored_pages(backend)) == pages_before


@pytest.mark.django_db
def test_a_new_kommun_gets_its_pages_cached(resident, vasterbotten):
    from tests.factories import make_municipality

    # The known slugs were read before the new kommun existed; adding it renews `all`, which reads them again.
    resident.get("/vindeln/")
    make_municipality(name="Robertsfors", official_name="Robertsfors kommun", slug="robertsfors")

    assert status(resident.get("/robertsfors/")) == "miss"
    assert status(resident.get("/robertsfors/")) == "hit"
