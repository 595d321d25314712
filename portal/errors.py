"""What a visitor gets when something fails: a static 503 while the database is unreachable, and the Swedish
400, 403, 404, 413 and 500 pages.

A database outage can surface anywhere in a request: in the view, while a template's context processor reads the
session or the user, or in a middleware (the session saved after the view, the admin's login protection). Django
turns each of those into a response at a different place, so two hooks together catch them all:

- `DatabaseOutageMiddleware.process_exception` for errors in the view and in rendering its template;
- `server_error` (handler500) for errors in a middleware or in another error handler: Django wraps every
  middleware with convert_exception_to_response and calls the handler inside its `except` block, so
  `sys.exc_info()` still holds the error; `bad_request` (handler400) for the session middleware, which turns a
  failed save into SessionInterrupted (a 400) with the database error as its context.

Only errors that mean "the database cannot be reached or the connection broke" become a 503 (OperationalError,
InterfaceError); a programming error (a missing column, a bad query) stays a 500, so a bug never hides as an
outage. The 503 page is static: no database, no static files, no template tags, no inline style (the CSP
forbids it), so it can always be sent.

Logging: the first failure of an outage is logged once per process at ERROR with its traceback; while it lasts,
a WARNING at most every OUTAGE_REMINDER_SECONDS says how many requests were answered 503; the first new connection
afterwards logs that the database is back. An outage under load must not write a traceback per request.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.signals import connection_created
from django.http import Http404, HttpResponse, HttpResponseNotFound, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

try:  # psycopg's own errors, for the few places where Django does not wrap them (closing a broken connection)
    import psycopg
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite-only checkouts work without it
    psycopg = None

DATABASE_UNREACHABLE = (OperationalError, InterfaceError) + (
    (psycopg.OperationalError, psycopg.InterfaceError) if psycopg else ()
)
# What a client (and a proxy or CDN) is told: try again in half a minute; never keep this answer.
RETRY_AFTER_SECONDS = 30
OUTAGE_REMINDER_SECONDS = 60


def database_unreachable_error(exc):
    """The database error behind `exc` (itself, or the cause it was raised from), or None."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_UNREACHABLE):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


class _OutageLog:
    """Logs an outage once per process, not once per request; thread-safe for gunicorn's threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.since = None
        self.answered = 0
        self.last_logged = 0.0

    def failure(self, error, request):
        now = time.monotonic()
        with self._lock:
            first = self.since is None
            if first:
                self.since = now
                self.last_logged = now
            self.answered += 1
            remind = not first and now - self.last_logged >= OUTAGE_REMINDER_SECONDS
            if remind:
                self.last_logged = now
            answered, since = self.answered, self.since
        if first:
            logger.error(
                "Database unreachable: answering 503 until it is back (first failed request: %s %s)",
                request.method,
                request.path,
                exc_info=error,
            )
        elif remind:
            logger.warning(
                "Database still unreachable after %.0f s: %d requests answered 503 (%s: %s)",
                now - since,
                answered,
                type(error).__name__,
                str(error).strip().splitlines()[0] if str(error).strip() else "",
            )

    def recovered(self):
        with self._lock:
            if self.since is None:
                return
            lasted, answered = time.monotonic() - self.since, self.answered
            self.reset()
        logger.warning("Database reachable again after %.1f s; %d requests were answered 503", lasted, answered)


outage_log = _OutageLog()


def _on_connection_created(sender, connection, **kwargs):
    # A new connection after failures is the first sign that the database is back.
    outage_log.recovered()


connection_created.connect(_on_connection_created, dispatch_uid="portal.errors.outage_recovered")


def database_unavailable(request, error):
    """The static 503 page. Rendered without a request: no context processors, no session, no database."""
    outage_log.failure(error, request)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above (once); Django's own log_response would write a traceback at ERROR for every request.
    response._has_been_logged = True
    return response


def ensure_database_reachable():
    """Raise now if the database cannot be reached, before a streamed response has sent its 200.

    A streaming response runs its queries while it is being sent, after the status line: an outage then cuts the
    download short instead of answering 503. This checks the connection as the first query would (the health check
    of a persistent connection, or a new connection), without a query of its own.
    """
    connection.close_if_health_check_failed()
    connection.ensure_connection()


class DatabaseOutageMiddleware:
    """Answers 503 when the view (or its template) fails because the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # With DEBUG on, a developer gets Django's technical page (a missing SQLite table is an OperationalError).
        if settings.DEBUG:
            return None
        error = database_unreachable_error(exception)
        return database_unavailable(request, error) if error is not None else None


def server_error(request):
    """handler500: the outage page if the database is the cause, otherwise the static 500 page."""
    error = database_unreachable_error(sys.exc_info()[1])
    if error is not None:
        return database_unavailable(request, error)
    return defaults.server_error(request)


# What reading a form body can raise: a body Django cannot parse (no multipart boundary, a urlencoded body in
# another charset) or will not (too many fields or files, too large), or one the client never finished sending.
UNREADABLE_BODY = (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError)


class MunicipalityNotFound(Http404):
    """No kommun has the address /<slug>/: the 404 page offers its find field with the address's words in it."""

    def __init__(self, slug):
        super().__init__(f"No kommun has the slug {slug!r}")
        self.municipality_slug = slug


def page_not_found(request, exception):
    """handler404: Django's page, which a form post with an unreadable body must not turn into a 500.

    The page has the find-your-kommun field, as a plain form that needs no database here (the page must render
    during an outage): the kommuner it may mean are looked up on /sok/kommun/ when it is sent.

    Django's 404 view checks the CSRF token (requires_csrf_token), which reads the form, outside the handling that
    makes an unreadable body a 400 on a real page. Reading it here first, and treating a body that cannot be read
    as an empty form, gives the visitor the 404 the address deserves (found by tests/portal/test_fuzz_public_forms.py).
    """
    if request.method == "POST":
        try:
            request.POST  # noqa: B018
        except UNREADABLE_BODY:
            request._mark_post_parse_error()
    slug = getattr(exception, "municipality_slug", None)
    if slug is None:
        return defaults.page_not_found(request, exception)
    # /vindel/: the field holds "vindel", so one press of the button offers Vindeln.
    context = {"unknown_slug": slug, "unknown_municipality": " ".join(slug.replace("-", " ").split())[:100]}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))


def bad_request(request, exception):
    """handler400, in Swedish: 413 for a post larger than DATA_UPLOAD_MAX_MEMORY_SIZE, 400 otherwise."""
    error = database_unreachable_error(exception)
    if error is not None:
        # The session middleware reports a save that failed on a broken connection as SessionInterrupted.
        return database_unavailable(request, error)
    if isinstance(exception, RequestDataTooBig):
        return render(request, "413.html", status=413)
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    """handler403, in Swedish (the CSRF failure page is templates/403_csrf.html)."""
    return render(request, "403.html", status=403)
