"""Handing a job to the queue from a web process, and what happens when the queue cannot take it.

`queued()` says whether jobs go to a broker for a worker (CELERY_BROKER_URL set) or run at once in the calling
process (no broker: `make run`, the tests, a single server with cron). `enqueue()` sends a job to the broker and
reports False when the broker cannot be reached, after logging it: each caller decides what to do instead, so that
nothing is lost silently (portal.mail.send sends at once; a PDF is made on its first request anyway).
"""

import logging

from kombu.exceptions import OperationalError

from portal.celery import app

logger = logging.getLogger("portal.jobs")


def queued() -> bool:
    return not app.conf.task_always_eager


def enqueue(task, *args, **kwargs) -> bool:
    """task.apply_async(args, kwargs); False (logged) when the broker did not take the job. Without a broker the job
    runs here and now, and its exception, if any, is raised to the caller."""
    if not queued():
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except OperationalError as error:
        # kombu has already retried the connection (CELERY_TASK_PUBLISH_RETRY_POLICY, under a second).
        logger.warning("Could not enqueue job %s: the broker is unreachable (%s)", task.name, error)
        return False
    except Exception as error:
        # Publishing is all apply_async does here, so anything else is the broker refusing the message too (a full
        # Redis with noeviction answers OOM): the caller's fallback is as right for it.
        logger.warning("Could not enqueue job %s: the broker refused it (%r)", task.name, error)
        return False
    return True
