"""`make bench`: the portal under gunicorn with production settings, loaded with the synthetic nation, on SQLite
and on PostgreSQL, every figure of issue 17 beside two peers measured in the same run under the same
gunicorn.conf.py: the TechEmpower Fortunes app and bare plaintext (bench/fortunes/, no middleware).

Per database, the nation is prepared once, then:
- peers: Fortunes and plaintext under load (measured before and after the portal's cached pages);
- cached: every public page the page cache serves, under load (wrk, --connections);
- pages: every public page type rendered from the database alone (page cache off) for one visitor;
- pdf: a visitor's first PDF request after the content was changed and saved as the app saves it;
- survey: survey posts stored per second, none lost;
- stampede: tokens renewed every second under load: how many requests rendered, how many got the page at once;
- redis: keys and memory of the bench's Redis db after many random searches and random slugs.

Run from the checkout: `.venv/bin/python bench/run.py [--databases sqlite,postgres] [--quick] [--parts ...]`
(`make bench BENCH_ARGS="--databases postgres --quick"`). Writes docs/performance.md between its markers.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/medborgarloften-bench"))
PORT = int(os.environ.get("BENCH_PORT", "18765"))
# The peers listen on the next port, never at the same time as the portal.
PEER_PORT = PORT + 1
BASE = f"http://127.0.0.1:{PORT}"
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
POSTGRES_DB = os.environ.get("BENCH_POSTGRES_DB", "medborgarloften_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench: start -->", "<!-- bench: end -->"
PARTS = ("cached", "pages", "pdf", "survey", "stampede", "redis")


def log(message):
    print(message, flush=True)


def _postgres_url(name):
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


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
        DJANGO_SETTINGS_MODULE="portal.settings",
        # PDFs are made ahead at publication only with the address they print (promises/documents_ahead.py).
        SITE_URL=BASE,
    )
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'sqlite' / 'nation.sqlite3'}"
    else:
        env["DATABASE_URL"] = _postgres_url(POSTGRES_DB)
    return env


def peer_environment(database):
    """The peer app (bench/fortunes): the same kind of database as the portal's, a database of its own."""
    env = dict(os.environ)
    env.update(DEBUG="false", DATABASE_CONN_MAX_AGE="60", DJANGO_SETTINGS_MODULE="bench.fortunes.settings")
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'sqlite' / 'fortunes.sqlite3'}"
    else:
        env["DATABASE_URL"] = _postgres_url(POSTGRES_DB + "_fortunes")
    return env


def run(env, *args, capture=False, stdin=None):
    result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture,
                            input=stdin)  # fmt: skip
    return result.stdout


def _recreate_postgres(name):
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def prepare(database, *, nation=None, reuse=False):
    """Once per database: the migrations, the national themes and the synthetic nation; the peers' 12 fortunes.

    `nation`: a SQLite nation made before by `python -m bench generate_nation` to copy instead of generating one.
    `reuse`: keep the database a previous run prepared (its survey responses and changed texts included).
    """
    folder = WORK / database
    marker = folder / "prepared"
    env = environment(database)
    if reuse and marker.exists():
        log(f"== {database}: reusing the nation prepared {marker.read_text().strip()}")
        return env, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "media").mkdir(parents=True)
    started = time.perf_counter()
    if database == "postgres":
        _recreate_postgres(POSTGRES_DB)
        _recreate_postgres(POSTGRES_DB + "_fortunes")
    if nation and database == "sqlite":
        shutil.copyfile(nation, folder / "nation.sqlite3")
        run(env, "manage.py", "migrate", "--noinput", "-v0")
    else:
        run(env, "manage.py", "migrate", "--noinput", "-v0")
        run(env, "manage.py", "load_content")  # the national themes (and Västerbotten beside the synthetic nation)
        output = run(env, "-m", "bench", "generate_nation", capture=True)
        log(output.strip().splitlines()[-1])
    run(env, "manage.py", "collectstatic", "--noinput", "-v0")
    run(peer_environment(database), "-m", "bench.fortunes.prepare")
    marker.write_text(datetime.now(UTC).isoformat(timespec="seconds"))
    return env, time.perf_counter() - started


# Forms, thank-you pages, one person's report, health checks: not pages a visitor reads (tests/bench/test_run.py
# checks that every named URL is either here or has a label below, so that a new one is thought about).
NOT_PAGES = (
    "healthz",
    "accessibility_feedback",
    "accessibility_feedback_thanks",
    "unsafe_place_report",
    "unsafe_place_report_thanks",
    "unsafe_place_status",
    "unsafe_place_address_search",
    "suggestion_create",
    "suggestion_thanks",
    "survey_thanks",
    "signed_original",
    "set_language",
    "robots_txt",
    # A form, like the suggestion form, and the pages one person's mailed links lead to.
    "subscribe",
    "subscribe_sent",
    "subscription_confirm",
    "subscription_unsubscribe",
)

# Every public page type, found from the URLconf: each named pattern outside the admin gets sample arguments from
# the synthetic nation by its parameters' names, so that a new page is measured without being listed here (unless
# in NOT_PAGES); a pattern with a parameter that has no sample is reported as not measured.
TARGETS_SCRIPT = r"""
import json, sys
import django
django.setup()
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import override
from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod, Theme
from surveys.models import Dialogue, Survey, UnsafePlace

NOT_PAGES = set(json.loads(sys.argv[1]))
kommun = Municipality.objects.filter(code__startswith="9").order_by("code").first()
period = PromisePeriod.objects.published().for_municipality(kommun).latest_first().first()
follow_up = (
    FollowUp.objects.published().filter(period__municipality=kommun).select_related("period").order_by("-year").first()
)
theme = Theme.objects.order_by("slug").first()
closed = Survey.objects.filter(slug="syntetisk-enkat-01").first()
place = UnsafePlace.objects.public().filter(municipality=kommun).order_by("pk").first()
place = place or UnsafePlace.objects.public().order_by("pk").first()
dialogue = Dialogue.objects.published().filter(municipality=kommun).order_by("-pk").first()
dialogue = dialogue or Dialogue.objects.published().order_by("-pk").first()
common = {"municipality_slug": kommun.slug, "start_year": period.start_year, "end_year": period.end_year}
follow = {"municipality_slug": kommun.slug, "start_year": follow_up.period.start_year,
          "end_year": follow_up.period.end_year, "year": follow_up.year}
samples = {
    "theme_detail": {"slug": theme.slug},
    "survey_answer": {"slug": "syntetisk-enkat-oppen"},
    "survey_results": {"slug": closed.slug},
    "unsafe_place_detail": {"pk": place.pk} if place else None,
    "unsafe_place_boundary": {"pk": kommun.pk},
    "dialogue_detail": {"pk": dialogue.pk} if dialogue else None,
    "sitemap_section": {"section": "kommuner"},
}
queries = {
    "search": "?q=trygghetsvandringar",
    "unsafe_place_list": "?kommun=" + kommun.slug,
}

def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            yield from walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and not namespace:
            yield entry

pages, missing = {}, []
for entry in walk(get_resolver().url_patterns):
    name = entry.name
    if name in NOT_PAGES or name in pages:
        continue
    parameters = set(entry.pattern.converters) | set(getattr(entry.pattern, "regex").groupindex)
    if name in samples:
        kwargs = samples[name]
    elif parameters <= set(follow) and "year" in parameters:
        kwargs = {key: follow[key] for key in parameters}
    elif parameters <= set(common):
        kwargs = {key: common[key] for key in parameters}
    else:
        kwargs = None
    if kwargs is None:
        missing.append(name)
        continue
    with override("sv"):
        pages[name] = reverse(name, kwargs=kwargs) + queries.get(name, "")
pages["find_municipality"] = reverse("find_municipality") + "?namn=" + kommun.name[:3].replace(" ", "+")
with override("en"):
    pages["municipality_detail (en)"] = reverse("municipality_detail", args=[kommun.slug])
ended = PromisePeriod.objects.published().filter(municipality__code__startswith="9").order_by("start_year")
pdfs = [p.pk for p in ended[:6]]
print(json.dumps({"pages": pages, "missing": missing, "pdf_periods": pdfs, "kommun": kommun.slug,
                  "survey": reverse("survey_answer", args=["syntetisk-enkat-oppen"])}))
"""

# Labels for the report; a page without one is shown by its URL name.
LABELS = {
    "livez": "floor (/livez, all middleware)",
    "home": "home",
    "municipality_detail": "kommun",
    "municipality_detail (en)": "kommun (English)",
    "period_detail": "period",
    "follow_up_detail": "follow-up",
    "period_document": "promise document",
    "period_document_print_css": "promise document print CSS",
    "period_document_pdf": "promise PDF (stored)",
    "follow_up_report": "follow-up report",
    "follow_up_report_print_css": "follow-up report print CSS",
    "follow_up_report_pdf": "follow-up report PDF (stored)",
    "theme_list": "theme list",
    "theme_detail": "theme",
    "national_overview": "national overview",
    "search": "search",
    "survey_list": "surveys list",
    "survey_answer": "survey answer (form)",
    "survey_results": "survey results",
    "unsafe_place_list": "places list",
    "unsafe_place_detail": "place detail",
    "unsafe_place_boundary": "kommun outline (JSON)",
    "dialogue_list": "dialogues list",
    "dialogue_detail": "dialogue detail",
    "dialogue_calendar": "national calendar (iCalendar)",
    "dialogue_calendar_municipality": "kommun calendar (iCalendar)",
    "feed_list": "feeds page",
    "feed_follow_ups": "follow-ups feed (Atom)",
    "feed_periods": "promises feed (Atom)",
    "feed_municipality_follow_ups": "kommun follow-ups feed",
    "feed_municipality_periods": "kommun promises feed",
    "open_data": "open data page",
    "open_data_all_csv": "open data CSV (all)",
    "open_data_all_json": "open data JSON (all)",
    "open_data_municipality_csv": "open data CSV (kommun)",
    "open_data_municipality_json": "open data JSON (kommun)",
    "open_data_period_csv": "open data CSV (period)",
    "open_data_period_json": "open data JSON (period)",
    "open_data_catalogue": "open data catalogue (DCAT)",
    "open_data_datapackage": "open data package (JSON)",
    "sitemap": "sitemap index",
    "sitemap_section": "sitemap (kommuner)",
    "municipality_share_image": "share image (kommun)",
    "period_share_image": "share image (period)",
    "follow_up_share_image": "share image (follow-up)",
    "municipality_embed": "embed (kommun status box)",
    "about": "about",
    "easy_read": "easy read",
    "accessibility_statement": "accessibility statement",
    "find_municipality": "find kommun",
}
# Targets of issue 17: the pages that must match the peers when cached, and the one page with a tighter bound.
PEER_TARGET_PAGES = ("municipality_detail", "period_detail")
KOMMUN_PAGE = "municipality_detail"


def label(name):
    return LABELS.get(name, name)


def targets(env):
    return json.loads(run(env, "-c", TARGETS_SCRIPT, json.dumps(NOT_PAGES), capture=True))


class Server:
    """gunicorn with the portal's gunicorn.conf.py (same processes and threads) for the portal or the peers."""

    def __init__(self, env, *, app="portal.wsgi", port=PORT, ready="/livez"):
        self.env = {**env, "BIND": f"127.0.0.1:{port}"}
        self.app, self.port, self.ready = app, port, ready
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def __enter__(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken; set BENCH_PORT")
        # gunicorn's own lines (start, workers) go to a file: the bench's output is the figures.
        self.log = open(WORK / f"gunicorn-{self.port}.log", "a")
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), self.app, "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120  # a busy machine starts four workers slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.close()
                raise RuntimeError(f"gunicorn exited: see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + self.ready, timeout=5).read()
                return self
            except OSError:  # refused, reset or timed out while the workers start
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: see {self.log.name}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@dataclass
class Result:
    label: str
    rps: float
    p50: float
    p99: float
    errors: int
    output: str = ""
    size: int = 0


def _milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wrk(url, *, duration, connections, script=None, script_args=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(ROOT / "bench" / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return subprocess.run(command, check=True, text=True, capture_output=True).stdout


def _parse(label, output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    for match in re.finditer(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*?timeout (\d+)", output):
        errors += int(match.group(1) or match.group(2) or 0)
    return Result(label, rps, p50, p99, errors, output)


def _get(base, path, timeout=60):
    """One request; the status and the headers, whatever the status (a 404 page is a page too)."""
    try:
        response = urllib.request.urlopen(base + path, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    return response.status, response.headers, response.read()


def wrk(label, path, *, duration, connections, base=BASE):
    # Warm the page (and the server's imports) before measuring it.
    for _ in range(3):
        status, _headers, _body = _get(base, path)
        if status >= 400:
            raise RuntimeError(f"{label}: {path} answered {status}")
    return _parse(label, _wrk(base + path, duration=duration, connections=connections))


def peers(database, *, duration, connections):
    """The two peers under the same load as the portal's pages, one visitor too."""
    results = {}
    with Server(peer_environment(database), app="bench.fortunes.wsgi", port=PEER_PORT, ready="/plaintext") as server:
        for name in ("fortunes", "plaintext"):
            result = wrk(name, "/" + name, duration=duration, connections=connections, base=server.base)
            results[name] = result
            log(f"{database:8} peer     {name:28} {result.rps:8.0f} req/s  p50 {result.p50:6.1f} ms  "
                f"p99 {result.p99:6.1f} ms")  # fmt: skip
        visitor = {name: one_visitor(server.base, "/" + name, repeats=20) for name in ("fortunes", "plaintext")}
    return results, visitor


def one_visitor(base, path, *, repeats):
    """One visitor asking for the page `repeats` times in a row on one keep-alive connection; times in ms."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    times, status = [], None
    try:
        while len(times) < repeats + 1:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
            if len(times) == 1 and times[0] > 1000:
                # A page over a second misses its target anyway: three timings say by how much, in a tenth of the time.
                repeats = min(repeats, 3)
    finally:
        connection.close()
    # The first request warms the process that answers it (imports, templates), as wrk's warm-up does.
    times = times[1:]
    return {"median": statistics.median(times), "worst": max(times), "status": status}


def cached_pages(database, pages, *, duration, connections):
    """Every page the page cache serves, under load; a page is cached when its second request says `hit`."""
    results, uncached = {}, []
    with Server(environment(database, cached=True)):
        for name, path in {"livez": "/livez", **pages}.items():
            status, headers, body = _get(BASE, path)
            # A page the cache never touches says nothing: not asked for twice (the national exports are slow).
            if headers.get("X-Page-Cache"):
                status, headers, body = _get(BASE, path)
            if name != "livez" and (headers.get("X-Page-Cache") != "hit" or status >= 400):
                uncached.append(name)
                continue
            result = wrk(name, path, duration=duration, connections=connections)
            result.size = len(body)
            results[name] = result
            log(f"{database:8} cached   {label(name):28} {result.rps:8.0f} req/s  p50 {result.p50:6.1f} ms  "
                f"p99 {result.p99:6.1f} ms")  # fmt: skip
    return results, uncached


def visitor_pages(database, pages, *, repeats):
    """Every public page rendered from the database alone (page cache off), one visitor."""
    results = {}
    with Server(environment(database, cached=False)):
        for name, path in pages.items():
            results[name] = one_visitor(BASE, path, repeats=repeats)
            result = results[name]
            log(f"{database:8} visitor  {label(name):28} median {result['median']:8.1f} ms  "
                f"worst {result['worst']:8.1f} ms  ({result['status']})")  # fmt: skip
    return results


# Publishes the periods anew as coordinators do: a changed text (a new content version), back to a draft, then
# the kommun's and the police's approvals through promises.services.approval_record, each in its transaction as in
# the admin, so that whatever the app does at publication (rendering the PDF ahead, on commit or not) runs as in
# production. The PDF's content changes, so no stored PDF fits it any more. Prints the PDFs' addresses and how the
# periods were published.
PUBLISH_SCRIPT = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from portal.models import Coordinator, Organisation
from promises.models import PromisePeriod, Publication
from promises.services import approval_record

paths, how = [], set()
for pk in json.loads(sys.stdin.read()):
    period = PromisePeriod.objects.select_related("municipality").get(pk=pk)
    with transaction.atomic():
        period.preamble = (period.preamble or "") + " (bench)"
        period.save()
        PromisePeriod.objects.filter(pk=pk).update(publication=Publication.DRAFT)
    try:
        for side in (Organisation.MUNICIPALITY, Organisation.POLICE):
            user, _ = get_user_model().objects.get_or_create(username=f"bench-{side}-{pk}", defaults={"is_staff": True})
            coordinator, _ = Coordinator.objects.get_or_create(user=user, defaults={"organisation": side})
            coordinator.municipalities.add(period.municipality)
            for group in Group.objects.all():
                user.groups.add(group)
            with transaction.atomic():
                approval_record(obj=PromisePeriod.objects.get(pk=pk), user=user)
        how.add("approval_record")
    except Exception as error:  # the coordinators' rules changed: publish as the service does, without them
        from django.utils import timezone
        with transaction.atomic():
            period = PromisePeriod.objects.get(pk=pk)
            period.publish(timezone.now())
            period.save()
        how.add(f"publish() and save() ({type(error).__name__})")
    period = PromisePeriod.objects.get(pk=pk)
    assert period.publication == Publication.PUBLISHED, period
    paths.append(reverse("period_document_pdf", args=[period.municipality.slug, period.start_year, period.end_year]))
print(json.dumps({"paths": paths, "how": sorted(how)}))
"""


def first_pdfs(env, period_pks):
    """A visitor's first request for each PDF after its content was changed and saved; then a second one."""
    published = json.loads(run(env, "-c", PUBLISH_SCRIPT, capture=True, stdin=json.dumps(period_pks)))
    paths = published["paths"]
    first, again = [], []
    for path in paths:
        for times in (first, again):
            started = time.perf_counter()
            status, _headers, body = _get(BASE, path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200 or not body.startswith(b"%PDF-"):
                raise RuntimeError(f"{path} answered {status}")
    return {"first": first, "again": again, "how": published["how"]}


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
    output = _wrk(BASE + path, duration=duration, connections=connections, script="survey_post.lua",
                  script_args=(str(body_file), cookies, BASE + path))  # fmt: skip
    # Posts still on their way when wrk stopped are stored a moment later.
    time.sleep(1)
    stored = count_responses() - before
    accepted, refused = map(int, re.search(r"accepted (\d+) refused (\d+)", output).groups())
    seconds = float(re.search(r"requests in ([\d.]+)s", output).group(1))
    return {
        "per_second": stored / seconds,
        "accepted": accepted,
        "refused": refused,
        "stored": stored,
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

    def count():
        return int(run(env, "-c", script, capture=True))

    return count


# A process that renews every page's token each time it reads a line: Django is set up once, so that renewing
# costs the server's machine no more than a change saved in the admin does.
RENEW_SCRIPT = r"""
import sys
import django
django.setup()
from portal.invalidation import everything_changed
print("ready", flush=True)
for line in sys.stdin:
    everything_changed()
    print("renewed", flush=True)
"""


def stampede(env, name, path, *, seconds, connections):
    """Under load, every page's token renewed once a second for the first half of the run: how many requests
    rendered the page (`miss`), how many were served at once (`hit`, or the previous page while one request
    renders), and the latency meanwhile."""
    _get(BASE, path)
    renewer = subprocess.Popen([PYTHON, "-c", RENEW_SCRIPT], cwd=ROOT, env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert renewer.stdout.readline().strip() == "ready"
        load = subprocess.Popen(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
             "-s", str(ROOT / "bench" / "page_cache_status.lua"), BASE + path],
            text=True, stdout=subprocess.PIPE,
        )  # fmt: skip
        renewals = 0
        time.sleep(0.5)
        # Renewals in the first half only: a slow page's renders must finish before wrk stops to be counted.
        while renewals < max(1, seconds // 2):
            renewer.stdin.write("renew\n")
            renewer.stdin.flush()
            renewer.stdout.readline()
            renewals += 1
            time.sleep(1)
        output, _ = load.communicate(timeout=seconds + 60)
    finally:
        renewer.stdin.close()
        renewer.wait(timeout=30)
    result = _parse(name, output)
    counts = {value: int(count) for value, count in re.findall(r"^page-cache (\S+) (\d+)$", output, re.M)}
    return {"renewals": renewals, "counts": counts, "rps": result.rps, "p50": result.p50, "p99": result.p99,
            "errors": result.errors}  # fmt: skip


def redis_state():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    return {"keys": client.dbsize(), "used_memory": client.info("memory")["used_memory"]}


def redis_bound(*, requests, seconds, connections):
    """What random searches and random slugs make the cache store: keys and memory before and after each kind."""
    found = {"before": redis_state()}
    for kind in ("search", "slug"):
        # Two wrk threads, each stopping after its half of the requests (or after `seconds`, on a slow machine).
        output = _wrk(BASE + "/", duration=seconds, connections=connections, script="random_paths.lua",
                      script_args=(kind, str(requests // 2)))  # fmt: skip
        found[kind] = {"requests": int(re.search(r"(\d+) requests in", output).group(1)), **redis_state()}
    return found


def _empty_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _attempt(report, part, function, *args, **kwargs):
    try:
        report[part] = function(*args, **kwargs)
        log(f"{report['database']:8} {part}: {report[part]}")
    except Exception as error:  # reported in the docs beside the figures that were measured
        log(f"{report['database']:8} {part} FAILED: {error!r}")
        report.setdefault("failed", {})[part] = repr(error)


def run_database(database, *, duration, connections, repeats, parts, nation, reuse, redis_requests):
    log(f"== {database}: preparing the synthetic nation")
    env, prepared_in = prepare(database, nation=nation, reuse=reuse)
    found = targets(env)
    # In the report's order (LABELS), pages without a label last.
    order = list(LABELS)
    pages = dict(sorted(found["pages"].items(), key=lambda item: order.index(item[0]) if item[0] in order else 999))
    report = {"database": database, "prepared_in": prepared_in, "missing": found["missing"], "parts": parts}
    report["peers"], report["peer_visitor"] = peers(database, duration=duration, connections=connections)
    if "cached" in parts:
        _empty_redis()
        report["cached"], report["not_cached"] = cached_pages(database, pages, duration=duration,
                                                              connections=connections)  # fmt: skip
        # The peers again after the portal's pages: the ratios use the mean of both, the machine's drift shows.
        after, _visitor = peers(database, duration=duration, connections=connections)
        report["peers_after"] = after
    if "pages" in parts:
        report["visitor"] = visitor_pages(database, pages, repeats=repeats)
    cached_env = environment(database, cached=True)
    if parts & {"pdf", "survey", "stampede", "redis"}:
        _empty_redis()
        with Server(cached_env):
            # One part failing (a page changed under the bench) costs its figure, not the run's.
            if "pdf" in parts:
                _attempt(report, "pdf", first_pdfs, cached_env, found["pdf_periods"])
            if "survey" in parts:
                _attempt(report, "survey", survey_submissions, found["survey"], duration=duration,
                         connections=connections, count_responses=response_counter(env))  # fmt: skip
            if "stampede" in parts:
                names = [name for name in (KOMMUN_PAGE, "dialogue_calendar", "national_overview") if name in pages]
                _attempt(report, "stampede", lambda: {name: stampede(cached_env, name, pages[name],
                         seconds=max(8, duration), connections=connections) for name in names})  # fmt: skip
            if "redis" in parts:
                # Redis holds what the parts above left in it: pages, tokens, a PDF's, the survey's.
                _attempt(report, "redis", redis_bound, requests=redis_requests, seconds=max(30, duration * 3),
                         connections=connections)  # fmt: skip
    return report


def _met(ok):
    return "met" if ok else "**missed**"


def _mean_rps(report, name):
    values = [report["peers"][name].rps]
    if "peers_after" in report:
        values.append(report["peers_after"][name].rps)
    return statistics.mean(values)


def table(report):
    database = "SQLite" if report["database"] == "sqlite" else "PostgreSQL"
    fortunes, plaintext = _mean_rps(report, "fortunes"), _mean_rps(report, "plaintext")
    peer_line = ", ".join(
        f"{name} {_mean_rps(report, key):.0f} req/s (p50 {report['peers'][key].p50:.1f} ms, p99 "
        f"{report['peers'][key].p99:.1f} ms"
        + (f"; {report['peers'][key].rps:.0f} before and {report['peers_after'][key].rps:.0f} after the portal's "
           "pages" if "peers_after" in report else "")
        + ")"
        for name, key in (("Fortunes", "fortunes"), ("plaintext", "plaintext"))
    )  # fmt: skip
    lines = [f"### {database}", ""]
    if report["prepared_in"]:
        lines += [f"Synthetic nation prepared in {report['prepared_in']:.0f} s.", ""]
    lines += [f"Peers in this run: {peer_line}.", ""]
    for part, error in report.get("failed", {}).items():
        lines += [f"**{part}: not measured**, the bench failed: `{error}`.", ""]

    if "cached" in report:
        lines += [
            "#### Cached public pages under load",
            "",
            "| page | requests/s | × Fortunes | × plaintext | p50 (ms) | p99 (ms) | errors | size (KB) | targets |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, result in report["cached"].items():
            ratio_f, ratio_p = result.rps / fortunes, result.rps / plaintext
            marks = [f"p99 < 50 ms {_met(result.p99 < 50)}"] if name != "livez" else []
            if name in PEER_TARGET_PAGES:
                marks = [f"≥ 1.0× Fortunes {_met(ratio_f >= 1.0)}", f"≥ 0.5× plaintext {_met(ratio_p >= 0.5)}", *marks]
            cells = (
                label(name),
                f"{result.rps:.0f}",
                f"{ratio_f:.2f}",
                f"{ratio_p:.2f}",
                f"{result.p50:.1f}",
                f"{result.p99:.1f}",
                str(result.errors),
                f"{result.size / 1024:.0f}",
                "; ".join(marks),
            )
            lines.append("| " + " | ".join(cells) + " |")
        if report["not_cached"]:
            lines += ["", "Not served from the page cache (by design or not yet), so not in this table: "
                      + ", ".join(label(name) for name in report["not_cached"]) + "."]  # fmt: skip
        lines.append("")

    if "visitor" in report:
        lines += [
            "#### Every public page rendered from the database alone, one visitor",
            "",
            "| page | median (ms) | worst (ms) | status | target |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for name, peer in (("Fortunes (peer)", "fortunes"), ("plaintext (peer)", "plaintext")):
            result = report["peer_visitor"][peer]
            lines.append(f"| {name} | {result['median']:.1f} | {result['worst']:.1f} | {result['status']} | |")
        for name, result in report["visitor"].items():
            bound = 20 if name == KOMMUN_PAGE else 100
            mark = f"< {bound} ms {_met(result['median'] < bound)}"
            if result["median"] < bound <= result["worst"]:
                mark += " (worst over)"
            cells = (label(name), f"{result['median']:.1f}", f"{result['worst']:.1f}", str(result["status"]), mark)
            lines.append("| " + " | ".join(cells) + " |")
        if report["missing"]:
            lines += ["", "**Not measured** (a URL pattern whose parameters have no sample in bench/run.py "
                      "TARGETS_SCRIPT): " + ", ".join(report["missing"]) + "."]  # fmt: skip
        lines.append("")

    if "pdf" in report:
        first, again = report["pdf"]["first"], report["pdf"]["again"]
        lines += [
            f"**First PDF after publication.** {len(first)} promise documents, each changed and published again "
            f"({', '.join(report['pdf']['how'])}), then requested by a visitor: first request median "
            f"{statistics.median(first):.0f} ms, "
            f"worst {max(first):.0f} ms; the next request median {statistics.median(again):.0f} ms. Target (no "
            f"visitor waits for WeasyPrint, first request under 100 ms): {_met(max(first) < 100)}. Beside: one "
            f"visitor's Fortunes page {report['peer_visitor']['fortunes']['median']:.1f} ms.",
            "",
        ]
    if "survey" in report:
        submissions = report["survey"]
        target = (f" Target (≥ 300 a second on PostgreSQL, none lost): "
                  f"{_met(submissions['per_second'] >= 300 and not submissions['lost'])}."
                  if report["database"] == "postgres" else "")  # fmt: skip
        lines += [
            f"**Survey posts** (wrk posting the form, a new submission token each): {submissions['per_second']:.0f} "
            f"stored per second, p50 {submissions['p50']:.0f} ms, p99 {submissions['p99']:.0f} ms; "
            f"{submissions['accepted']} accepted, {submissions['refused']} refused, {submissions['stored']} stored"
            + (f" ({submissions['in_flight']} posts still on their way when wrk stopped)"
               if submissions["in_flight"] else "")
            + ("; none lost." if not submissions["lost"] else f"; {submissions['lost']} LOST.")
            + target + f" Beside: Fortunes {fortunes:.0f} req/s (one query each).",
            "",
        ]  # fmt: skip
    if "stampede" in report:
        lines += [
            "#### Stampede: every token renewed once a second under load",
            "",
            "`portal.invalidation.everything_changed()` in a process of its own, once a second in the first half of "
            "the run, while wrk asks for the page. *Rendered*: answers the page cache marked `miss`; *at once*: "
            "`hit` and any other mark (the previous page while one request renders). wrk counts no request still "
            "on its way when it stops: a page whose renders take longer than the run shows few answers at all (read "
            "its requests/s). Target: about one render per renewal (per server process at most), p99 under 50 ms.",
            "",
            "| page | renewals | requests | rendered | rendered per renewal | at once | timeouts and errors | "
            "requests/s | p50 (ms) | p99 (ms) | p99 < 50 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, result in report["stampede"].items():
            by_mark = {}
            for key, count in result["counts"].items():
                by_mark[key.split(":", 1)[1]] = by_mark.get(key.split(":", 1)[1], 0) + count
            total = sum(by_mark.values())
            rendered = by_mark.get("miss", 0) + by_mark.get("none", 0)
            others = ", ".join(f"{mark} {count}" for mark, count in sorted(by_mark.items()) if mark != "miss")
            cells = (label(name), str(result["renewals"]), str(total), str(rendered),
                     f"{rendered / max(1, result['renewals']):.1f}", others, str(result.get("errors", 0)),
                     f"{result['rps']:.0f}",
                     f"{result['p50']:.1f}", f"{result['p99']:.1f}",
                     _met(result["p99"] < 50) if total else "**no answers**")  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", f"Beside: Fortunes {fortunes:.0f} req/s, plaintext {plaintext:.0f} req/s.", ""]
    if "redis" in report:
        redis = report["redis"]
        before, search, slug = redis["before"], redis["search"], redis["slug"]
        lines += [
            f"**Redis bound.** After the parts above ({before['keys']} keys, used_memory "
            f"{before['used_memory'] / 2**20:.1f} MiB for the whole server), random searches (wrk, "
            f"bench/random_paths.lua): {search['requests']} requests added {search['keys'] - before['keys']} keys; "
            f"then random kommun slugs: {slug['requests']} requests added {slug['keys'] - search['keys']} keys; "
            f"used_memory {slug['used_memory'] / 2**20:.1f} MiB at the end. Bounded (each kind added fewer keys "
            f"than a tenth of its requests): "
            + _met(search["keys"] - before["keys"] < search["requests"] / 10
                   and slug["keys"] - search["keys"] < slug["requests"] / 10)
            + ".",
            "",
        ]  # fmt: skip
    return "\n".join(lines)


def _machine():
    model = ""
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    return f"{os.cpu_count()} cores" + (f" ({model})" if model else "") + f", {platform.system()} {platform.release()}"


def write_docs(runs, *, duration, connections, repeats, command, seconds, note):
    section = "\n".join(
        [
            START,
            "## Public pages beside Fortunes and plaintext (`make bench`)",
            "",
            *([f"> {note}", ""] if note else []),
            f"Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC on {_machine()}; the whole run took "
            f"{seconds / 60:.0f} min. Reproduce: `{command}`.",
            "",
            f"gunicorn with `gunicorn.conf.py` (the same processes and threads for every server), production settings "
            f"(DEBUG off, all middleware), Redis and wrk on the same machine; {connections} connections, {duration} s "
            f"per page after a warm-up. Peers, measured in the same run under the same gunicorn setup: an app written "
            f"from the TechEmpower Fortunes specification (bench/fortunes/: one ORM query, a fortune added in memory, "
            f"a sort, an escaping template, no middleware; its own database of the same kind) and bare Django "
            f"plaintext. The data is the synthetic nation (`python -m bench generate_nation`: 290 kommuner, ten years "
            f"of periods, yearly follow-ups, 100 000 survey responses). One visitor: {repeats} requests in a row on "
            f"one keep-alive connection after one warm-up, page cache off. The uncached pages under load are no "
            f"longer measured: that column cost most of the run's time and the target is the one visitor's time; "
            f"under load an uncached page's rate is about the number of processes divided by its one-visitor time.",
            "",
            "Targets (issue 17): cached kommun and period pages ≥ 1.0× Fortunes and ≥ 0.5× plaintext with p99 under "
            "50 ms; every public page under 100 ms for one visitor from the database alone, the kommun page under "
            "20 ms; no visitor waits for a PDF; ≥ 300 survey posts stored a second on PostgreSQL, none lost; one "
            "render per renewal; what visitors can make Redis store is bounded.",
            "",
            *[table(report) + "\n" for report in runs],
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
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is not None and shutil.which("apt-get"):
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=False)
        if shutil.which("wrk"):
            return
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=False)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True)
        return
    sys.exit("bench needs wrk: apt-get install wrk")


def main(argv=None):
    # Stopped with kill: leave through the servers' context managers, which stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (comma)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=20, help="one visitor's requests per page")
    parser.add_argument("--redis-requests", type=int, default=4000, help="random searches, and random slugs")
    parser.add_argument("--quick", action="store_true", help="3 s per page, 5 requests per visitor: a trial")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"which figures besides the peers: {','.join(PARTS)}")  # fmt: skip
    parser.add_argument("--nation", help="SQLite: copy this nation (made by `python -m bench generate_nation`)")
    parser.add_argument("--reuse", action="store_true", help="keep the databases a previous run prepared")
    parser.add_argument("--note", default="", help="a line above the figures (e.g. that the machine was busy)")
    parser.add_argument("--no-docs", action="store_true", help="print the figures, leave docs/performance.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.repeats = min(args.duration, 3), min(args.repeats, 5)
        args.redis_requests = min(args.redis_requests, 500)
    parts = set(args.parts.split(",")) - {""}
    if parts - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(parts - set(PARTS)))}")
    ensure_wrk()
    started = time.perf_counter()
    runs = [
        run_database(
            database,
            duration=args.duration,
            connections=args.connections,
            repeats=args.repeats,
            parts=parts,
            nation=args.nation,
            reuse=args.reuse,
            redis_requests=args.redis_requests,
        )
        for database in args.databases.split(",")
    ]
    seconds = time.perf_counter() - started
    shown = [f"--databases {args.databases}", "--quick" if args.quick else f"--duration {args.duration}"]
    shown += [f"--parts {args.parts}"] if parts != set(PARTS) else []
    command = f'make bench BENCH_ARGS="{" ".join(shown)}"'
    for report in runs:
        log(table(report))
    if not args.no_docs:
        write_docs(runs, duration=args.duration, connections=args.connections, repeats=args.repeats,
                   command=command, seconds=seconds, note=args.note)  # fmt: skip


if __name__ == "__main__":
    main()
