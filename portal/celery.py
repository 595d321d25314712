"""The portal's Celery app: background jobs on a real queue (Redis, or RabbitMQ) with a worker and celery beat.

Loaded from portal/__init__.py, as Celery's Django guide says, so that `@shared_task` jobs bind to it and
`celery -A portal worker` / `celery -A portal beat` find it. Its settings are the CELERY_* names in
portal/settings.py (documented there and in docs/operations.md, "Background jobs"); each app's jobs are in its
tasks.py, found by autodiscover_tasks().

Without CELERY_BROKER_URL (`make run`, the tests) jobs run in the process that asks for them (task_always_eager),
so nothing else needs to run.
"""

import logging
import os

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger("portal.jobs")


class PortalTask(Task):
    """Every job of the portal: a failure is logged with the job's name and id, each retry and the last one.

    Celery's own log says the same in the worker, but through its own loggers and wording; these lines go through
    the portal's logging (JSON in production) under one logger, `portal.jobs`, that an alert can watch. The job's
    arguments are never logged: a mail's carry e-mail addresses.
    """

    # Retries wait 1, 2, 4 … s (at most retry_backoff_max), each with jitter, so that a relay or database coming
    # back is not hit by every waiting job at once. A job names what it retries on (autoretry_for).
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def retry(self, *args, exc=None, **kwargs):
        # Run in the process (no broker) with its errors propagated, a retry would run the job again at once, without
        # the waits, and then raise Celery's Retry instead of the error: the caller gets the job's own exception, as
        # from a direct call. Without propagation (the retry tests) Celery retries in the process as usual.
        if self.request.is_eager and self.app.conf.task_eager_propagates and exc is not None:
            raise exc
        return super().retry(*args, exc=exc, **kwargs)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        logger.warning(
            "Job %s[%s] failed (attempt %d of %d) and is retried: %r",
            self.name,
            task_id,
            self.request.retries + 1,
            self.max_retries + 1,
            exc,
        )

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error(
            "Job %s[%s] failed for good after %d attempts: %r",
            self.name,
            task_id,
            self.request.retries + 1,
            exc,
            exc_info=(type(exc), exc, exc.__traceback__),
        )


app = Celery("portal", task_cls=PortalTask)
# Every CELERY_* setting in portal/settings.py, lower-cased without the prefix (CELERY_BROKER_URL -> broker_url).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_without_broker(sender=None, **kwargs):
    # Without CELERY_BROKER_URL the web processes run every job themselves, and a worker or beat would wait on an
    # in-memory queue that nothing else can reach: say so instead of starting.
    if app.conf.task_always_eager:
        # SystemExit: Celery logs and ignores an exception from a signal handler.
        raise SystemExit("CELERY_BROKER_URL is not set: the worker and beat need the broker's address.")
