"""Error pages: the static 503 while the database is unreachable (wherever in the request that shows), and the
Swedish 400, 403, 404, 413 and 500 pages, which need no database.

Tests without the `db` fixture prove that a page needs no database: pytest-django makes any database access in
them an error. The outage is a connection whose `ensure_connection` raises OperationalError, as psycopg does when
the server is gone. The real outage (a PostgreSQL cluster stopped and started under gunicorn) is
tests/portal/test_database_outage.py.
"""

import copy
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, ProgrammingError, connections
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from portal import errors
from portal.urls import urlpatterns as portal_urlpatterns


def _raising(exception):
    def view(request):
        raise exception

    return view


def _context_processor_reading_the_database(request):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def _template_view(request):
    from django.shortcuts import render

    return render(request, "portal/easy_read.html")


class _MiddlewareReadingTheDatabase:
    """Like a middleware that checks something in the database on every request (a login lockout, a session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return self.get_response(request)


urlpatterns = [
    path("test/operational/", _raising(OperationalError("server closed the connection unexpectedly"))),
    path("test/interface/", _raising(InterfaceError("connection already closed"))),
    path("test/programming/", _raising(ProgrammingError('relation "x" does not exist'))),
    path("test/template/", _template_view),
    path("test/ok/", lambda request: HttpResponse("ok")),
    *portal_urlpatterns,
]
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler500 = "portal.errors.server_error"


@pytest.fixture
def anonymous():
    # Errors in a middleware reach the handler500 through got_request_exception, which the test client would raise.
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down():
    errors.outage_log.reset()
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError("connection refused")
    ):
        yield
    errors.outage_log.reset()


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Portalen är tillfälligt otillgänglig" in page
    assert 'lang="en"' in page
    # Nothing that the CSP forbids and nothing that needs the static files.
    assert "<style" not in page and "style=" not in page and "<script" not in page and "/static/" not in page
    assert "connection refused" not in page and "Traceback" not in page


def test_a_page_whose_view_reads_the_database_answers_the_static_503(anonymous, database_down):
    assert_outage_page(anonymous.get("/"))
    assert_outage_page(anonymous.get("/en/"))


@pytest.mark.parametrize("url", ["/test/operational/", "/test/interface/"])
def test_both_kinds_of_connection_error_raised_in_a_view_answer_503(anonymous, test_urls, url):
    assert_outage_page(anonymous.get(url))


def test_a_programming_error_stays_a_500_and_is_not_taken_for_an_outage(anonymous, test_urls):
    response = anonymous.get("/test/programming/")
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()
    assert "Retry-After" not in response


def test_an_unwrapped_psycopg_error_is_an_outage_too():
    psycopg = pytest.importorskip("psycopg")
    assert errors.database_unreachable_error(psycopg.OperationalError("x")) is not None
    assert errors.database_unreachable_error(psycopg.errors.UndefinedTable("x")) is None


def test_the_database_error_behind_another_exception_is_found():
    try:
        try:
            raise OperationalError("gone")
        except OperationalError:
            raise RuntimeError("session could not be saved")  # noqa: B904 - the implicit context is the point
    except RuntimeError as error:
        assert isinstance(errors.database_unreachable_error(error), OperationalError)


def test_an_error_in_a_middleware_answers_503(anonymous, settings, test_urls, database_down):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}._MiddlewareReadingTheDatabase"]
    assert_outage_page(anonymous.get("/test/ok/"))


def test_an_error_in_a_context_processor_answers_503(anonymous, settings, test_urls, database_down):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(f"{__name__}._context_processor_reading_the_database")
    settings.TEMPLATES = templates
    assert_outage_page(anonymous.get("/test/template/"))
    # Also while rendering the 404 page: the handler fails, and handler500 gives the outage page.
    assert_outage_page(anonymous.get("/finns/inte/alls/har/"))


def test_a_visitor_with_a_session_gets_503_from_the_session_middleware(anonymous, settings, database_down):
    # /livez reads nothing, but the session is saved after every request (SESSION_SAVE_EVERY_REQUEST).
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    assert_outage_page(anonymous.get("/livez"))


def test_a_session_that_cannot_be_saved_answers_503_not_400(anonymous, settings, test_urls):
    # SessionMiddleware turns a failed save into SessionInterrupted (a 400) raised from the database error.
    from django.contrib.sessions.backends.base import UpdateError

    def failing_save(self, must_create=False):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise UpdateError from None  # the session backend raises it inside `except DatabaseError`

    with (
        mock.patch("django.contrib.sessions.backends.db.SessionStore.save", failing_save),
        mock.patch("django.contrib.sessions.backends.db.SessionStore.load", return_value={}),
    ):
        anonymous.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
        response = anonymous.get("/test/ok/")
    # `from None` hides the cause from tracebacks but keeps __context__, which is what the session backend leaves.
    assert_outage_page(response)


def test_an_outage_is_logged_once_then_reminded_then_its_end(anonymous, database_down, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            anonymous.get("/")
    errors_logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors_logged) == 1
    assert errors_logged[0].name == "portal.errors" and errors_logged[0].exc_info
    # Django's own "Service Unavailable" line with a traceback is not written for every request.
    assert not [r for r in caplog.records if r.name == "django.request"]

    caplog.clear()
    with mock.patch.object(errors.time, "monotonic", return_value=errors.time.monotonic() + 120):
        anonymous.get("/")
        anonymous.get("/")
    reminders = [r for r in caplog.records if r.name == "portal.errors"]
    assert len(reminders) == 1 and reminders[0].levelno == logging.WARNING
    assert "6 requests answered 503" in reminders[0].getMessage()

    caplog.clear()
    errors._on_connection_created(sender=None, connection=None)
    assert next(r.getMessage() for r in caplog.records if r.name == "portal.errors").startswith(
        "Database reachable again"
    )
    assert errors.outage_log.since is None


def test_not_found_needs_no_database(anonymous):
    # No `db` fixture: any query would fail this test.
    response = anonymous.get("/finns/inte/alls/har/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]


@pytest.mark.parametrize("path", ["/finns/inte/alls/har/", "/en/\N{PILE OF POO}/synpunkt/"])
@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data", b"text=hej"),  # no boundary
        ("application/x-www-form-urlencoded; charset=latin-1", "text=h\xe4j".encode("latin-1")),
    ],
)
@pytest.mark.parametrize("with_csrf_cookie", [True, False])
def test_form_post_with_an_unreadable_body_to_an_unknown_address_is_not_found(
    db, path, content_type, body, with_csrf_cookie
):
    # Django's 404 view reads the form for its CSRF check (found by fuzzing).
    client = Client(enforce_csrf_checks=with_csrf_cookie, raise_request_exception=False)
    if with_csrf_cookie:
        # The check reads the form only when there is a token cookie to compare it with.
        client.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_not_found_renders_while_the_database_is_down(anonymous, database_down):
    response = anonymous.get("/en/finns/inte/alls/har/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_server_error_page_needs_no_database(anonymous, test_urls, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}._MiddlewareReadingTheDatabase"]
    # The middleware's query is refused by pytest-django (not a connection error): the plain 500 page.
    response = anonymous.get("/test/ok/")
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()


@pytest.mark.django_db
def test_a_too_large_post_to_a_public_form_gets_a_swedish_413_page(anonymous, settings, vasterbotten):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = anonymous.post(
        "/platser/rapportera/",
        {"title": "Gatan", "description": "x" * 20_000},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Det du skickade var för stort" in page
    assert "Traceback" not in page


@pytest.mark.django_db
def test_a_too_large_accessibility_report_gets_the_413_page_too(anonymous, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = anonymous.post("/en/tillganglighet/synpunkt/", {"description": "x" * 20_000})
    assert response.status_code == 413
    assert "Det du skickade var för stort" not in response.content.decode()  # in English on /en/


def test_a_bad_request_gets_the_swedish_400_page(anonymous, settings):
    # Too many fields is the other refusal of a form post (DATA_UPLOAD_MAX_NUMBER_FIELDS).
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = anonymous.post("/tillganglighet/synpunkt/", {f"f{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "Sidan kunde inte visas" in response.content.decode()


def test_a_post_without_csrf_token_gets_the_swedish_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tillganglighet/synpunkt/", {"text": "Hej"})
    assert response.status_code == 403
    assert "Formuläret gick inte att skicka" in response.content.decode()


def test_permission_denied_is_in_swedish(rf):
    from django.core.exceptions import PermissionDenied

    response = errors.permission_denied(rf.get("/"), PermissionDenied())
    assert response.status_code == 403
    assert "Du har inte behörighet till sidan" in response.content.decode()


def test_not_found_offers_the_find_your_kommun_field_without_the_database(anonymous):
    # No `db` fixture: the field is a plain form; its answer (/sok/kommun/) looks the name up.
    content = anonymous.get("/finns/inte/alls/har/").content.decode()
    assert '<form method="get" action="/sok/kommun/"' in content
    assert '<label for="not-found-find-municipality"' in content
    assert 'name="namn" value=""' in content


def test_an_unknown_kommun_is_not_found_with_its_address_in_the_find_field(db, anonymous):
    response = anonymous.get("/vindel/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Ingen kommun har adressen /vindel/." in content
    # One press of the button looks "vindel" up, which offers Vindeln.
    assert 'name="namn" value="vindel"' in content


def test_an_unknown_kommun_in_english_is_not_found_in_english(db, anonymous):
    response = anonymous.get("/en/ny-kommun/")
    content = response.content.decode()
    assert response.status_code == 404
    assert 'action="/en/sok/kommun/"' in content
    assert 'value="ny kommun"' in content


# ── A Host outside ALLOWED_HOSTS ────────────────────────────────────────────────────────────────────────────────
# Anyone can send one, so it must answer the 400 page and write no ERROR (nothing that raises an alert): the page's
# absolute addresses (hreflang, canonical) must not ask the request for its host again.


def _logged_errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/vindeln/", "/en/", "/finns/inte/", "/admin/"])
def test_a_host_outside_allowed_hosts_gets_the_swedish_400_page_and_no_error_in_the_log(
    anonymous, settings, caplog, path
):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO):
        response = anonymous.get(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Sidan kunde inte visas" in page or path.startswith("/en/")  # the English page on /en/
    assert "evil.example" not in page
    assert _logged_errors(caplog) == []
    assert not [r for r in caplog.records if r.exc_info]
    # Still on record, as a warning naming the host, for a misconfigured ALLOWED_HOSTS.
    security = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(security) == 1 and security[0].levelno == logging.WARNING
    assert "evil.example" in security[0].getMessage()


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_gets_the_400_page_from_the_https_redirect_too(anonymous, settings, caplog):
    # Production redirects http to https first, and the redirect asks for the host (SecurityMiddleware).
    settings.SECURE_SSL_REDIRECT = True
    with caplog.at_level(logging.INFO):
        response = anonymous.get("/vindeln/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _logged_errors(caplog) == []


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_gets_the_400_page_under_site_url_too(anonymous, settings):
    settings.SITE_URL = "https://medborgarloften.example.se"
    response = anonymous.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert 'hreflang="sv" href="https://medborgarloften.example.se/"' in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "exception", "status", "text"),
    [
        (errors.bad_request, "bad", 400, "Sidan kunde inte visas"),
        (errors.bad_request, "too_big", 413, "Det du skickade var för stort"),
        (errors.permission_denied, "denied", 403, "Du har inte behörighet till sidan"),
        (errors.page_not_found, "not_found", 404, "Sidan finns inte"),
        (errors.page_not_found, "no_kommun", 404, "Ingen kommun har adressen /vindel/."),
    ],
)
def test_every_error_page_renders_for_a_host_outside_allowed_hosts(rf, handler, exception, status, text):
    # Whichever error a request with a bad Host ends in, its page must not raise DisallowedHost while rendering.
    from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig
    from django.http import Http404

    exceptions = {
        "bad": BadRequest(),
        "too_big": RequestDataTooBig(),
        "denied": PermissionDenied(),
        "not_found": Http404(),
        "no_kommun": errors.MunicipalityNotFound("vindel"),
    }
    request = rf.get("/vindel/", HTTP_HOST="evil.example")
    response = handler(request, exceptions[exception])
    assert response.status_code == status
    assert text in response.content.decode()
