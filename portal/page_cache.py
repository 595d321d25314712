"""Whole public pages in the shared cache for anonymous visitors, answered before the rest of the middleware runs.

**Where a page is stored.** Under its address alone (scheme, host, path and query string; the language is in the
path), in the cache alias ``pages`` (settings.CACHES). The stored value holds the page's content and ALL its final
response headers (the security headers, Content-Language, Vary, Cache-Control, ETag), and what it was rendered
under: the tokens of its *scopes* and the date.

- every page reads the token ``all``: changes that show everywhere (kommuner, police areas, themes);
- a page under /<kommun>/ (a view with ``municipality_slug``) reads ``kommun:<slug>``, which only a change to that
  kommun's own data renews, so an edit in Vindeln leaves Umeå's pages cached;
- every other page reads ``national``, which every change renews (home, themes, overview, feeds, search, …).

**How it is answered.** `PageCacheMiddleware` sits near the top of settings.MIDDLEWARE: for an anonymous GET or
HEAD it reads the page and the tokens its address can need in one MGET (``all``, ``national`` and the kommun named
by the first path segment; a page whose kommun is elsewhere in its address, such as /dialoger/kalender/<kommun>.ics,
costs a second read). A page whose tokens and date are current is sent as stored (304 to a browser that holds it),
without sessions, CSRF, authentication, axes, OTP, messages, locale or whitenoise running: they would add nothing
to a page that is the same for every anonymous visitor. Otherwise the request goes the normal way; the view, if
wrapped in `public_page`, marks its response storable, and the middleware stores it on the way out with the
headers every other middleware has added.

**Renewal without a stampede.** A change never deletes pages: portal/invalidation.py writes new tokens (each
carries the time it was made), and the page stored under the old ones becomes the *previous* page. The first
request to find it takes a short lock (cache.add) and renders; the others are sent the previous page (X-Page-Cache:
stale) for at most PAGE_CACHE_STALE_SECONDS after the renewal, and render themselves after that or when there is
no previous page. Midnight counts as a renewal (pages follow the date). The lock is per address and renewal, so no
request ever waits for another.

**What is never served or stored.** A request with a session (a logged-in coordinator, who may be shown drafts) or
pending messages is rendered fresh and marked private. A response that sets a cookie, uses a CSRF token or is not a
plain 200 (a 404 for an unknown address) is never stored. Query strings other than the page's own parameters
(``query=``) bypass the cache. Only hosts Django has validated are stored (so a Host outside ALLOWED_HOSTS can never
find a page), and only with no port or the server's own port, in lower case.

**Bounded.** What visitors can make the cache store is bounded (docs/operations.md gives Redis's maxmemory):
pages with a query string (searches, filters) count against PAGE_CACHE_MAX_QUERY_PAGES per PAGE_CACHE_SECONDS
window (beyond it they are rendered but not stored); only known kommun slugs (read from the database, renewed
with the ``all`` token) get a token, so /<any-slug>/ stores nothing; every entry expires after PAGE_CACHE_SECONDS,
which also bounds how long a page whose content follows the clock (the next dialogues, an open survey) can lag.
"""

import functools
import hashlib
import json
import logging
import re
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The cache alias the pages and their tokens live in: its own, so that operations can give it a Redis (or a bound)
# of its own in which everything may be evicted, apart from the rate-limit counters (docs/operations.md).
CACHE_ALIAS = "pages"

# A shared cache that cannot be reached must not take the site down with it: pages are then rendered from the
# database as if the cache were off, and a change that cannot renew its tokens is still saved (the pages it makes
# stale expire after PAGE_CACHE_SECONDS at the latest; a restarted Redis holds no old tokens at all).
CACHE_ERRORS = (RedisError, OSError)
# After a failed read a process leaves the cache alone this long: with Redis down, each request would otherwise
# wait for its own connection attempt (up to the socket timeout) before rendering.
UNREACHABLE_PAUSE_SECONDS = 1.0

PAGE_PREFIX = "page:"
TOKEN_PREFIX = "page-token:"
LOCK_PREFIX = "page-lock:"
QUERY_BYTES_PREFIX = "page-query-bytes:"
ALL = "all"
NATIONAL = "national"
MAX_QUERY_LENGTH = 500
# Header for tests and the benchmark to see which way a response went; it says nothing about the content.
STATUS_HEADER = "X-Page-Cache"
# Headers that belong to one response, never to the stored page (the request log adds X-Request-ID outside).
UNSTORED_HEADERS = frozenset({STATUS_HEADER.lower(), "x-request-id"})

# Municipality.slug's max_length: a longer slug names no kommun, and its page is not worth a token.
MAX_SLUG_LENGTH = 60
SLUG = re.compile(rf"[-a-z0-9_]{{1,{MAX_SLUG_LENGTH}}}")
# Tokens are not kept for ever (nothing deletes the token of a deleted kommun). An expired token is replaced by a
# new one, which only costs each page one render.
TOKEN_SECONDS = 24 * 60 * 60

# The settings that make the headers stored with a page: a page stored under others is not sent (a restart with a
# new Content-Security-Policy must not keep sending the old one for PAGE_CACHE_SECONDS).
HEADER_SETTINGS = (
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "PAGE_CACHE_MAX_AGE",
)

# (headers version, scopes, tokens, date, content, {lower-case name: (name, value)}): see _headers_version().
STORED_LAYOUT = 2

_unreachable_until = 0.0
# (the `all` token they were read under, the slugs): see _known_slugs().
_known = (None, frozenset())


def _pages():
    return caches[CACHE_ALIAS]


def kommun_scope(slug):
    return f"kommun:{slug}"


def _new_token():
    # The time it was made says how long the page rendered under the previous token may still be sent.
    return f"{secrets.token_hex(8)}-{time.time():.3f}"


def _renewed_at(token):
    try:
        return float(token.rpartition("-")[2])
    except (AttributeError, ValueError):
        return 0.0


def _reachable():
    return time.monotonic() >= _unreachable_until


def _unreachable(what, path):
    global _unreachable_until
    _unreachable_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
    logger.warning("Page cache unreachable: %s %s", path, what, exc_info=True)


def tokens(scopes):
    """The current token of each scope, creating the ones the cache does not hold (first use, eviction)."""
    pages = _pages()
    keys = [TOKEN_PREFIX + scope for scope in scopes]
    found = pages.get_many(keys)
    for key in keys:
        if key not in found:
            # add() and not set(): two processes starting at once must end up agreeing on one token.
            pages.add(key, _new_token(), timeout=TOKEN_SECONDS)
            found[key] = pages.get(key)
    return [found[key] for key in keys]


def renew(scopes):
    """New tokens for these scopes: every page that reads one of them is rendered afresh at its next request."""
    if not scopes:
        return
    try:
        _pages().set_many({TOKEN_PREFIX + scope: _new_token() for scope in scopes}, timeout=TOKEN_SECONDS)
    except CACHE_ERRORS:
        logger.exception("Page cache: tokens %s not renewed; their pages may be stale until they expire", scopes)


def _known_slugs(all_token):
    """The kommun slugs in the database, read again whenever the `all` token (which any kommun change renews)
    differs from the one they were read under: only these may create a token, so /<any-slug>/ stores nothing."""
    global _known
    if _known[0] != all_token:
        from portal.models import Municipality

        _known = (all_token, frozenset(Municipality.objects.values_list("slug", flat=True)))
    return _known[1]


def _today():
    return timezone.localdate().isoformat()


def _midnight():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


@functools.cache
def _headers_version():
    # The layout of the stored value is part of it: a release that changes it ignores what the previous one stored.
    values = [STORED_LAYOUT, *(getattr(settings, name, None) for name in HEADER_SETTINGS)]
    # Sorted, so that every server process (each with its own hash seed) names the same settings the same way.
    text = json.dumps(values, sort_keys=True, default=lambda v: sorted(map(str, v)) if isinstance(v, set) else str(v))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _settings_changed(**kwargs):
    _headers_version.cache_clear()
    _language_prefixes.cache_clear()
    _never_stored.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="page_cache.settings_changed")


@functools.cache
def _never_stored():
    """Addresses no cached page has: not worth a cache read (the load balancer's probes ask several times a second)."""
    return tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL, "/livez", "/healthz") if prefix)


@functools.cache
def _language_prefixes():
    return frozenset(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def _is_personal(request):
    """A request whose page may differ from the anonymous one: a session (logged in) or messages to show."""
    # Messages live in the session (settings.MESSAGE_STORAGE), whose cookie is named by SESSION_COOKIE_NAME
    # (__Host-sessionid in production). A "messages" cookie is still personal if a browser holds one: it may be
    # from an earlier release, or MESSAGE_STORAGE may be set back to the cookie-based default.
    return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES


# ── The view side: which responses may be stored ────────────────────────────────────────────────────────────────


def _may_use_cache(request, query, slug):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD") or _is_personal(request):
        return False
    if slug is not None and len(slug) > MAX_SLUG_LENGTH:
        return False
    query_string = request.META.get("QUERY_STRING", "")
    return len(query_string) <= MAX_QUERY_LENGTH and set(request.GET) <= set(query) and _reachable()


def _may_store(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page holds this visitor's CSRF token (a form): shared, it would give others a secret of theirs.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
    )


def _scopes_and_tokens(slug):
    """The scopes a page reads and their current tokens; (None, None) for an address that names no kommun."""
    if slug is None:
        scopes = (ALL, NATIONAL)
        return scopes, tokens(scopes)
    (all_token,) = tokens([ALL])
    if slug not in _known_slugs(all_token):
        return None, None
    scope = kommun_scope(slug)
    return (ALL, scope), [all_token, *tokens([scope])]


def _public(response):
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
    # A shared cache in front (a CDN) must not hand the anonymous page to someone with a session, or keep the
    # page of someone with one.
    patch_vary_headers(response, ["Cookie"])
    return response


def public_page(view=None, *, query=()):
    """Let PageCacheMiddleware store the view's anonymous responses. `query`: the GET parameters the page reads.

    Applied in the URLconf so that each app's urls.py shows which pages are cached. The tokens are read before the
    view runs: a change saved while it renders leaves the page stored under the old ones, never the reverse.
    """
    if view is None:
        return functools.partial(public_page, query=query)

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        slug = kwargs.get("municipality_slug")
        if not _may_use_cache(request, query, slug):
            response = view(request, *args, **kwargs)
            if _is_personal(request):
                # Possibly with drafts or a coordinator's links in it: for this browser only.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        try:
            scopes, rendered_under = _scopes_and_tokens(slug)
        except CACHE_ERRORS:
            _unreachable("rendered without it", request.path)
            return view(request, *args, **kwargs)
        if scopes is None:
            return view(request, *args, **kwargs)
        day = _today()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not _may_store(request, response):
            return response
        set_response_etag(response)
        _public(response)
        response.page_cache_entry = (scopes, rendered_under, day)
        return response

    return cached_view


# ── The middleware side: answering first, and storing the final response ────────────────────────────────────────


def _page_key(request):
    # Django's own choice of host (X-Forwarded-Host only with USE_X_FORWARDED_HOST), unvalidated: a host outside
    # ALLOWED_HOSTS finds nothing, because only validated hosts are stored (_storable_host).
    address = f"{request.scheme}://{request._get_raw_host()}{request.path}?{request.META.get('QUERY_STRING', '')}"
    return PAGE_PREFIX + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def _kommun_in_path(path):
    """The kommun scope the address most likely reads (/<slug>/…, /en/<slug>/…), to fetch its token with the page."""
    parts = path.split("/", 3)
    first = parts[1] if len(parts) > 1 else ""
    if first in _language_prefixes() and len(parts) > 2:
        first = parts[2]
    return kommun_scope(first) if SLUG.fullmatch(first) else None


def _may_answer(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not _is_personal(request)
        and not request.path_info.startswith(_never_stored())
        and _reachable()
    )


def _lookup(request, page_key):
    """The stored page as a response (fresh, or the previous one while another request renders), or None."""
    pages = _pages()
    keys = [page_key, TOKEN_PREFIX + ALL, TOKEN_PREFIX + NATIONAL]
    if scope := _kommun_in_path(request.path_info):
        keys.append(TOKEN_PREFIX + scope)
    found = pages.get_many(keys)
    stored = found.get(page_key)
    if stored is None:
        return None
    version, scopes, rendered_under, day, content, headers = stored
    if version != _headers_version():
        return None
    wanted = [TOKEN_PREFIX + scope for scope in scopes]
    if missing := [key for key in wanted if key not in keys]:
        found.update(pages.get_many(missing))
    current = [found.get(key) for key in wanted]
    today = _today()
    if current == list(rendered_under) and day == today:
        status = "hit"
    elif _may_send_previous(pages, page_key, rendered_under, current, day, today):
        status = "stale"
    else:
        return None
    response = HttpResponse(b"" if request.method == "HEAD" else content)
    # The headers as the stored response held them (names and values already checked and encoded when it was
    # made): setting them one by one again was a tenth of the time of a hit.
    response.headers._store.update(headers)
    response[STATUS_HEADER] = status
    if "HTTP_IF_NONE_MATCH" in request.META:
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
    return response


def _may_send_previous(pages, page_key, rendered_under, current, day, today):
    """True while another request renders the renewed page, for at most PAGE_CACHE_STALE_SECONDS after the
    renewal; False for the one request that is to render it, and for every request after the bound."""
    if None in current:
        return False  # an expired or evicted token: nothing says since when the page is old
    renewed = [_renewed_at(now) for now, then in zip(current, rendered_under, strict=True) if now != then]
    since = max(renewed, default=0.0)
    if day != today:
        since = max(since, _midnight())
    stale_seconds = settings.PAGE_CACHE_STALE_SECONDS
    if time.time() - since > stale_seconds:
        return False
    # One lock per address and renewal: add() succeeds for exactly one request, which renders. It need not outlive
    # the bound, after which nobody asks for it.
    lock = LOCK_PREFIX + hashlib.sha256("\n".join([page_key, today, *current]).encode()).hexdigest()
    return not pages.add(lock, 1, timeout=max(1, stale_seconds))


def _storable_host(request):
    raw = request._get_raw_host()
    try:
        request.get_host()  # validated against ALLOWED_HOSTS (raises otherwise)
    except DisallowedHost:
        return False
    # Each spelling of a host would be an address of its own: one spelling only, and no made-up ports.
    _domain, port = split_domain_port(raw)
    return raw == raw.lower() and port in ("", request.META.get("SERVER_PORT"))


def _within_query_bound(pages, size):
    """Counts the bytes of pages with a query string (searches, filters) stored in this PAGE_CACHE_SECONDS window:
    as each expires after PAGE_CACHE_SECONDS, at most two windows' worth (2 × PAGE_CACHE_QUERY_BYTES) is held."""
    window_seconds = max(1, settings.PAGE_CACHE_SECONDS)
    key = f"{QUERY_BYTES_PREFIX}{int(time.time() // window_seconds)}"
    pages.add(key, 0, timeout=2 * window_seconds)
    try:
        return pages.incr(key, size) <= settings.PAGE_CACHE_QUERY_BYTES
    except ValueError:  # expired between add() and incr()
        return False


def _store(request, page_key, response, rendered):
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or not _storable_host(request)
    ):
        return
    scopes, rendered_under, day = rendered
    headers = {lower: item for lower, item in response.headers._store.items() if lower not in UNSTORED_HEADERS}
    pages = _pages()
    try:
        if request.META.get("QUERY_STRING") and not _within_query_bound(pages, len(response.content)):
            return
        value = (_headers_version(), scopes, rendered_under, day, response.content, headers)
        pages.set(page_key, value, timeout=settings.PAGE_CACHE_SECONDS)
    except CACHE_ERRORS:
        _unreachable("not stored", request.path)
        return
    response[STATUS_HEADER] = "miss"


class PageCacheMiddleware:
    """Near the top of settings.MIDDLEWARE: answers a stored anonymous page before the rest runs, and stores the
    responses `public_page` marked, with the headers the rest of the middleware added (the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_key = None
        if _may_answer(request):
            page_key = _page_key(request)
            try:
                response = _lookup(request, page_key)
            except CACHE_ERRORS:
                _unreachable("not read", request.path)
                response = page_key = None
            if response is not None:
                return response
        response = self.get_response(request)
        rendered = getattr(response, "page_cache_entry", None)
        if rendered is not None and page_key is not None:
            _store(request, page_key, response, rendered)
        return response
