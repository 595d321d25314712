"""What the fuzz tests share (tests/portal/test_fuzz_public_urls.py and test_fuzz_public_forms.py): how many
examples they try, the content they run against, the public URL patterns read from the resolver, and strategies
for hostile input.

The property is the same everywhere: whatever a visitor sends, the portal answers with a page or a 4xx, never a
500 and never a traceback.
"""

import datetime
import hashlib
import os
import re
import traceback
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod, Theme
from promises.sitemaps import SITEMAPS
from surveys.models import (
    Answer,
    Choice,
    Dialogue,
    Moderation,
    Question,
    Response,
    Survey,
    SurveySection,
    TimeOfDay,
    UnsafePlace,
)
from tests import content_snapshot
from tests.factories import blank_pdf

# --- How many examples -------------------------------------------------------------------------------------------

# CI runs the whole suite twice (SQLite and PostgreSQL) on two cores and must stay short, so each test names a
# small number of examples for the ordinary run. HYPOTHESIS_PROFILE=thorough multiplies them, for a long run by
# hand or at night: `make fuzz-thorough` (HYPOTHESIS_PROFILE=thorough, one process; docs/reliability.md).
# HYPOTHESIS_PROFILE=brief, which .ci/run sets for its second leg (PostgreSQL), runs a quarter of them: the first
# leg has just fed the same views the full number, and what the database changes shows in a few examples.
settings.register_profile(
    "fuzz",
    # A request that renders a PDF takes a second; timing is the benchmark's business, not this test's.
    deadline=None,
    # Huge inputs are the point here, and some examples are slow by nature (PDFs, big posts).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    # No shrinking in the ordinary run: every step is a request, and shrinking one failure took five minutes. The
    # failure message names the whole request, which is enough for a regression test; a thorough run shrinks.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    print_blob=True,
)
settings.register_profile("thorough", parent=settings.get_profile("fuzz"), phases=list(Phase))
settings.register_profile("brief", parent=settings.get_profile("fuzz"))
EXAMPLE_FACTORS = {"fuzz": 1, "thorough": 25, "brief": 0.25}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fuzz")
if PROFILE not in EXAMPLE_FACTORS:
    PROFILE = "fuzz"
EXAMPLE_FACTOR = EXAMPLE_FACTORS[PROFILE]


def fuzz_settings(examples):
    """Settings for one fuzz test: its ordinary number of examples, times EXAMPLE_FACTOR (at least one)."""
    return settings(settings.get_profile(PROFILE), max_examples=max(1, round(examples * EXAMPLE_FACTOR)))


# --- Content ---------------------------------------------------------------------------------------------------------

SIGNED_ORIGINAL_NAME = "undertecknade/fuzz-undertecknat.pdf"


SIGNED_ORIGINAL_BYTES = blank_pdf()


def _survey(*, slug, municipalities, opens_on, closes_on, results_published=False):
    survey = Survey.objects.create(
        title=f"Fuzz: {slug}",
        slug=slug,
        opens_on=opens_on,
        closes_on=closes_on,
        results_published=results_published,
    )
    survey.municipalities.set(municipalities)
    section = SurveySection.objects.create(survey=survey, title="Frågor", order=1)
    questions = {}
    for order, kind in enumerate(Question.Kind.values, start=1):
        questions[kind] = Question.objects.create(
            survey=survey,
            section=section,
            kind=kind,
            text=f"Fråga av typen {kind}?",
            required=order % 2 == 1,
            order=order,
        )
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            for choice_order, text in enumerate(["Ja", "Nej", "Vet inte"], start=1):
                Choice.objects.create(question=questions[kind], text=text, order=choice_order)
    return survey, questions


def load_fuzz_content():
    """The real Västerbotten content and the example survey, plus what they lack for a hostile visitor to reach:
    a survey for several kommuner (its form asks for the kommun), a closed survey with published results, public,
    fixed and pending places, an unpublished dialogue and a period with a signed original.

    Returns the valid values the strategies mix into their input, so that examples reach the views' real work and
    not only their 404s.
    """
    content_snapshot.load("content and example survey")
    municipalities = list(Municipality.objects.order_by("name"))
    vindeln = Municipality.objects.get(slug="vindeln")
    umea = Municipality.objects.get(slug="umea")
    today = timezone.localdate()

    _survey(
        slug="fuzz-flera-kommuner",
        municipalities=[vindeln, umea],
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=30),
    )
    closed, questions = _survey(
        slug="fuzz-avslutad",
        municipalities=[vindeln, umea],
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=1),
        results_published=True,
    )
    single = questions[Question.Kind.SINGLE]
    for n in range(12):
        response = Response.objects.create(
            survey=closed, municipality=vindeln if n % 2 else umea, submission_token=uuid.uuid4()
        )
        Answer.objects.create(response=response, question=single, choice=single.choices.all()[n % 3])
        Answer.objects.create(response=response, question=questions[Question.Kind.SCALE], scale_value=n % 5 + 1)
    _survey(
        slug="fuzz-kommande",
        municipalities=[vindeln],
        opens_on=today + datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=40),
    )

    for n, (moderation, status) in enumerate(
        [
            (Moderation.APPROVED, UnsafePlace.Status.REPORTED),
            (Moderation.APPROVED, UnsafePlace.Status.FIXED),
            (Moderation.APPROVED, UnsafePlace.Status.ACTION_PLANNED),
            (Moderation.PENDING, UnsafePlace.Status.REPORTED),
            (Moderation.REJECTED, UnsafePlace.Status.REPORTED),
        ]
    ):
        UnsafePlace.objects.create(
            municipality=vindeln if n % 2 else umea,
            title=f"Gångtunneln {n} <b>vid</b> stationen",
            description="Mörkt & trångt.",
            time_of_day=TimeOfDay.values[n % 3],
            latitude="63.825800" if n != 2 else None,
            longitude="20.263000" if n != 2 else None,
            moderation=moderation,
            status=status,
        )
    Dialogue.objects.create(
        municipality=vindeln,
        title="Opublicerad dialog",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Folkets hus",
        published=False,
    )
    Dialogue.objects.create(
        municipality=umea,
        title="Kommande trygghetsvandring",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Rådhustorget",
    )

    signed = PromisePeriod.objects.published().filter(municipality=vindeln).order_by("-start_year").first()
    PromisePeriod.objects.filter(pk=signed.pk).update(
        signed_original=SIGNED_ORIGINAL_NAME,
        signed_original_uploaded_at=timezone.now(),
        signed_original_sha256=hashlib.sha256(SIGNED_ORIGINAL_BYTES).hexdigest(),
        signed_original_size=len(SIGNED_ORIGINAL_BYTES),
        signed_text="Texten när originalet laddades upp.",
    )
    return ValidValues.from_database(municipalities)


def store_signed_original():
    """The signed original's file, in this test's MEDIA_ROOT (tests/conftest.py gives every test its own)."""
    if not default_storage.exists(SIGNED_ORIGINAL_NAME):
        default_storage.save(SIGNED_ORIGINAL_NAME, ContentFile(SIGNED_ORIGINAL_BYTES))


@dataclass
class ValidValues:
    """Values that name real content, by the path argument or query parameter they fit."""

    municipality_slugs: list
    periods: list  # {"municipality_slug", "start_year", "end_year"}, published or not
    follow_ups: list  # the same with "year": real follow-ups, and years outside or inside the period without one
    survey_slugs: list
    theme_slugs: list
    sitemap_sections: list
    pks: list
    others: dict = field(default_factory=dict)

    @classmethod
    def from_database(cls, municipalities):
        periods = [
            {"municipality_slug": slug, "start_year": start, "end_year": end}
            for slug, start, end in PromisePeriod.objects.values_list("municipality__slug", "start_year", "end_year")
        ]
        follow_ups = [
            {"municipality_slug": slug, "start_year": start, "end_year": end, "year": year}
            for slug, start, end, year in FollowUp.objects.values_list(
                "period__municipality__slug", "period__start_year", "period__end_year", "year"
            )
        ]
        # Follow-up years outside the period, and the period's own years whether or not they have one.
        follow_ups += [
            {**period, "year": year}
            for period in periods
            for year in (period["start_year"] - 1, period["start_year"], period["end_year"], period["end_year"] + 1)
        ]
        return cls(
            municipality_slugs=[m.slug for m in municipalities],
            periods=periods,
            follow_ups=follow_ups,
            survey_slugs=list(Survey.objects.values_list("slug", flat=True)),
            theme_slugs=list(Theme.objects.values_list("slug", flat=True)),
            sitemap_sections=list(SITEMAPS),
            pks=list(UnsafePlace.objects.values_list("pk", flat=True))
            + list(Dialogue.objects.values_list("pk", flat=True)),
        )

    def for_arguments(self, names):
        """Whole sets of real arguments for a pattern with these argument names (consistent with each other)."""
        names = set(names)
        if {"start_year", "end_year", "year"} <= names:
            return self.follow_ups
        if {"start_year", "end_year"} <= names:
            return self.periods
        return []

    def for_argument(self, name):
        """Real values for one argument, by its name; every known value for a name we have not met."""
        slugs = self.survey_slugs + self.theme_slugs + self.sitemap_sections
        by_name = {
            "municipality_slug": self.municipality_slugs,
            "slug": slugs,
            "section": self.sitemap_sections,
            "pk": self.pks,
            "start_year": [period["start_year"] for period in self.periods],
            "end_year": [period["end_year"] for period in self.periods],
            "year": [follow_up["year"] for follow_up in self.follow_ups],
        }
        values = by_name.get(name) or (self.municipality_slugs + slugs + self.pks)
        return [str(value) for value in values]


# --- The public URL patterns -----------------------------------------------------------------------------------------

# Not fuzzed, with the reason. Keyed by URL name (or route, for a pattern without a name); a namespace excludes
# everything in it.
EXCLUDED_NAMESPACES = {
    "admin": "Only for logged-in coordinators; its login is protected by its own tests (axes, rate limits).",
}

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# The converters the strategies know how to fill; a new one must be taught to segment() before it is fuzzed.
KNOWN_CONVERTERS = {"str", "slug", "int", "year", "path", "uuid"}


@dataclass(frozen=True)
class PublicPattern:
    key: str  # the URL name, or the route for an unnamed pattern
    routes: tuple  # (language, route with its language prefix), one per language the pattern answers in
    converters: tuple  # (argument, converter name) in the order they appear

    @property
    def argument_names(self):
        return [name for name, _converter in self.converters]


def _walk(patterns, prefix, languages, found, excluded):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                inner_languages = [("sv", ""), ("en", "en/")]
                _walk(entry.url_patterns, prefix, inner_languages, found, excluded)
                continue
            if entry.namespace in EXCLUDED_NAMESPACES:
                excluded.add(entry.namespace)
                continue
            _walk(entry.url_patterns, prefix + str(entry.pattern), languages, found, excluded)
            continue
        assert isinstance(entry, URLPattern)
        if hasattr(entry.pattern, "_route"):
            route = prefix + entry.pattern._route
        else:
            # A regex pattern (re_path): its regex, unanchored, stands for the route; nothing is filled into it.
            route = prefix + entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\", "")
        key = entry.name or route
        converters = tuple((match["name"], match["converter"] or "str") for match in _PLACEHOLDER.finditer(route))
        routes = tuple((language, language_prefix + route) for language, language_prefix in languages)
        previous = found.get(key)
        if previous is not None:
            routes = previous.routes + routes
        found[key] = PublicPattern(key=key, routes=routes, converters=converters)


def public_patterns():
    """Every public URL pattern in the resolver, in both languages where it has two; admin left out."""
    found, excluded = {}, set()
    _walk(get_resolver().url_patterns, "", [(None, "")], found, excluded)
    return found


# --- Strategies for hostile input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A piece of address sent as it is: already percent-encoded, or deliberately broken encoding."""

    text: str


# Sent as they are, not encoded again: broken and odd percent-encoding, traversal, CRLF, overlong UTF-8.
RAW_PIECES = [
    "",
    "%00",
    "%0d%0aSet-Cookie:%20x=1",
    "%2F",
    "%2e%2e%2f%2e%2e%2f",
    "..",
    ".",
    "%",
    "%%",
    "%zz",
    "%ff",
    "%fe%ff",
    "%C0%AE",
    "%e2%80%ae",
    "%ef%bb%bf",
    "%u2215",
    "%F0%9F%92%A9",
    "%ED%A0%80",
    "+",
    "%20",
]
# Numbers and words that have broken parsers before: years and page numbers out of every range.
ODD_VALUES = [
    "-1",
    "0",
    "00",
    "0000",
    "9999",
    "99999999999999999999",
    "-99999999999999999999",
    "1e9",
    "1e400",
    "1e30",
    "-1e-30",
    "sNaN",
    "-Infinity",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "1_000",
    " 1",
    "1 ",
    "１２３",
    "٣",
    "2023-2025",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"',
    "\\",
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff",
    "🤷",
]
_ODD_CHARACTERS = "\x00\x01\x1f\x7f\n\r\t /\\?#%&=+;:.,'\"<>ÅÄÖåäöéü\u00a0\u200b\u202e\ufeff\uffff𝔘🤷"


def text():
    """Any text: the full unicode range (hypothesis leaves out lone surrogates, which UTF-8 cannot carry)."""
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.sampled_from(_ODD_CHARACTERS), max_size=20),
        st.sampled_from(ODD_VALUES),
    )


def long_text():
    """Text far over every field's limit, made cheaply (hypothesis need not invent every character)."""
    return st.builds(
        lambda piece, count: (piece or "x") * count,
        st.text(min_size=1, max_size=3),
        st.sampled_from([61, 201, 301, 501, 4001, 20_000, 100_000]),
    )


def any_value(valid=()):
    """A value for a path argument or a query parameter: real ones half of the time, else anything."""
    hostile = st.one_of(text(), long_text(), st.integers().map(str), st.sampled_from(RAW_PIECES).map(Raw))
    if not valid:
        return hostile
    return st.one_of(st.sampled_from(list(valid)), st.sampled_from(list(valid)), hostile)


def encode(value):
    """The value as it goes into an address: encoded, unless it is Raw."""
    if isinstance(value, Raw):
        return value.text
    return quote(str(value), safe="")


def fill_route(route, values):
    """The route with each <converter:name> replaced by its (encoded) value."""
    return _PLACEHOLDER.sub(lambda match: encode(values[match["name"]]), route)


def query_string(pairs):
    return "&".join(f"{encode(name)}={encode(value)}" if value is not None else encode(name) for name, value in pairs)


# What a browser or a bot may send along; the portal must not trip over any of it.
HEADER_VALUES = st.one_of(st.sampled_from(["", "*", "sv", "en-GB,en;q=0.9", "xx", "sv;q=abc", "\x00"]), text())


def cookie_header():
    """A Cookie header: empty, well-formed with forged values, or garbage."""
    names = st.sampled_from(["sessionid", "csrftoken", "messages", "django_language", "x", ""])
    return st.one_of(
        st.just(""),
        st.lists(st.tuples(names, text()), max_size=4).map(
            lambda pairs: "; ".join(f"{name}={quote(value, safe='')}" for name, value in pairs)
        ),
        text(),
    )


TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b'File "/')


def assert_no_server_error(response, description):
    """A page or a 4xx, never a 5xx; and no traceback in the body, whatever the status.

    The status decides, not whether Django signalled an exception on the way: a body that is not UTF-8 makes the
    404 page's CSRF check raise BadRequest, which Django answers with the 400 page. The test client keeps the
    exception of a 5xx in response.exc_info, shown in the failure message.
    """
    # A streamed body is read to its end: a download that fails halfway has already sent its 200.
    # (The test client closes the response itself, a streamed one when its end is read; closing it again here
    # would fire request_finished and close the test's database connection.)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code >= 500:
        error = "".join(traceback.format_exception(*response.exc_info)) if response.exc_info else "(no exception)"
        raise AssertionError(f"{description} answered {response.status_code}\n{error}")
    for marker in TRACEBACK_MARKERS:
        assert marker not in body, f"{description} shows a traceback"
