"""`make bench`: the portal under gunicorn with production settings, loaded with the synthetic nation, on SQLite
and on PostgreSQL, each public page type driven by wrk beside the same server's floor (/livez, a view that
does nothing, through all the middleware) measured in the same run. Also the first PDF of a document, and
survey submissions (none may be lost). Writes the table to docs/performance.md between its markers.

Run from the checkout: `.venv/bin/python bench/run.py [--databases sqlite,postgres] [--duration 10]`.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/medborgarloften-bench"))
PORT = int(os.environ.get("BENCH_PORT", "18765"))
BASE = f"http://127.0.0.1:{PORT}"
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
POSTGRES_DB = "medborgarloften_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench: start -->", "<!-- bench: end -->"


def log(message):
    print(message, flush=True)


def environment(database, *, cached=False):
    """Production settings; `cached` turns on the page cache (portal/page_cache.py) in a Redis of the bench's own."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(WORK / database / "media"),
        LOG_LEVEL="WARNING",
        # All the load comes from one address; the limiter is not what is measured.
        RATELIMIT_ENABLE="false",
        # The bench talks plain http to gunicorn, with no TLS proxy in front: production would redirect it to https.
        SECURE_SSL_REDIRECT="false",
        DATABASE_CONN_MAX_AGE="60",
        REDIS_URL=REDIS_URL,
        PAGE_CACHE_SECONDS="300" if cached else "0",
    )
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'sqlite' / 'nation.sqlite3'}"
    else:
        env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + POSTGRES_DB
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout


def bench_command(env, *args, capture=False):
    """One of bench/__main__.py's commands (the synthetic nation is not a management command of the portal)."""
    result = subprocess.run(
        [PYTHON, "-m", "bench", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout


def prepare(database):
    """A fresh database with the migrations, the national themes and the synthetic nation."""
    folder = WORK / database
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "media").mkdir(parents=True)
    env = environment(database)
    if database == "postgres":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {POSTGRES_DB}")
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content")  # the national themes (and Västerbotten beside the synthetic nation)
    output = bench_command(env, "generate_nation", capture=True)
    log(output.strip().splitlines()[-1])
    manage(env, "collectstatic", "--noinput", "-v0")
    return env, time.perf_counter() - started


TARGETS_SCRIPT = r"""
import json
import django
django.setup()
from django.urls import NoReverseMatch, reverse
from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod, Theme
from surveys.models import Survey

kommun = Municipality.objects.filter(code__startswith="9").order_by("code").first()
period = PromisePeriod.objects.published().for_municipality(kommun).latest_first().first()
follow_up = (
    FollowUp.objects.published().filter(period__municipality=kommun).select_related("period").order_by("-year").first()
)
fargs = [kommun.slug, follow_up.period.start_year, follow_up.period.end_year, follow_up.year]
ended = PromisePeriod.objects.published().filter(municipality__code__startswith="9").order_by("start_year")
theme = Theme.objects.order_by("slug").first()
closed = Survey.objects.filter(slug="syntetisk-enkat-01").first()
args = [kommun.slug, period.start_year, period.end_year]
targets = {}

def add(label, name, *a, query=""):
    try:
        targets[label] = reverse(name, args=a) + query
    except NoReverseMatch:
        pass

add("floor (/livez)", "livez")
add("home", "home")
add("kommun", "municipality_detail", kommun.slug)
add("period", "period_detail", *args)
add("follow-up", "follow_up_detail", *fargs)
add("promise document", "period_document", *args)
add("promise PDF (stored)", "period_document_pdf", *args)
add("theme", "theme_detail", theme.slug)
add("national overview", "national_overview")
add("search", "search", query="?q=trygghetsvandringar")
add("unsafe places", "unsafe_place_list", query="?kommun=" + kommun.slug)
add("dialogues", "dialogue_list")
add("survey results", "survey_results", closed.slug)
add("Atom feed", "feed_follow_ups")
add("open data CSV (kommun)", "open_data_municipality_csv", kommun.slug)
add("kommun (English)", "municipality_detail", kommun.slug)
if "kommun (English)" in targets:
    targets["kommun (English)"] = "/en" + targets["kommun (English)"]
pdfs = [
    reverse("period_document_pdf", args=[p.municipality.slug, p.start_year, p.end_year])
    for p in ended.select_related("municipality")[:6]
]
print(json.dumps({"pages": targets, "pdfs": pdfs, "survey": reverse("survey_answer", args=["syntetisk-enkat-oppen"])}))
"""


def targets(env):
    env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    output = subprocess.run(
        [PYTHON, "-c", TARGETS_SCRIPT], cwd=ROOT, env=env, check=True, text=True, capture_output=True
    ).stdout
    return json.loads(output)


class Server:
    def __init__(self, env, port=PORT):
        self.env = {**env, "BIND": f"127.0.0.1:{port}"}
        self.port, self.base = port, f"http://127.0.0.1:{port}"
        self.process = None

    def __enter__(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken; set BENCH_PORT")
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                urllib.request.urlopen(self.base + "/livez", timeout=1).read()
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Result:
    label: str
    rps: float
    p50: float
    p99: float
    errors: int


def _milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(label, path, *, duration, connections):
    # Warm the page (and the server's imports) before measuring it.
    for _ in range(3):
        try:
            urllib.request.urlopen(BASE + path, timeout=30).read()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{label}: {path} answered {error.code}") from error
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", BASE + path],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    for match in re.finditer(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*?timeout (\d+)", output):
        errors += int(match.group(1) or match.group(2) or 0)
    return Result(label, rps, p50, p99, errors)


def first_pdfs(paths):
    """Each document's first request makes its PDF (nothing is stored yet); the times in ms."""
    times = []
    for path in paths:
        started = time.perf_counter()
        try:
            body = urllib.request.urlopen(BASE + path, timeout=60).read()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{path} answered {error.code}") from error
        times.append((time.perf_counter() - started) * 1000)
        assert body.startswith(b"%PDF-"), path
    return times


class _FormReader(HTMLParser):
    """The survey form's fields: hidden values, and the first option of every radio group and select."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "webbplats":
            kind = attrs.get("type", "text")
            if kind == "hidden" or (kind in ("radio", "checkbox") and name not in self.fields):
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.in_select = name
        elif tag == "option" and self.in_select and attrs.get("value") and self.in_select not in self.fields:
            self.fields[self.in_select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self.in_select = None


def survey_submissions(path, *, duration, connections, count_responses):
    """Residents posting the open survey's form as fast as the server takes them (wrk, bench/survey_post.lua).

    The form is loaded once for its fields and a CSRF cookie; every post then carries a submission token of its
    own. Stored rows are counted in the database before and after: none may be lost.
    """
    # The CSRF cookie is Secure in production, and urllib's cookie jar keeps Secure cookies off plain http; so the
    # cookie is passed back by hand, as a browser behind the TLS proxy would.
    page = urllib.request.urlopen(BASE + path, timeout=30)
    cookies = "; ".join(header.split(";", 1)[0] for header in page.headers.get_all("Set-Cookie") or [])
    reader = _FormReader()
    reader.feed(page.read().decode())
    fields = {**reader.fields, "submission_token": "TOKEN"}
    body_file = WORK / "survey-body.txt"
    body_file.write_text(urllib.parse.urlencode(fields), encoding="utf-8")
    before = count_responses()
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "survey_post.lua"), BASE + path, "--", str(body_file), cookies, BASE + path],
        check=True, text=True, capture_output=True,
    ).stdout  # fmt: skip
    stored = count_responses() - before
    accepted, refused = map(int, re.search(r"accepted (\d+) refused (\d+)", output).groups())
    seconds = float(re.search(r"requests in ([\d.]+)s", output).group(1))
    return {
        "per_second": stored / seconds,
        "accepted": accepted,
        "refused": refused,
        "stored": stored,
        # wrk stops counting at the end of the run while a post per connection may still be on its way.
        "lost": max(0, accepted - stored),
        "in_flight": max(0, stored - accepted),
        "p50": _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
    }


def response_counter(env):
    script = (
        "import django; django.setup(); from surveys.models import Response; "
        "print(Response.objects.filter(survey__slug='syntetisk-enkat-oppen').count())"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings"}

    def count():
        return int(subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, text=True,
                                  capture_output=True).stdout)  # fmt: skip

    return count


def _empty_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def run_database(database, *, duration, connections):
    log(f"== {database}: preparing the synthetic nation")
    env, prepared_in = prepare(database)
    found = targets(env)
    results = {}
    for cached in (True, False):
        mode = "cached" if cached else "uncached"
        _empty_redis()
        with Server(environment(database, cached=cached)):
            if cached:
                pdf_times = first_pdfs(found["pdfs"])
            for label, path in found["pages"].items():
                result = wrk(label, path, duration=duration, connections=connections)
                log(f"{database:8} {mode:8} {label:28} {result.rps:8.0f} req/s  p50 {result.p50:6.1f} ms  "
                    f"p99 {result.p99:6.1f} ms")  # fmt: skip
                results.setdefault(label, {})[mode] = result
            if cached:
                submissions = survey_submissions(
                    found["survey"], duration=duration, connections=connections, count_responses=response_counter(env)
                )
                log(f"{database:8} survey submissions: {submissions}")
    missing = [name for name in ("theme", "national overview", "search", "Atom feed") if name not in found["pages"]]
    return {
        "database": database,
        "prepared_in": prepared_in,
        "results": results,
        "pdf_times": pdf_times,
        "submissions": submissions,
        "missing": missing,
    }


def table(run):
    floor = run["results"]["floor (/livez)"]["cached"]
    lines = [
        f"### {'SQLite' if run['database'] == 'sqlite' else 'PostgreSQL'}",
        "",
        f"Synthetic nation loaded in {run['prepared_in']:.0f} s.",
        "",
        "| page | cached: requests/s | share of floor | p50 (ms) | p99 (ms) | uncached: requests/s | p50 (ms) "
        "| p99 (ms) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, modes in run["results"].items():
        cached, uncached = modes["cached"], modes["uncached"]
        share = cached.rps / floor.rps if floor.rps else 0
        cells = (
            label,
            f"{cached.rps:.0f}",
            f"{share:.0%}",
            f"{cached.p50:.1f}",
            f"{cached.p99:.1f}",
            f"{uncached.rps:.0f}",
            f"{uncached.p50:.1f}",
            f"{uncached.p99:.1f}",
            f"{cached.errors + uncached.errors}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    pdf = run["pdf_times"]
    submissions = run["submissions"]
    lines += [
        "",
        f"First PDF of a promise document (nothing stored yet), {len(pdf)} documents: median "
        f"{statistics.median(pdf):.0f} ms, slowest {max(pdf):.0f} ms (the first includes loading WeasyPrint). "
        "Repeated requests are the row “promise PDF (stored)”.",
        "",
        f"Survey submissions (wrk posting the form, a new submission token each): {submissions['per_second']:.0f} "
        f"stored per second, p50 {submissions['p50']:.0f} ms, p99 {submissions['p99']:.0f} ms; "
        f"{submissions['accepted']} accepted, {submissions['refused']} refused, {submissions['stored']} stored"
        + (
            f" ({submissions['in_flight']} more stored than counted: posts still on their way when wrk stopped)"
            if submissions["in_flight"]
            else ""
        )
        + ("; none lost." if not submissions["lost"] else f"; {submissions['lost']} LOST."),
    ]
    if run["missing"]:
        lines += ["", f"Not measured (page not built yet): {', '.join(run['missing'])}."]
    return "\n".join(lines)


def write_docs(runs, *, duration, connections):
    cores = os.cpu_count()
    section = "\n".join(
        [
            START,
            "## Public pages under load (`make bench`)",
            "",
            f"Measured {date.today().isoformat()} on {cores} cores: gunicorn (`gunicorn.conf.py`, DEBUG off, "
            f"all middleware) and wrk on the same machine, {connections} connections, {duration} s per page, after "
            "a warm-up. The data is the synthetic nation (`python -m bench generate_nation`: 290 kommuner, ten years "
            "of periods with five focus areas of five activities, yearly follow-ups, 100 000 survey responses). The "
            "floor is `/livez`, a view that does nothing, measured in the same run: the cost of the server and the "
            "middleware alone. Each page is measured twice: with the page cache on (`PAGE_CACHE_SECONDS`, Redis on "
            "the same machine; the warm-up fills it) and off (every request renders the page from the database).",
            "",
            "Targets (issue 7): cached kommun and period pages at half the floor or more with p99 under 50 ms; the "
            "uncached kommun page's median under 25 ms; the first PDF under 1 s; 200 survey submissions a second "
            "or more on PostgreSQL, none lost.",
            "",
            *[table(run) + "\n" for run in runs],
            END,
        ]
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n"
    if START in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")
    log(f"wrote {DOCS}")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return
    sys.exit("bench needs wrk: apt-get install wrk")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    ensure_wrk()
    runs = [
        run_database(database, duration=args.duration, connections=args.connections)
        for database in args.databases.split(",")
    ]
    write_docs(runs, duration=args.duration, connections=args.connections)


if __name__ == "__main__":
    main()
