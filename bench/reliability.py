"""`make reliability`: a bounded load test and a fault test on PostgreSQL, written to docs/reliability.md.

The portal runs under gunicorn with production settings and the page cache in Redis, against a PostgreSQL cluster
of this script's own (initdb in a temporary folder, its own port) loaded with the synthetic nation, so that the
fault test can stop and start the database without touching anything else on the machine. Locust
(bench/locustfile.py) drives a mixed workload: residents reading every kind of public page and answering the open
survey.

1. Load: the workload for a while. No request may fail, and every accepted survey answer must be stored.
2. Fault: the same workload; PostgreSQL is stopped (`pg_ctl stop -m fast`) part-way and started again. While it is
   down pages answer 503 with Retry-After (or 200 from the page cache) and never 500; after it is back the same
   gunicorn processes answer from the database again; every accepted answer is stored, and residents whose answer
   was refused send it again.
3. Hang: the same again, but PostgreSQL is frozen (SIGSTOP to the postmaster and every child) instead of stopped,
   and continued (SIGCONT) later: it refuses nothing and answers nothing. The portal's client deadline
   (DATABASE_CLIENT_TIMEOUT, portal/postgresql/base.py) must turn the waits into 503s within seconds.

Run from the checkout: `.venv/bin/python bench/reliability.py [--users 40] [--load-seconds 60]`.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from run import PYTHON, ROOT, Server, environment, run
from run import WORK as BENCH_WORK

WORK = Path(os.environ.get("RELIABILITY_DIR", "/tmp/medborgarloften-reliability"))
PORT = int(os.environ.get("RELIABILITY_PG_PORT", "55433"))
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PORT}/portal"
DOCS = ROOT / "docs" / "reliability.md"
START, END = "<!-- reliability: start -->", "<!-- reliability: end -->"
# Pages that never come from the page cache: while the database is down these must answer 503, not 200.
DATABASE_ONLY = {"search", "survey form", "survey answer"}


def log(message):
    print(message, flush=True)


# bench/run.py's helpers of these names became its run() (b2ec987); this script kept calling them.
def manage(env, *args):
    return run(env, "manage.py", *args)


def bench_command(env, *args, capture=False):
    return run(env, "-m", "bench", *args, capture=capture)


class PrivatePostgres:
    """A PostgreSQL cluster of our own: stopping it stops nobody else's database."""

    def __init__(self, folder, port):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not versions:
            sys.exit("make reliability needs PostgreSQL's server programs (apt-get install postgresql)")
        self.bin = versions[-1].parent
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def _run(self, program, *args):
        command = [str(self.bin / program), *args]
        # PostgreSQL refuses to run as root; the Debian package's postgres user runs it.
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def create(self):
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q"]
        subprocess.run([*psql, "-c", "CREATE DATABASE portal"], check=True)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self):
        """The postmaster and every process below it (connections' backends, checkpointer, WAL writer …)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        found, todo = [], [postmaster]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(FileNotFoundError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(child) for child in (task / "children").read_text().split())
        return found

    def freeze(self):
        """SIGSTOP: the kernel still accepts connections and acknowledges data, but nothing answers. The postmaster
        first, so that it starts no new child meanwhile."""
        self.frozen = []
        for pid in self.processes():
            os.kill(pid, signal.SIGSTOP)
            self.frozen.append(pid)

    def thaw(self):
        for pid in getattr(self, "frozen", []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def destroy(self):
        self.thaw()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


TARGETS_SCRIPT = r"""
import json
import django
django.setup()
from django.urls import reverse
from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod, Theme

periods = list(
    PromisePeriod.objects.published().filter(municipality__code__startswith="9")
    .select_related("municipality").order_by("municipality__code", "-start_year")[:400]
)
follow_ups = list(
    FollowUp.objects.published().filter(period__municipality__code__startswith="9")
    .select_related("period__municipality").order_by("?")[:200]
)
kommuner = list(Municipality.objects.filter(code__startswith="9").order_by("code")[:100])
print(json.dumps({
    "kommuner": [reverse("municipality_detail", args=[k.slug]) for k in kommuner],
    "periods": [reverse("period_detail", args=[p.municipality.slug, p.start_year, p.end_year]) for p in periods],
    "pdfs": [
        reverse("period_document_pdf", args=[p.municipality.slug, p.start_year, p.end_year]) for p in periods[:20]
    ],
    "follow_ups": [
        reverse("follow_up_detail", args=[f.period.municipality.slug, f.period.start_year, f.period.end_year, f.year])
        for f in follow_ups
    ],
    "themes": [reverse("theme_detail", args=[t.slug]) for t in Theme.objects.order_by("slug")],
    "overview": reverse("national_overview"),
    "search": reverse("search"),
    "search_words": ["trygghet", "droger", "trafik", "polisen", "skola", "ungdomar", "belysning", "samverkan"],
    "places": [reverse("unsafe_place_list") + "?kommun=" + k.slug for k in kommuner[:30]],
    "survey": reverse("survey_answer", args=["syntetisk-enkat-oppen"]),
}))
"""


def prepare(env, nation_args):
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content")
    output = bench_command(env, "generate_nation", *nation_args, capture=True)
    log(output.strip().splitlines()[-1])
    manage(env, "collectstatic", "--noinput", "-v0")
    targets = subprocess.run(
        [PYTHON, "-c", TARGETS_SCRIPT], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        check=True, text=True, capture_output=True,
    ).stdout  # fmt: skip
    (WORK / "targets.json").write_text(targets, encoding="utf-8")
    return time.perf_counter() - started


def stored_tokens(env, tokens_file):
    script = (
        "import django, sys; django.setup(); from surveys.models import Response; "
        "tokens = [line.strip() for line in open(sys.argv[1]) if line.strip()]; "
        "print(Response.objects.filter(submission_token__in=tokens).count(), len(set(tokens)))"
    )
    output = subprocess.run(
        [PYTHON, "-c", script, str(tokens_file)], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        check=True, text=True, capture_output=True,
    ).stdout.split()  # fmt: skip
    return int(output[0]), int(output[1])


def locust(name, base, *, users, seconds):
    """Runs the workload; returns the requests it logged and the file of accepted survey tokens."""
    request_log, accepted = WORK / f"{name}-requests.jsonl", WORK / f"{name}-accepted.txt"
    for file in (request_log, accepted):
        file.unlink(missing_ok=True)
        file.touch()
    env = {
        **os.environ,
        "RELIABILITY_TARGETS": str(WORK / "targets.json"),
        "RELIABILITY_LOG": str(request_log),
        "RELIABILITY_ACCEPTED": str(accepted),
    }
    subprocess.run(
        [str(Path(PYTHON).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--host", base, "-u", str(users), "-r", str(max(1, users // 4)), "-t", f"{seconds}s", "--only-summary",
         "--stop-timeout", "15", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=(WORK / f"{name}-locust.log").open("w"),
    )  # fmt: skip
    requests = [json.loads(line) for line in request_log.read_text(encoding="utf-8").splitlines() if line]
    return requests, accepted


def _percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def failed(request):
    return request["status"] == 0 or request["status"] >= 400


def load_table(requests, seconds):
    by_name = defaultdict(list)
    for request in requests:
        by_name[request["name"]].append(request)
    lines = [
        "| requests of | count | per second | p50 (ms) | p95 (ms) | p99 (ms) | failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(by_name, key=lambda n: -len(by_name[n])):
        rows = by_name[name]
        ms = [r["ms"] for r in rows]
        lines.append(
            f"| {name} | {len(rows)} | {len(rows) / seconds:.1f} | {statistics.median(ms):.0f} | "
            f"{_percentile(ms, 0.95):.0f} | {_percentile(ms, 0.99):.0f} | {sum(map(failed, rows))} |"
        )
    ms = [r["ms"] for r in requests]
    lines.append(
        f"| **all** | {len(requests)} | {len(requests) / seconds:.1f} | {statistics.median(ms):.0f} | "
        f"{_percentile(ms, 0.95):.0f} | {_percentile(ms, 0.99):.0f} | {sum(map(failed, requests))} |"
    )
    return lines


def run_load(env, base, *, users, seconds):
    log(f"== load: {users} users for {seconds} s")
    requests, accepted = locust("load", base, users=users, seconds=seconds)
    stored, tokens = stored_tokens(env, accepted)
    statuses = Counter(r["status"] for r in requests)
    log(f"   {len(requests)} requests, statuses {dict(statuses)}; answers accepted {tokens}, stored {stored}")
    return {"requests": requests, "seconds": seconds, "accepted": tokens, "stored": stored, "statuses": statuses}


def run_fault(env, base, database, *, users, before, down, after, name="fault"):
    """`name` "fault": PostgreSQL stopped and started; "hang": frozen (SIGSTOP) and continued (SIGCONT)."""
    seconds = before + down + after
    how = "stopped" if name == "fault" else "frozen (SIGSTOP)"
    log(f"== {name}: {users} users for {seconds} s; PostgreSQL {how} after {before} s for {down} s")
    stop, start = (database.stop, database.start) if name == "fault" else (database.freeze, database.thaw)
    events = {}

    def outage():
        time.sleep(before)
        events["stopping"] = time.time()
        try:
            stop()
            events["stopped"] = time.time()
            time.sleep(down)
        finally:
            events["starting"] = time.time()
            start()
            events["started"] = time.time()

    thread = threading.Thread(target=outage)
    started = time.time()
    thread.start()
    requests, accepted = locust(name, base, users=users, seconds=seconds)
    thread.join()
    stored, tokens = stored_tokens(env, accepted)
    # A request belongs to the moment it was answered: under load one sent before the stop may wait seconds in
    # the server's queue and be answered (503) after it.
    for request in requests:
        request["end"] = request["t"] + request["ms"] / 1000
    down_requests = [r for r in requests if events["stopped"] <= r["end"] <= events["starting"]]
    after_requests = [r for r in requests if r["end"] >= events["started"]]
    from_database = sorted(r["end"] for r in after_requests if r["name"] in DATABASE_ONLY and r["status"] < 400)
    recovered = from_database[0] if from_database else None
    # The last refusal after the restart: anything later would mean the processes had not recovered.
    last_refusal = max((r["end"] for r in after_requests if r["status"] == 503), default=None)
    result = {
        "requests": requests,
        "events": {name: moment - started for name, moment in events.items()},
        "seconds": seconds,
        "accepted": tokens,
        "stored": stored,
        "recovered_after": None if recovered is None else recovered - events["started"],
        "last_refusal_after": None if last_refusal is None else last_refusal - events["started"],
        "down_statuses": Counter((r["status"], r["name"] in DATABASE_ONLY) for r in down_requests),
        "down_without_retry_after": sum(1 for r in down_requests if r["status"] == 503 and not r["retry_after"]),
        "server_errors": sum(1 for r in requests if r["status"] >= 500 and r["status"] != 503),
        "tracebacks": sum(1 for r in requests if r["traceback"]),
        "connection_errors": sum(1 for r in requests if r["status"] == 0),
        "started": started,
        # How long a refusal took while the database was down or hung (a hung database: the client deadline).
        "down_503_ms": sorted(r["ms"] for r in down_requests if r["status"] == 503),
        "down_answered": sum(1 for r in down_requests if 0 < r["status"] < 400),
    }
    log(
        f"   {len(requests)} requests; while down {dict(result['down_statuses'])}; recovered "
        f"{result['recovered_after']} s after the start; accepted {tokens}, stored {stored}"
    )
    return result


def timeline(result, bucket=5, down="down"):
    counts = defaultdict(Counter)
    for request in result["requests"]:
        second = int((request["end"] - result["started"]) // bucket) * bucket
        kind = "ok" if 0 < request["status"] < 400 else ("503" if request["status"] == 503 else "other")
        counts[second][kind] += 1
    events = result["events"]
    lines = [
        "| seconds (answered in) | answered (2xx/3xx) | 503 | other failures | database |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for second in sorted(counts):
        if events["stopped"] <= second and second + bucket <= events["starting"]:
            state = down
        elif second < events["starting"] and events["stopped"] < second + bucket:
            state = f"partly {down}"
        else:
            state = "up"
        lines.append(
            f"| {second}–{second + bucket} | {counts[second]['ok']} | {counts[second]['503']} | "
            f"{counts[second]['other']} | {state} |"
        )
    return lines


def fault_lines(fault, *, hang):
    """The figures of one fault run: stopped (`hang` False) or frozen with SIGSTOP (`hang` True)."""

    def down(status, database_only):
        return fault["down_statuses"].get((status, database_only), 0)

    lost = fault["accepted"] - fault["stored"]
    cached_ok = sum(n for (status, only), n in fault["down_statuses"].items() if not only and status < 400)
    cached_503 = sum(n for (status, only), n in fault["down_statuses"].items() if not only and status == 503)
    other_down = sum(n for (status, _), n in fault["down_statuses"].items() if status >= 400 and status != 503)
    events = fault["events"]
    state = "hung" if hang else "down"
    if hang:
        what = (
            f"PostgreSQL was frozen {events['stopping']:.0f} s into the run (SIGSTOP to the postmaster and every "
            f"child: connections are neither refused nor answered) and continued (SIGCONT) at "
            f"{events['starting']:.0f} s."
        )
    else:
        what = (
            f"PostgreSQL was stopped {events['stopping']:.0f} s into the run (`pg_ctl stop -m fast`, down "
            f"{events['stopped'] - events['stopping']:.1f} s later) and started again at {events['starting']:.0f} s "
            f"(accepting connections {events['started'] - events['starting']:.1f} s later)."
        )
    refusals = fault["down_503_ms"]
    lines = [
        what,
        "",
        *timeline(fault, down=state),
        "",
        f"While the database was {state}:",
        f"- requests answered: {fault['down_answered']} (2xx/3xx), {sum(fault['down_statuses'].values())} in all;",
        f"- pages that need the database (search, the survey form and answers): {down(503, True)} answered 503, "
        f"{sum(n for (s, only), n in fault['down_statuses'].items() if only and s != 503)} anything else;",
        f"- other pages: {cached_ok} answered from the page cache, {cached_503} answered 503 (not in the cache);",
        f"- 503s without Retry-After: {fault['down_without_retry_after']}; other 4xx/5xx: {other_down}.",
    ]
    if refusals:
        lines.append(
            f"- a 503 took {statistics.median(refusals) / 1000:.2f} s at the median, "
            f"{_percentile(refusals, 0.95) / 1000:.2f} s at p95 and {refusals[-1] / 1000:.2f} s at most"
            + (" (the client deadline is DATABASE_CLIENT_TIMEOUT, 6 s by default)." if hang else ".")
        )
    lines += [
        "",
        f"Over the whole run: {fault['server_errors']} server errors other than 503, {fault['tracebacks']} "
        f"responses with a traceback, {fault['connection_errors']} refused or broken connections.",
        "",
        "Recovery without a restart: the first page from the database answered "
        + (
            f"{fault['recovered_after']:.1f} s after PostgreSQL "
            + ("was continued" if hang else "accepted connections again")
            if fault["recovered_after"] is not None
            else "**never**"
        )
        + (
            f"; the last 503 came {fault['last_refusal_after']:.1f} s after it."
            if fault["last_refusal_after"] is not None
            else "; no 503 after it."
        ),
        "",
        f"Survey answers accepted: {fault['accepted']}, found in the database: {fault['stored']}"
        + ("; none lost." if lost == 0 else f"; **{lost} lost**."),
    ]
    return lines


def write_docs(load, fault, hang, *, users, prepared_in):
    lost_load = load["accepted"] - load["stored"]
    load_failed = sum(map(failed, load["requests"]))
    section = [
        START,
        f"Measured {date.today().isoformat()} by `make reliability` on {os.cpu_count()} cores: gunicorn "
        "(`gunicorn.conf.py`, DEBUG off, all middleware, page cache in Redis), PostgreSQL (a cluster of the "
        "script's own) and Locust, all on the same machine. Data: the synthetic nation "
        f"(`python -m bench generate_nation`, loaded in {prepared_in:.0f} s). Workload (`bench/locustfile.py`): "
        f"{users} residents, each waiting 0.2–1 s between requests, reading kommun, period, follow-up, theme, "
        "overview, search, place and PDF pages, and answering the open survey (the form, then the answer with a "
        "token of its own; an answer refused with 503 is sent again, at most 8 times, after Retry-After).",
        "",
        f"### Load ({load['seconds']} s)",
        "",
        *load_table(load["requests"], load["seconds"]),
        "",
        f"Failed requests: {load_failed}. Survey answers accepted: {load['accepted']}, found in the database: "
        f"{load['stored']}" + ("; none lost." if lost_load == 0 else f"; **{lost_load} lost**."),
        "",
        f"### Fault: PostgreSQL stopped during the load ({fault['seconds']} s)",
        "",
        *fault_lines(fault, hang=False),
        "",
        f"### Fault: PostgreSQL hung (SIGSTOP) during the load ({hang['seconds']} s)",
        "",
        *fault_lines(hang, hang=True),
        END,
    ]
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Reliability\n"
    block = "\n".join(section)
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOCS.write_text(text, encoding="utf-8")
    log(f"wrote {DOCS}")
    return (
        load_failed == 0
        and lost_load == 0
        and all(run["accepted"] == run["stored"] and not run["server_errors"] for run in (fault, hang))
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--before", type=int, default=20, help="seconds of load before PostgreSQL is stopped")
    parser.add_argument("--down", type=int, default=20, help="seconds PostgreSQL stays down (and, later, hung)")
    parser.add_argument("--after", type=int, default=30, help="seconds of load after it is started again")
    parser.add_argument("--small", action="store_true", help="a nation of 30 kommuner (to try the script out)")
    args = parser.parse_args()
    nation_args = ["--kommuner", "30", "--years", "4", "--responses", "2000"] if args.small else []
    database = PrivatePostgres(WORK / "postgres", PORT)
    log(f"== PostgreSQL of our own on port {PORT}")
    WORK.mkdir(parents=True, exist_ok=True)
    database.create()
    try:
        env = environment("postgres", cached=True)
        env.update(
            DATABASE_URL=DATABASE_URL,
            MEDIA_ROOT=str(WORK / "media"),
            REDIS_URL=os.environ.get("RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/13"),
        )
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        prepared_in = prepare(env, nation_args)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        BENCH_WORK.mkdir(parents=True, exist_ok=True)  # where bench/run.py's Server writes gunicorn's log
        with Server(env, port=port):
            load = run_load(env, base, users=args.users, seconds=args.load_seconds)
            fault = run_fault(
                env, base, database, users=args.users, before=args.before, down=args.down, after=args.after
            )
            hang = run_fault(
                env, base, database, users=args.users, before=args.before, down=args.down, after=args.after,
                name="hang",
            )  # fmt: skip
        ok = write_docs(load, fault, hang, users=args.users, prepared_in=prepared_in)
    finally:
        database.destroy()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
