"""Whole public pages in the shared cache for anonymous visitors, invalidated by version tokens.

A page is stored under a key made of its absolute address, its language, today's date and the current tokens of
its *scope*:

- every page reads the token ``all``: changes that show everywhere (kommuner, police areas, themes);
- a page under /<kommun>/ (a view with ``municipality_slug``) reads ``kommun:<slug>``, which only a change to that
  kommun's own data renews, so an edit in Vindeln leaves Umeå's pages cached;
- every other page reads ``national``, which every change renews (home, themes, overview, feeds, search, …).

A change never deletes entries: portal/invalidation.py writes new tokens, keys under the old ones are never
asked for again and expire after PAGE_CACHE_SECONDS. The tokens live in the same cache as the pages, so with
REDIS_URL every server process sees a change at its next request. The expiry also bounds how long a page whose
content follows the clock (the next dialogues, an open survey) can lag behind it; the date in the key renews
everything at midnight.

Only anonymous GET and HEAD requests are answered from and stored in the cache: a request with a session (a
logged-in coordinator, who may be shown drafts) or pending messages is rendered fresh and marked private, and a
response that sets a cookie, uses a CSRF token or is not a plain 200 is never stored. Query strings other than
the page's own parameters (``query=``) bypass the cache, so random parameters cannot fill it.
"""

import functools
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.translation import get_language
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A shared cache that cannot be reached must not take the site down with it: pages are then rendered from the
# database as if the cache were off, and a change that cannot renew its tokens is still saved (the pages it makes
# stale expire after PAGE_CACHE_SECONDS at the latest; a restarted Redis holds no old tokens at all).
CACHE_ERRORS = (RedisError, OSError)

TOKEN_PREFIX = "page-token:"
ALL = "all"
NATIONAL = "national"
MAX_QUERY_LENGTH = 500
# Header for tests and the benchmark to see which way a response went; it says nothing about the content.
STATUS_HEADER = "X-Page-Cache"


# Municipality.slug's max_length: a longer slug names no kommun, and its page is not worth a token.
MAX_SLUG_LENGTH = 60
# Tokens are not kept for ever: a request for /<any-slug>/ creates one before the view can say 404, and those must
# not pile up. An expired token is replaced by a new one, which only costs each page one miss.
TOKEN_SECONDS = 24 * 60 * 60


def kommun_scope(slug):
    return f"kommun:{slug}"


def _new_token():
    return secrets.token_hex(8)


def tokens(scopes):
    """The current token of each scope, creating the ones the cache does not hold (first use, eviction)."""
    keys = [TOKEN_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add() and not set(): two processes starting at once must end up agreeing on one token.
            cache.add(key, _new_token(), timeout=TOKEN_SECONDS)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def renew(scopes):
    """New tokens for these scopes: every page that reads one of them is rendered afresh at its next request."""
    if not scopes:
        return
    try:
        cache.set_many({TOKEN_PREFIX + scope: _new_token() for scope in scopes}, timeout=TOKEN_SECONDS)
    except CACHE_ERRORS:
        logger.exception("Page cache: tokens %s not renewed; their pages may be stale until they expire", scopes)


def _is_personal(request):
    """A request whose page may differ from the anonymous one: a session (logged in) or messages to show."""
    # Messages live in the session (settings.MESSAGE_STORAGE), whose cookie is named by SESSION_COOKIE_NAME
    # (__Host-sessionid in production). A "messages" cookie is still personal if a browser holds one: it may be
    # from an earlier release, or MESSAGE_STORAGE may be set back to the cookie-based default.
    return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES


def _may_use_cache(request, query, slug):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD") or _is_personal(request):
        return False
    if slug is not None and len(slug) > MAX_SLUG_LENGTH:
        return False
    query_string = request.META.get("QUERY_STRING", "")
    return len(query_string) <= MAX_QUERY_LENGTH and set(request.GET) <= set(query)


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


def _key(request, scope):
    # The address includes scheme and host (feeds and hreflang links are absolute) and the language prefix; the
    # language is named too so that nothing else that sets it can mix two languages up.
    parts = [
        *tokens([ALL, scope]),
        get_language() or "",
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _public(response):
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
    # A shared cache in front (a CDN) must not hand the anonymous page to someone with a session, or keep the
    # page of someone with one.
    patch_vary_headers(response, ["Cookie"])
    return response


def public_page(view=None, *, query=()):
    """Serve the view's anonymous responses from the shared cache. `query`: the GET parameters the page reads.

    Applied in the URLconf so that each app's urls.py shows which pages are cached.
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
            key = _key(request, kommun_scope(slug) if slug else NATIONAL)
            stored = cache.get(key)
        except CACHE_ERRORS:
            logger.warning("Page cache unreachable: %s rendered without it", request.path, exc_info=True)
            return view(request, *args, **kwargs)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[STATUS_HEADER] = "hit"
            return response

        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not _may_store(request, response):
            return response
        set_response_etag(response)
        _public(response)
        try:
            cache.set(key, (response.content, dict(response.headers)), timeout=settings.PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("Page cache unreachable: %s not stored", request.path, exc_info=True)
            return response
        response[STATUS_HEADER] = "miss"
        return response

    return cached_view
