"""Two gunicorn processes sharing one Redis and one database, as app servers behind a load balancer would: a page
cached by one is served by the other, and a follow-up published through one process's admin shows at once on
pages the other had cached (portal/page_cache.py, portal/invalidation.py).

The servers run with DEBUG on only so that the admin's session cookie works over plain http on 127.0.0.1; the
page cache does not look at DEBUG.
"""

import html
import http.cookiejar
import itertools
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# A database of its own per pytest-xdist worker (gw0, gw1 …): each test empties it.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - WORKER % 8}")
# Only so that pytest-django makes the test database, which migrated_database copies: the servers use their own.
pytestmark = pytest.mark.django_db
PASSWORD = "ett-långt-lösenord-123"
PERIOD = "/vindeln/2023-2025/"
DRAFT = PERIOD + "uppfoljning/2024/"

SETUP = """
from portal.models import Organisation
from tests.factories import (
    make_area_report, make_coordinator, make_follow_up, make_full_period, make_municipality, make_report
)

vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
period = make_full_period(
    municipality=vindeln, start_year=2023, end_year=2025, focus_areas=1, activities=2, follow_up_years=[2023]
)
draft = make_follow_up(period, year=2024, published=False, summary="Utkast.")
for focus_area in period.focus_areas.all():
    make_area_report(draft, focus_area)  # written: an empty follow-up cannot be approved
    for activity in focus_area.activities.all():
        make_report(draft, activity)  # complete, so that opening its page adds nothing (a new version)
for organisation, username in ((Organisation.MUNICIPALITY, "kommun"), (Organisation.POLICE, "polis")):
    make_coordinator([vindeln], organisation, username=username, password=PASSWORD, is_staff=True)
print(draft.pk)
"""


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"needs Redis at {REDIS_URL} (CI installs and starts it)")
    return client


# Ports to use instead of any free one, for a machine whose users are each given a few (TEST_SERVER_PORTS=a,b,…).
GIVEN_PORTS = itertools.cycle([int(port) for port in os.environ.get("TEST_SERVER_PORTS", "").split(",") if port])


def _free_port():
    if port := next(GIVEN_PORTS, None):
        return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"},
        )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def wait(self):
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited")
            try:
                urllib.request.urlopen(self.base + "/livez", timeout=1).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # a busy machine answers late
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn on {self.port} did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, path, headers=None):
        """An anonymous visitor: no cookies. Returns (status, headers, body).

        Both servers are asked under one host name, as behind a load balancer: the host is part of the cache key
        (feeds and hreflang links hold absolute addresses), and 127.0.0.1:<port> differs per server.
        """
        request = urllib.request.Request(self.base + path, headers={"Host": "localhost", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def log_in(self, username):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(self.base + "/admin/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
        ).encode()
        self.opener.open(self.base + "/admin/login/", data=data, timeout=30).read()

    def post_as_logged_in(self, path, data=b""):
        jar = next(h for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
        cookies = {cookie.name: cookie.value for cookie in jar}
        assert "sessionid" in cookies, "the login did not work"
        request = urllib.request.Request(
            self.base + path, data=data, headers={"X-CSRFToken": cookies["csrftoken"], "Referer": self.base + "/admin/"}
        )
        return self.opener.open(request, timeout=30).read().decode()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated SQLite file, made once per process; each test works on a copy.

    On SQLite it is a copy of the test database that pytest-django has already migrated (the servers run in other
    processes, so they need a file); on PostgreSQL, `manage.py migrate` into a file, once.
    """
    path = tmp_path_factory.mktemp("migrated") / "portal.sqlite3"
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
    else:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "portal.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
        )
    return path


@pytest.fixture(scope="module")
def _servers(tmp_path_factory, migrated_database):
    """The two servers and the draft's primary key, started once for the module: starting them (and the `manage.py`
    process that makes the data) is most of this module's time. The tests only add to what SETUP made (a session,
    a publication), so each starts again from an empty cache with `two_servers`."""
    redis_client = _redis()
    redis_client.flushdb()
    folder = tmp_path_factory.mktemp("two-servers")
    shutil.copyfile(migrated_database, folder / "portal.sqlite3")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": "300",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("CI", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=True
        ).stdout

    draft_pk = int(manage("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP).strip().splitlines()[-1])
    servers = [Server(env), Server(env)]
    try:
        for server in servers:
            server.wait()
        yield servers[0], servers[1], draft_pk
    finally:
        for server in servers:
            server.stop()
        redis_client.flushdb()


@pytest.fixture
def two_servers(_servers):
    # Nothing cached and nobody logged in, whichever test ran before on the same servers.
    redis_client = _redis()
    redis_client.flushdb()
    for server in _servers[:2]:
        server.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    yield _servers
    redis_client.flushdb()


def test_two_processes_share_cached_pages_and_their_invalidation(two_servers):
    first, second, draft_pk = two_servers

    status, headers, body = first.get(PERIOD)
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert DRAFT not in body
    # The other process finds the page in the shared cache, with the same ETag for a conditional request.
    status, headers, _ = second.get(PERIOD)
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    etag = headers["ETag"]
    status, _, _ = first.get(PERIOD, headers={"If-None-Match": etag})
    assert status == 304
    assert first.get(DRAFT)[0] == 404

    # Both sides approve the draft through the second process's admin; the second approval publishes it.
    approve = f"/admin/promises/followup/{draft_pk}/godkann/"
    version = b"version=1"  # the draft as made: nothing has changed it
    second.log_in("kommun")
    body = second.post_as_logged_in(approve, version)
    assert "Version 1 är godkänd" in body, body[body.find("messagelist") :][:600]
    second.log_in("polis")
    body = second.post_as_logged_in(approve, version)
    assert "nu publicerad" in body, body[body.find("messagelist") :][:600]

    status, headers, body = first.get(PERIOD)
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert html.escape(DRAFT) in body
    assert first.get(DRAFT)[0] == 200
    assert first.get(PERIOD, headers={"If-None-Match": etag})[0] == 200
    assert second.get(PERIOD)[1]["X-Page-Cache"] == "hit"


def test_a_logged_in_coordinator_is_never_served_the_shared_page(two_servers):
    first, _second, _draft_pk = two_servers
    first.get(PERIOD)
    first.log_in("kommun")

    with first.opener.open(first.base + PERIOD, timeout=30) as response:
        assert response.headers["X-Page-Cache"] is None
        assert "private" in response.headers["Cache-Control"]
