"""The database hangs (stops answering without refusing anything): the portal keeps answering, and recovers.

A PostgreSQL cluster of the test's own (the machinery of tests/portal/test_database_outage.py) is stopped with
SIGSTOP, every process of it: the postmaster and all its children. The kernel still accepts connections and
acknowledges what is sent, so no connection is refused and no TCP timeout fires; only the portal's client-side
deadline (portal/postgresql/base.py) ends a wait. Under gunicorn with its real settings (gunicorn.conf.py: gthread,
four threads per process; DEBUG off; persistent connections; the page cache in Redis):

- /livez answers, again and again, while requests to database pages are waiting on the hung database;
- database pages answer the 503 page within a few seconds (the deadline), and at once while the breaker is open;
- pages in the page cache answer 200 from Redis; /healthz answers 503;
- after SIGCONT the same processes answer 200 again.

Before the deadline, every such request held its gunicorn thread for ever: /livez and cached pages stopped
answering once the threads were taken. Every wait here is bounded, so the test fails instead of hanging, and the
cluster is always continued (SIGCONT) in a `finally`.

PostgreSQL leg only (it is about PostgreSQL's client); needs Redis at TEST_REDIS_URL, which CI starts.
"""

import concurrent.futures
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.portal.test_database_outage import _free_port, _needs_postgresql, cluster, production_env, worker_pids

__all__ = ["_needs_postgresql", "cluster"]  # fixtures, used by name

ROOT = Path(__file__).resolve().parents[2]
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - WORKER % 8}")
# Pages that always read the database (streamed, never cached), and pages the page cache keeps (portal/page_cache.py)
# that need no collected static files.
DATABASE_PAGES = ["/oppna-data/medborgarloften.json", "/oppna-data/medborgarloften.csv"]
CACHED_PAGES = ["/sitemap.xml", "/oppna-data/datapackage.json"]
# The settings' default client deadline (DATABASE_CLIENT_TIMEOUT) and connect_timeout, and what "a few seconds" may
# take on a busy machine beyond them.
DEADLINE = 6
SLACK = 3

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's client (the CI's PostgreSQL leg runs it)"
)


def timed_get(url, timeout=DEADLINE + 2 * SLACK):
    """(status, seconds, headers, body); a request that takes longer than `timeout` fails the test, never hangs it."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, time.monotonic() - started, headers, body


def cluster_processes(postmaster):
    """The postmaster and every process below it."""
    found, todo = [], [postmaster]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except FileNotFoundError:
            pass  # ended meanwhile
    return found


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"needs Redis at {REDIS_URL} (CI installs and starts it)")
    return client


def test_a_hung_database_gives_503_within_seconds_while_livez_and_cached_pages_answer(cluster, tmp_path):
    started = time.monotonic()
    redis_client = _redis()
    redis_client.flushdb()
    port = _free_port()
    env = production_env(cluster, port)
    env.update(REDIS_URL=REDIS_URL, GUNICORN_THREADS="4")
    env.pop("GUNICORN_TIMEOUT", None)
    for name in ("DATABASE_STATEMENT_TIMEOUT", "DATABASE_CLIENT_TIMEOUT", "DATABASE_BREAKER_SECONDS"):
        env.pop(name, None)  # the settings' defaults
    migrate_env = {**env, "DATABASE_STATEMENT_TIMEOUT": "0", "DATABASE_CLIENT_TIMEOUT": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=migrate_env,
        check=True,
        timeout=120,
    )
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    stopped = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if timed_get(base + "/livez", timeout=5)[0] == 200 and len(worker_pids(server.pid)) == 2:
                    break
            except OSError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start two workers:\n" + log_path.read_text()
            time.sleep(0.1)
        workers = worker_pids(server.pid)

        # Every thread of both processes opens its persistent connection, and the cached pages are stored.
        before = list(pool.map(lambda path: (path, timed_get(base + path)[0]), [*DATABASE_PAGES, "/healthz"] * 4))
        assert {status for _, status in before} == {200}, before
        for path in CACHED_PAGES:
            assert timed_get(base + path)[0] == 200
            status, _, headers, _ = timed_get(base + path)
            assert (status, headers["X-Page-Cache"]) == (200, "hit"), path

        try:
            # SIGSTOP the postmaster first, so that it starts no new child meanwhile; then every child.
            os.kill(postmaster, signal.SIGSTOP)
            stopped.append(postmaster)
            for pid in cluster_processes(postmaster)[1:]:
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            hung_at = time.monotonic()

            # Several requests wait on the hung database (fewer than one process's four threads: before its first
            # deadline has passed, a process has only its free threads for everything else).
            waiting = [pool.submit(timed_get, base + path) for path in [*DATABASE_PAGES, DATABASE_PAGES[0]]]
            livez = []
            while not all(future.done() for future in waiting):
                status, seconds, _, _ = timed_get(base + "/livez", timeout=5)
                livez.append(round(seconds, 2))
                assert status == 200
                assert seconds < 2, f"/livez took {seconds:.1f} s while database pages waited"
                assert time.monotonic() - hung_at < DEADLINE + 2 * SLACK, "database pages still waiting"
                time.sleep(0.25)
            assert len(livez) >= 3, livez
            first_wave = [future.result() for future in waiting]
            for status, seconds, headers, body in first_wave:
                assert status == 503, (status, body[:300])
                assert seconds < DEADLINE + SLACK, seconds
                assert headers["Retry-After"] == "30"
                assert "tillfälligt otillgänglig" in body.decode()

            # More requests than one process has threads. The breaker is open in a process that timed out: there
            # they fail at once. (A process that had none of the first ones waits its own deadline first, and in
            # each process one request may be the one that tries again; so: some at once, all within the bound.)
            second_wave = list(pool.map(lambda path: timed_get(base + path), DATABASE_PAGES * 4))
            assert {status for status, *_ in second_wave} == {503}, [status for status, *_ in second_wave]
            quick = sorted(round(seconds, 2) for _, seconds, _, _ in second_wave)
            assert all(seconds < DEADLINE + SLACK for seconds in quick), quick
            assert quick[0] < 1, quick

            for path in CACHED_PAGES:
                status, seconds, headers, _ = timed_get(base + path)
                assert (status, headers["X-Page-Cache"]) == (200, "hit"), path
                assert seconds < 2, (path, seconds)
            status, healthz_seconds, _, body = timed_get(base + "/healthz")
            assert status == 503
            assert json.loads(body) == {"status": "fail", "checks": {"database": "fail", "cache": "ok"}}
            assert healthz_seconds < DEADLINE + SLACK
            assert timed_get(base + "/livez", timeout=5)[0] == 200
            hung_for = time.monotonic() - hung_at
        finally:
            # Always: a stopped cluster would hold its port, its files and the test run.
            for pid in stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

        back = time.monotonic()
        for path in [*DATABASE_PAGES, "/healthz"]:
            while (status := timed_get(base + path)[0]) != 200:
                assert status == 503
                assert time.monotonic() - back < 20, f"{path} still answers {status} after SIGCONT"
                time.sleep(0.1)
        recovered_after = time.monotonic() - back
        # One answer of 200 says that one process has its database back; the other may still have its breaker open
        # for its last second or two (a 503 then, never anything else), until its next caller tries. A burst over
        # both processes must come back all 200 within the bound.
        while set(
            after := list(pool.map(lambda path: timed_get(base + path)[0], [*DATABASE_PAGES, "/healthz"] * 4))
        ) != {200}:
            assert set(after) <= {200, 503}, (after, log_path.read_text()[-3000:])
            assert time.monotonic() - back < 20, (after, log_path.read_text()[-3000:])
            time.sleep(0.2)
        # Recovered without a restart: the same worker processes.
        assert worker_pids(server.pid) == workers
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        server.terminate()
        server.wait(timeout=30)

    log_lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    assert not any(line["message"].startswith("WORKER TIMEOUT") for line in log_lines)
    print(
        f"\nhung for {hung_for:.1f} s: first wave {[round(s, 2) for _, s, _, _ in first_wave]} s, then {quick} s; "
        f"/livez meanwhile {livez} s; /healthz {healthz_seconds:.2f} s; recovered {recovered_after:.2f} s after "
        f"SIGCONT; whole test {time.monotonic() - started:.1f} s"
    )
