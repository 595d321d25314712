"""Endpoints for load balancers and process managers (not pages for people)."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def livez(request):
    """The process answers: no database, no templates. Also the benchmark's floor (bench/run.py), so that
    every page's cost is measured beside the cost of going through the server and all the middleware."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    # A key of its own per request: two probes at once must not read each other's value.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@never_cache
def healthz(request):
    """Can this process serve pages: the database answers SELECT 1 and the cache keeps a value (Redis, when set).

    For a load balancer's readiness check: 200 when all is well, 503 when not. The body says which check failed,
    never why: error texts can name hosts, users and addresses, so they go to the log only.
    """
    checks = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception as error:
            # One line, no traceback: a load balancer asks every few seconds for as long as an outage lasts.
            logger.warning("Health check %s failed: %s: %s", name, type(error).__name__, error)
            ok = False
        else:
            if not ok:
                logger.warning("Health check %s failed: unexpected answer", name)
        checks[name] = "ok" if ok else "fail"
    healthy = all(result == "ok" for result in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
    # Logged above in one line; Django would add an ERROR line for every probe's 503 for as long as an outage lasts.
    response._has_been_logged = True
    return response
