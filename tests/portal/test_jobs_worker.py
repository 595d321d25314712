"""A real Celery worker (`celery -A portal worker`, another process) takes jobs from Redis and runs them: what the
web processes enqueue waits in the broker while no worker runs, and is done once one starts.

Two jobs, enqueued by this process as a web process would: a mail (portal.mail.send), which the worker rebuilds from
the queued message and writes with Django's file backend (tests/worker_settings.py), and the daily retention purge
(portal.tasks.daily_retention), whose effect is in the database the worker reaches: on PostgreSQL the test database
itself (a transactional test, so that the rows are committed); on SQLite, where pytest-django's test database lives
in this process's memory, a file copied from it with the rows in it.
"""

import email
import email.policy
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from portal import mail
from portal.models import AccessibilityFeedback
from portal.tasks import daily_retention
from surveys.models import Suggestion
from tests.factories import make_municipality
from tests.factories.dialogues import make_suggestion
from tests.portal.test_jobs import a_mail, with_broker

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own per pytest-xdist worker (gw0, gw1 …), beside the page-cache tests' 15 … 8.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", f"redis://127.0.0.1:6379/{7 - WORKER % 4}")
WAIT_SECONDS = 30


def _broker():
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"needs Redis at {BROKER_URL} (CI installs and starts it)")
    return client


def _database_url(tmp_path):
    """The database the worker process uses: this test's own."""
    if connection.vendor == "sqlite":
        path = tmp_path / "portal.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    settings = connection.settings_dict
    credentials = quote(settings["USER"]) + (f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _left(database_url):
    """The suggestions and feedback left, as the worker's database has them."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as reader:
            suggestions = reader.execute(f"SELECT text FROM {Suggestion._meta.db_table}").fetchall()
            feedback = reader.execute(f"SELECT problem FROM {AccessibilityFeedback._meta.db_table}").fetchall()
        return {row[0] for row in suggestions}, {row[0] for row in feedback}
    return (
        set(Suggestion.objects.values_list("text", flat=True)),
        set(AccessibilityFeedback.objects.values_list("problem", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_jobs_wait_in_redis_until_a_worker_sends_the_mail_and_purges_the_database(tmp_path):
    broker = _broker()
    broker.flushdb()
    kommun = make_municipality()
    make_suggestion(municipality=kommun, text="gammal", submitted_on="2020-01-01")
    make_suggestion(municipality=kommun, text="ny")
    AccessibilityFeedback.objects.create(problem="gammal", submitted_on="2020-01-01")
    AccessibilityFeedback.objects.create(problem="ny")
    database_url = _database_url(tmp_path)

    # Enqueued as a web process does, while no worker runs: the jobs wait in the broker's queue.
    with with_broker(BROKER_URL):
        mail.send(a_mail())
        daily_retention.delay()
    assert broker.llen("celery") == 2
    outbox = tmp_path / "outbox"

    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "TEST_EMAIL_FILE_PATH": str(outbox),
        "LOG_FORMAT": "text",
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
                *("--pool", "solo", "--concurrency", "1", "--hostname", f"test-{WORKER}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while _left(database_url) != ({"ny"}, {"ny"}) or not any(outbox.glob("*.log")):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the job was not done in {WAIT_SECONDS} s:\n{log.read_text()}"
            time.sleep(0.2)
        # Acknowledged once done (acks_late): nothing left in the queue, nothing held unacknowledged.
        while broker.hlen("unacked") or broker.llen("celery"):
            assert time.monotonic() < deadline, f"the job was not acknowledged:\n{log.read_text()}"
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        broker.flushdb()
    text = log.read_text()
    assert "portal.tasks.daily_retention" in text and "succeeded" in text, text
    assert "Raderade 1 synpunkt" in text, text  # the command's own output, logged by the job
    [sent] = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in outbox.glob("*")]
    assert sent["Subject"] == "Ny uppföljning i Vindeln"
    assert sent["To"] == "Åsa Invånare <asa@example.se>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.get_body(("html",)).get_content().strip() == "<p>Uppföljningen för 2024 är <b>publicerad</b>.</p>"
    assert "asa@example.se" not in text  # the worker's log never shows a mail's addresses
