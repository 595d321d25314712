"""Bounds on every wait for PostgreSQL (portal/settings.py, portal/postgresql/base.py): the options reach psycopg,
a round trip the server does not answer ends with an OperationalError, and the breaker makes the next requests fail
at once. The real hung server (SIGSTOP under gunicorn) is tests/portal/test_database_hang.py."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection

from portal.postgresql import base as backend

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"


def settings_options(**env):
    clean = {name: value for name, value in os.environ.items() if not name.startswith("DATABASE_")}
    clean.update(env)
    code = "import json, portal.settings as s; print(json.dumps(s.DATABASES['default']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_gets_the_portal_backend_with_connect_statement_and_tcp_timeouts():
    database = settings_options(DATABASE_URL="postgres://user@db.example:5432/portal")
    assert database["ENGINE"] == "portal.postgresql"
    assert database["OPTIONS"] == {
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
        "options": "-c statement_timeout=5000",
    }


def test_the_timeouts_follow_the_environment_and_the_database_url_wins():
    database = settings_options(
        DATABASE_URL="postgres://user@db.example/portal?keepalives_idle=60&options=-c%20search_path%3Dportal",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_STATEMENT_TIMEOUT="2",
    )
    assert database["OPTIONS"]["connect_timeout"] == 3
    assert database["OPTIONS"]["keepalives_idle"] == 60
    assert database["OPTIONS"]["options"] == "-c search_path=portal -c statement_timeout=2000"
    off = settings_options(DATABASE_URL="postgres://user@db.example/portal", DATABASE_STATEMENT_TIMEOUT="0")
    assert "options" not in off["OPTIONS"]


def test_sqlite_is_left_alone():
    database = settings_options(DATABASE_URL="sqlite:///tmp/x.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert not database.get("OPTIONS")


def test_redis_caches_have_connect_and_read_timeouts():
    code = (
        "import json, portal.settings as s; print(json.dumps({name: c.get('OPTIONS') for name, c in s.CACHES.items()}))"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/9", "PAGE_CACHE_REDIS_URL": "redis://127.0.0.1:6379/8"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for options in json.loads(result.stdout).values():
        assert options["socket_connect_timeout"] and options["socket_timeout"]


def test_commands_run_without_the_page_timeouts_unless_set():
    code = "from django.conf import settings as s; print(s.DATABASE_STATEMENT_TIMEOUT, s.DATABASE_CLIENT_TIMEOUT)"
    clean = {name: value for name, value in os.environ.items() if not name.startswith("DATABASE_")}
    run = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(run, cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1].split() == ["0", "0"], result.stderr
    env = {**clean, "DATABASE_CLIENT_TIMEOUT": "30"}
    result = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1].split() == ["0", "30"], result.stderr


@pytest.fixture
def breaker():
    backend.breaker.reset()
    yield backend.breaker
    backend.breaker.reset()


def test_breaker_fails_fast_while_open_then_lets_one_caller_try(breaker):
    assert breaker.allow(pause=2, deadline=6)
    breaker.failed(pause=0.2)
    assert not breaker.allow(pause=0.2, deadline=6)
    time.sleep(0.25)
    assert breaker.allow(pause=0.2, deadline=6)  # this thread tries
    assert breaker.allow(pause=0.2, deadline=6)  # and goes on trying (its connection setup, then its query)
    others = []
    thread = threading.Thread(target=lambda: others.append(breaker.allow(pause=0.2, deadline=6)))
    thread.start()
    thread.join()
    assert others == [False]  # everyone else fails fast while it tries
    breaker.succeeded()
    thread = threading.Thread(target=lambda: others.append(breaker.allow(pause=0.2, deadline=6)))
    thread.start()
    thread.join()
    assert others == [False, True]


def test_breaker_lets_the_next_caller_try_when_the_one_trying_meets_another_error(breaker):
    """A broken connection is no verdict on a hang: the others must not fail for the whole half-open window."""
    breaker.failed(pause=0)
    assert breaker.allow(pause=0, deadline=6)  # this thread tries, and its connection turns out to be broken
    others = []

    def other():
        others.append(breaker.allow(pause=0, deadline=6))

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert others == [False]
    breaker.release()
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert others == [False, True]


class SilentServer:
    """Accepts TCP connections and reads what is sent, never answering: a hung PostgreSQL as a client sees it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(client)

    def close(self):
        self.sock.close()
        for client in self.accepted:
            client.close()


@pytest.mark.skipif(not POSTGRES, reason="the client deadline is PostgreSQL's (psycopg's waits)")
def test_a_query_the_server_never_answers_ends_with_operational_error_and_opens_the_breaker(breaker, settings):
    """A real psycopg connection whose socket is redirected to a server that never answers."""
    settings.DATABASE_CLIENT_TIMEOUT = 1
    settings.DATABASE_BREAKER_SECONDS = 5
    params = connection.get_connection_params()
    raw = connection.get_new_connection(params)
    assert type(raw) is backend.DeadlineConnection
    silent = SilentServer()
    try:
        # The connection's socket now talks to the silent server: the next query is sent and never answered.
        with socket.create_connection(("127.0.0.1", silent.port)) as hung:
            os.dup2(hung.fileno(), raw.pgconn.socket)
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError, match="did not answer within 1 s"):
            raw.execute("SELECT 1")
        assert 0.9 < time.monotonic() - started < 3
        assert raw.closed
        # The breaker is open: a new connection fails at once, through Django's wrapper as an OperationalError.
        started = time.monotonic()
        with pytest.raises(backend.DatabaseHung, match="a moment ago"):
            connection.get_new_connection(params)
        assert time.monotonic() - started < 0.5
    finally:
        silent.close()
        raw.close()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's options")
@pytest.mark.django_db
def test_the_options_reach_the_server(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)
    parameters = connection.connection.info.get_parameters()
    assert parameters["keepalives_idle"] == "10"
    assert parameters["tcp_user_timeout"] == "30000"
    assert type(connection.connection) is backend.DeadlineConnection


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's backend")
@pytest.mark.django_db
def test_while_the_breaker_is_open_django_raises_its_operational_error_at_once(breaker, settings):
    """Django's own OperationalError: the one portal/errors.py answers with the 503 page."""
    connection.ensure_connection()
    breaker.failed(pause=5)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="a moment ago"), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert time.monotonic() - started < 0.5
    breaker.reset()
    connection.close()
