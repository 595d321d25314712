"""Background jobs (portal/celery.py, portal/jobs.py, portal/tasks.py, portal/mail.py): without a broker they run in
the process that asks (eager, exceptions raised); with one, mails and PDFs are enqueued; a broker that is down loses
no mail; a failing job is retried and logged with its name and id. A real worker: tests/portal/test_jobs_worker.py.
"""

import contextlib
import datetime
import logging
import smtplib
import time
from unittest import mock

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils import timezone

from portal import mail
from portal.celery import app as celery_app
from portal.models import AccessibilityFeedback
from portal.tasks import daily_retention, send_email, weekly_reminders
from surveys.models import Suggestion
from tests.factories import make_municipality
from tests.factories.dialogues import make_suggestion

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _reset_connections():
    # The app keeps one connection pool and one producer pool, made for the broker_url of their first use.
    celery_app._after_fork()


@contextlib.contextmanager
def with_broker(url):
    """The app as a web process with CELERY_BROKER_URL=url sees it: jobs are published, not run here."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    _reset_connections()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _reset_connections()


def a_mail():
    message = EmailMultiAlternatives(
        subject="Ny uppföljning i Vindeln",
        body="Uppföljningen för 2024 är publicerad.",
        from_email="Medborgarlöften <noreply@example.se>",
        to=["Åsa Invånare <asa@example.se>"],
        cc=["kopia@example.se"],
        bcc=["dold@example.se"],
        reply_to=["svar@example.se"],
        headers={
            "List-Unsubscribe": "<https://medborgarloften.example.se/avsluta/abc/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative("<p>Uppföljningen för 2024 är <b>publicerad</b>.</p>", "text/html")
    return message


def as_sent(message):
    """What the relay would get, without the parts that differ per rendering (date, boundaries)."""
    parsed = message.message()
    headers = {name: str(value) for name, value in parsed.items() if name not in {"Date", "Content-Type"}}
    parts = [(part.get_content_type(), part.get_payload(decode=True)) for part in parsed.walk()]
    return headers, message.recipients(), [part for part in parts if part[1] is not None]


def test_without_a_broker_jobs_run_in_the_process_and_their_errors_are_raised():
    assert settings.CELERY_BROKER_URL == "memory://localhost/"
    assert celery_app.conf.task_always_eager and celery_app.conf.task_eager_propagates
    failing = mock.patch("portal.tasks.run_commands", side_effect=ValueError("the database said no"))
    with failing, pytest.raises(ValueError, match="the database said no"):
        daily_retention.delay()


def test_without_a_broker_a_mail_is_sent_at_once_and_no_job_is_made():
    with mock.patch.object(send_email, "apply_async") as enqueue:
        mail.send(a_mail())
    enqueue.assert_not_called()
    [sent] = django_mail.outbox
    assert sent.subject == "Ny uppföljning i Vindeln"


def test_with_a_broker_a_mail_is_enqueued_with_everything_and_the_job_sends_it_once():
    message = a_mail()
    with with_broker("redis://127.0.0.1:6379/0"), mock.patch.object(send_email, "apply_async") as enqueue:
        mail.send(message)
    assert django_mail.outbox == []  # not sent by the request: the worker sends it
    [payload] = enqueue.call_args.kwargs["args"]
    assert payload["to"] == ["Åsa Invånare <asa@example.se>"]
    assert payload["headers"]["Message-ID"]

    send_email.apply(args=[payload], throw=True)  # what the worker does with it
    [sent] = django_mail.outbox
    message.extra_headers["Message-ID"] = payload["headers"]["Message-ID"]
    assert as_sent(sent) == as_sent(message)
    assert sent.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A worker lost after sending gives its message back: the second run is recognised and sends nothing.
    send_email.apply(args=[payload], throw=True)
    assert len(django_mail.outbox) == 1


def test_a_mail_is_sent_at_once_when_the_broker_is_down(caplog):
    started = time.monotonic()
    with with_broker(UNREACHABLE_BROKER), caplog.at_level(logging.WARNING, logger="portal"):
        mail.send(a_mail())
    assert time.monotonic() - started < 5  # the request does not hang on the broker
    [sent] = django_mail.outbox
    assert sent.to == ["Åsa Invånare <asa@example.se>"]
    assert "Could not enqueue job portal.tasks.send_email" in caplog.text
    assert "is sent at once instead" in caplog.text


def test_a_mail_is_sent_at_once_when_the_broker_refuses_the_job(caplog):
    import redis

    full = redis.exceptions.ResponseError("OOM command not allowed when used memory > 'maxmemory'.")
    with with_broker("redis://127.0.0.1:6379/0"), mock.patch.object(send_email, "apply_async", side_effect=full):
        mail.send(a_mail())
    assert len(django_mail.outbox) == 1
    assert "the broker refused it" in caplog.text


class FlakyBackend(LocmemBackend):
    """The relay fails with `error` on the first `failures` attempts, then accepts."""

    failures = 2
    attempts = 0
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def retried_in_the_process():
    """Retries run in the process at once (Celery's eager retries), the last failure kept in the result: how the
    worker retries, without its waits. With errors propagated, a job's first error is raised to the caller."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def flaky_relay(settings, retried_in_the_process):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    defaults = FlakyBackend.failures, FlakyBackend.error
    FlakyBackend.attempts = 0
    yield FlakyBackend
    FlakyBackend.failures, FlakyBackend.error = defaults


def test_a_mail_job_that_fails_is_retried_and_each_failure_is_logged_with_its_name_and_id(flaky_relay, caplog):
    payload = mail.message_payload(a_mail())
    with caplog.at_level(logging.INFO, logger="portal.jobs"):
        result = send_email.apply(args=[payload], task_id="mail-job-1")
    assert result.successful()
    assert flaky_relay.attempts == 3
    assert len(django_mail.outbox) == 1
    retries = [record.getMessage() for record in caplog.records if record.name == "portal.jobs"]
    assert retries == [
        "Job portal.tasks.send_email[mail-job-1] failed (attempt 1 of 9) and is retried: "
        "SMTPServerDisconnected('Connection unexpectedly closed')",
        "Job portal.tasks.send_email[mail-job-1] failed (attempt 2 of 9) and is retried: "
        "SMTPServerDisconnected('Connection unexpectedly closed')",
    ]
    assert "asa@example.se" not in caplog.text  # addresses stay out of the log


def test_a_job_that_keeps_failing_is_logged_as_failed_for_good(flaky_relay, caplog):
    flaky_relay.failures = 100
    payload = mail.message_payload(a_mail())
    with caplog.at_level(logging.WARNING, logger="portal.jobs"):
        result = send_email.apply(args=[payload], task_id="mail-job-2")
    assert result.failed() and isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert flaky_relay.attempts == 9  # the first try and max_retries=8
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "portal.jobs"]
    assert failure.getMessage().startswith("Job portal.tasks.send_email[mail-job-2] failed for good after 9 attempts")
    assert failure.exc_info is not None
    assert django_mail.outbox == []


def test_refused_recipients_are_retried_without_their_addresses_in_the_log(flaky_relay, caplog):
    flaky_relay.failures = 1
    flaky_relay.error = smtplib.SMTPRecipientsRefused({"asa@example.se": (450, b"4.2.0 asa@example.se greylisted")})
    with caplog.at_level(logging.INFO):
        assert send_email.apply(args=[mail.message_payload(a_mail())], task_id="mail-job-3").successful()
    assert len(django_mail.outbox) == 1
    assert "the relay refused every recipient (SMTP [450])" in caplog.text
    assert "asa@example.se" not in caplog.text


@pytest.fixture
def old_and_new_rows():
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=800)
    kommun = make_municipality()
    make_suggestion(municipality=kommun, text="gammal", submitted_on=long_ago)
    make_suggestion(municipality=kommun, text="ny", submitted_on=today)
    AccessibilityFeedback.objects.create(problem="gammal", submitted_on=long_ago)
    AccessibilityFeedback.objects.create(problem="ny", submitted_on=today)
    for username, when in (("gammal", timezone.now() - datetime.timedelta(days=800)), ("ny", timezone.now())):
        record = AccessLog.objects.create(username=username, ip_address="198.51.100.4", user_agent="Firefox")
        AccessLog.objects.filter(pk=record.pk).update(attempt_time=when)
    Session.objects.create(session_key="gammal", session_data="", expire_date=timezone.now() - datetime.timedelta(1))
    Session.objects.create(session_key="ny", session_data="", expire_date=timezone.now() + datetime.timedelta(1))


def left():
    return {
        "suggestions": set(Suggestion.objects.values_list("text", flat=True)),
        "feedback": set(AccessibilityFeedback.objects.values_list("problem", flat=True)),
        "logins": set(AccessLog.objects.values_list("username", flat=True)),
        "sessions": set(Session.objects.values_list("session_key", flat=True)),
    }


def test_the_daily_retention_job_runs_every_retention_command(old_and_new_rows):
    daily_retention.delay()
    assert left() == {"suggestions": {"ny"}, "feedback": {"ny"}, "logins": {"ny"}, "sessions": {"ny"}}
    daily_retention.delay()  # idempotent: nothing more to delete, nothing fails
    assert left()["suggestions"] == {"ny"}


def test_a_failing_retention_command_does_not_stop_the_others_and_the_job_is_retried(
    old_and_new_rows, retried_in_the_process, caplog
):
    from django.core.management import call_command

    calls = []

    def first_time_fails(name, **kwargs):
        calls.append(name)
        if name == "delete_old_suggestions" and calls.count(name) == 1:
            raise RuntimeError("database restarting")
        return call_command(name, **kwargs)

    with mock.patch("portal.tasks.call_command", first_time_fails), caplog.at_level(logging.INFO, "portal.jobs"):
        assert daily_retention.apply(task_id="retention-1").successful()
    assert (
        calls
        == [
            "delete_old_suggestions",
            "delete_old_accessibility_feedback",
            "delete_old_login_records",
            "delete_unconfirmed_subscriptions",
            "clearsessions",
        ]
        * 2
    )
    assert left()["suggestions"] == {"ny"}
    assert "The command delete_old_suggestions failed in a job" in caplog.text
    assert "Job portal.tasks.daily_retention[retention-1] failed (attempt 1 of 6) and is retried" in caplog.text


def test_the_weekly_reminder_job_sends_the_coordinators_digests(coordinator_vindeln):
    # The Västerbotten personas' kommun has follow-ups waiting; the digest needs an address and SITE_URL.
    coordinator_vindeln.email = "kommun-vindeln@example.invalid"
    coordinator_vindeln.save(update_fields=["email"])

    with override_settings(SITE_URL="https://medborgarloften.example"):
        weekly_reminders.delay()
        weekly_reminders.delay()  # a retried or repeated run in the same week sends nothing again

    assert [message.to for message in django_mail.outbox] == [[coordinator_vindeln.email]]


def test_every_scheduled_job_exists_and_times_are_in_stockholm():
    celery_app.loader.import_default_modules()
    assert celery_app.conf.timezone == "Europe/Stockholm"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name
    assert set(settings.CELERY_BEAT_SCHEDULE) == {
        "daily-retention",
        "hourly-render-documents",
        "weekly-coordinator-digests",
    }
