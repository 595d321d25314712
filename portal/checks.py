"""System checks for a deployment (`manage.py check --deploy`): several server processes need a shared cache.

Without REDIS_URL the default cache is each process's own memory. What the portal keeps there would then be per
process: the rate-limit counters of the public forms and of the admin login's per-address throttle (N processes
allow N times each limit), the double-submit tokens of the public forms (a double submit reaching two processes
would be stored twice), and the page cache, which is off without Redis for that reason. django-axes's lockouts
are in the database (AXES_HANDLER) and hold across processes either way.

The number of processes is WEB_CONCURRENCY, which gunicorn.conf.py reads too (unset: two per core). One process
declared with WEB_CONCURRENCY=1 needs no Redis. More than one server always does, which no check can see from here
(docs/operations.md says so).
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    if settings.REDIS_URL or settings.WEB_CONCURRENCY == 1:
        return []
    processes = (
        f"WEB_CONCURRENCY={settings.WEB_CONCURRENCY}"
        if settings.WEB_CONCURRENCY
        else "WEB_CONCURRENCY is unset (gunicorn.conf.py: two per core)"
    )
    return [
        checks.Error(
            f"Several server processes without a shared cache ({processes}, REDIS_URL unset): each process would "
            "keep its own rate-limit counters and double-submit tokens, so every limit would be multiplied by the "
            "number of processes and a double submit could be stored twice.",
            hint="Set REDIS_URL=redis://… (docs/operations.md). Only a single process on a single server may run "
            "without it: set WEB_CONCURRENCY=1 to say so.",
            id="portal.E001",
        )
    ]
