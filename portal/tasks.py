"""The portal's own background jobs (found by portal/celery.py's autodiscover_tasks): sending a mail, the daily
retention purge and the weekly coordinator reminders. promises/tasks.py has the PDFs.

Every job may run more than once for one request (a retry, a worker lost mid-job gives its message back), so each
is idempotent; each names what it is retried on and how often (PortalTask logs every failure and retry).
"""

import io
import logging
import smtplib

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command

from portal import mail

logger = logging.getLogger("portal.jobs")

# A mail's Message-ID is kept this long after it was sent: longer than any retry or redelivery of its job.
SENT_MARK_SECONDS = 7 * 24 * 60 * 60


@shared_task(
    # Connection refused, timeouts and resets are OSError; everything the relay answers with is an SMTPException.
    autoretry_for=(smtplib.SMTPException, OSError),
    # Waits of up to 1, 2, 4 … minutes, capped at an hour, with full jitter: about 1.5 hours in all, 3 at most,
    # for a relay that is down or refuses for a while (greylisting). Then the failure is logged for good.
    max_retries=8,
    retry_backoff=60,
    retry_backoff_max=60 * 60,
)
def send_email(payload):
    """Send a mail that portal.mail.send serialised; not again if its Message-ID was already sent."""
    message_id = mail.message_id(payload)
    key = f"mail-sent:{message_id}"
    if _cache_get(key):
        logger.info("Mail %s was sent already; not sent again", message_id)
        return
    try:
        mail.message_from_payload(payload).send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as refused:
        # Its text is the refused addresses, and it would be logged with every retry: the codes say enough.
        codes = sorted({code for code, _message in refused.recipients.values()})
        raise smtplib.SMTPException(f"the relay refused every recipient (SMTP {codes})") from None
    _cache_set(key)


def _cache_get(key):
    # The mark is only a guard against a second send: a cache that is down must not stop the first.
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Could not read the sent mark %s from the cache", key, exc_info=True)
        return None


def _cache_set(key):
    try:
        cache.set(key, True, timeout=SENT_MARK_SECONDS)
    except Exception:
        logger.warning("Could not store the sent mark %s in the cache", key, exc_info=True)


class CommandsFailed(Exception):
    pass


def run_commands(names):
    """Run each management command, each even if one before it failed; raise CommandsFailed (so that the job is
    retried, and each failure is logged with its traceback) if any did."""
    failed = []
    for name in names:
        output = io.StringIO()
        try:
            call_command(name, stdout=output)
        except Exception:
            logger.exception("The command %s failed in a job", name)
            failed.append(name)
        else:
            logger.info("%s: %s", name, output.getvalue().strip() or "ok")
    if failed:
        raise CommandsFailed(f"failed: {', '.join(failed)}")


# The daily purge of what residents and logins left behind once its retention has passed, and of expired sessions:
# the daily line of docs/operations.md's cron list. Each command deletes by age, so running it again is harmless.
RETENTION_COMMANDS = (
    "delete_old_suggestions",
    "delete_old_accessibility_feedback",
    "delete_old_login_records",
    "delete_unconfirmed_subscriptions",
    "clearsessions",
)


@shared_task(autoretry_for=(Exception,), max_retries=5, retry_backoff=60)
def daily_retention():
    run_commands(RETENTION_COMMANDS)


# The coordinators' weekly digest (portal/digest.py). The command records whom it has sent which week's digest
# before it hands a mail over, so a retried run sends only the ones that failed.
@shared_task(autoretry_for=(Exception,), max_retries=3, retry_backoff=300)
def weekly_reminders():
    run_commands(["send_coordinator_digests"])
