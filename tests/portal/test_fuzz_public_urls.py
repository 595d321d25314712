"""Every public address, with generated hostile path arguments, query parameters and headers: never a 500.

The patterns come from the URL resolver (tests/fuzzing.py, public_patterns()), in Swedish and English, so a new
page gets a fuzz test of its own without anyone writing one. It must still be entered in QUERY_PARAMETERS below
with the parameters its view reads (or in EXCLUDED, with a reason): test_every_public_pattern_is_fuzzed_or_excluded
fails until it is, so that nobody forgets to tell the fuzzer what the page listens to.
"""

from urllib.parse import unquote_to_bytes

from django.core.cache import cache
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from promises.search import Category
from surveys.models import TimeOfDay, UnsafePlace
from tests.fuzzing import (
    EXCLUDED_NAMESPACES,
    HEADER_VALUES,
    KNOWN_CONVERTERS,
    any_value,
    assert_no_server_error,
    cookie_header,
    fill_route,
    fuzz_settings,
    load_fuzz_content,
    public_patterns,
    query_string,
    store_signed_original,
    text,
)

# The query parameters each public view reads (look at the view: request.GET, a filter form, public_page(query=…)).
PAGE = ("sida",)
QUERY_PARAMETERS = {
    "livez": (),
    "healthz": (),
    "open_data_catalogue": (),
    "open_data_datapackage": (),
    "sitemap": (),
    "sitemap_section": ("p",),
    "robots_txt": (),
    "home": (),
    "about": (),
    "easy_read": (),
    "accessibility_statement": (),
    "accessibility_feedback": ("sida",),  # the address of the page the visitor came from
    "accessibility_feedback_thanks": (),
    "find_municipality": ("namn",),
    "survey_list": ("kommun",),
    "survey_answer": (),
    "survey_thanks": (),
    "survey_results": (),
    "unsafe_place_list": ("kommun", "tid", "status", "visa_atgardade", *PAGE),
    "unsafe_place_detail": (),
    "unsafe_place_report": ("kommun",),
    "unsafe_place_report_thanks": (),
    "unsafe_place_status": ("referens",),
    "unsafe_place_boundary": (),
    "unsafe_place_address_search": ("q", "kommun"),  # off unless GEOCODER_URL is set: a 404 here
    "dialogue_list": ("kommun", *PAGE),
    "dialogue_detail": (),
    "dialogue_calendar": (),
    "dialogue_calendar_municipality": (),
    "suggestion_create": (),
    "suggestion_thanks": (),
    "subscribe": (),
    "subscribe_sent": (),
    "subscription_confirm": (),  # a signed link: any other token is a 400
    "subscription_unsubscribe": (),
    "search": ("q", "kommun", "typ", *PAGE),
    "theme_list": (),
    "theme_detail": (),
    "national_overview": (),
    "feed_list": (),
    "feed_follow_ups": (),
    "feed_periods": (),
    "feed_municipality_follow_ups": (),
    "feed_municipality_periods": (),
    "open_data": (),
    "open_data_all_csv": (),
    "open_data_all_json": (),
    "open_data_municipality_csv": (),
    "open_data_municipality_json": (),
    "open_data_period_csv": (),
    "open_data_period_json": (),
    "municipality_detail": (),
    "period_detail": (),
    "period_document": (),
    "period_document_print_css": (),
    "period_document_pdf": (),
    "signed_original": (),
    "follow_up_detail": (),
    "follow_up_report": (),
    "follow_up_report_print_css": (),
    "follow_up_report_pdf": (),
    "municipality_share_image": (),
    "period_share_image": (),
    "follow_up_share_image": (),
    "municipality_embed": (),
}
# Public patterns that are not fuzzed, each with the reason. (The admin's namespace: tests/fuzzing.py.)
EXCLUDED = {}
# Sent to every page besides its own: parameters other sites and old links use, which no view should trip on.
STRAY_PARAMETERS = ("format", "page", "p", "sida", "q", "kommun", "tema", "lang", "callback", "utm_source")

PATTERNS = public_patterns()


def _header_strategy():
    names = st.sampled_from(
        [
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_ACCEPT",
            "HTTP_IF_NONE_MATCH",
            "HTTP_IF_MODIFIED_SINCE",
            "HTTP_RANGE",
            "HTTP_USER_AGENT",
            "HTTP_REFERER",
            "HTTP_X_FORWARDED_FOR",
            "HTTP_X_REQUEST_ID",
        ]
    )
    headers = st.dictionaries(names, HEADER_VALUES.map(_latin1), max_size=3)
    cookies = st.one_of(st.just({}), cookie_header().map(lambda value: {"HTTP_COOKIE": _latin1(value)}))
    return st.builds(lambda a, b: {**a, **b}, headers, cookies)


def _latin1(value):
    # WSGI carries headers as latin-1 strings; a browser's UTF-8 bytes arrive that way too.
    return value.encode("utf-8", "surrogatepass").decode("iso-8859-1")


HEADERS = _header_strategy()


class PublicUrlFuzzTest(TestCase):
    """One test per public pattern (added below from the resolver), against the real Västerbotten content."""

    @classmethod
    def setUpTestData(cls):
        cls.valid = load_fuzz_content()

    def setup_example(self):
        super().setup_example()
        # The cache outlives the rolled-back database: no cached page or rate-limit counter from the last example.
        cache.clear()
        translation.activate("sv")
        store_signed_original()

    def query_values(self, name):
        valid = self.valid
        return {
            "q": ["trygghet", "trafik", "Vindeln", '"trygg vandring"', "-trafik", "trafik or droger", "a:*", "!&|"],
            "kommun": valid.municipality_slugs,
            "typ": Category.values,
            "tid": TimeOfDay.values,
            "status": UnsafePlace.Status.values,
            "visa_atgardade": ["on", "1", "true", "false", "off"],
            "sida": ["1", "2", "3", "last", "/umea/", "http://testserver/umea/", "//evil.example/", "javascript:x"],
            "p": ["1", "2", "last"],
        }.get(name, ())

    def path_values(self, pattern, data):
        """Real arguments most of the time (whole sets that belong together), each one swapped for garbage now
        and then; and wholly generated ones the rest of the time."""
        sets = self.valid.for_arguments(pattern.argument_names)
        base = data.draw(st.sampled_from(sets)) if sets and data.draw(st.booleans()) else {}
        values = {}
        for name in pattern.argument_names:
            keep = name in base and data.draw(st.integers(0, 3)) > 0
            values[name] = base[name] if keep else data.draw(any_value(self.valid.for_argument(name)), label=name)
        return values

    def query_pairs(self, pattern, data):
        own = QUERY_PARAMETERS.get(pattern.key, ())
        names = st.one_of(st.sampled_from(own), st.sampled_from(own)) if own else st.nothing()
        names = st.one_of(names, st.sampled_from(STRAY_PARAMETERS), text())
        pair = names.flatmap(lambda name: st.tuples(st.just(name), st.none() | any_value(self.query_values(name))))
        # Repeated names too: ?sida=1&sida=2 is a list to Django, and views read one of them.
        return data.draw(st.lists(pair, max_size=6), label="query")

    def check(self, pattern, data):
        _language, route = data.draw(st.sampled_from(pattern.routes), label="language and route")
        path = "/" + fill_route(route, self.path_values(pattern, data))
        query = query_string(self.query_pairs(pattern, data))
        method = data.draw(st.sampled_from(["GET", "GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT"]))
        body = data.draw(st.binary(max_size=64)) if method in ("POST", "PUT") else b""
        extra = data.draw(HEADERS, label="headers")
        description = f"{method} {path}?{query} {extra}"
        client = Client(raise_request_exception=False)
        try:
            response = client.generic(
                method,
                "/",
                data=body,
                content_type="application/x-www-form-urlencoded",
                # What a WSGI server hands Django: the path percent-decoded into latin-1, the query as sent.
                PATH_INFO=unquote_to_bytes(path).decode("iso-8859-1"),
                QUERY_STRING=query,
                **extra,
            )
        except Exception as error:
            raise AssertionError(f"{description} raised {error!r}") from error
        assert_no_server_error(response, description)


def _fuzz_test(pattern):
    @fuzz_settings(10)
    @given(data=st.data())
    def test(self, data):
        self.check(pattern, data)

    test.__name__ = test.__qualname__ = f"test_{pattern.key}_never_answers_500"
    test.__doc__ = f"Hostile requests to {', '.join(route for _language, route in pattern.routes)}."
    return test


FUZZED = {}
for _pattern in PATTERNS.values():
    if _pattern.key in EXCLUDED:
        continue
    _name = f"test_{_pattern.key}_never_answers_500".replace("/", "_").replace("<", "_").replace(">", "_")
    setattr(PublicUrlFuzzTest, _name, _fuzz_test(_pattern))
    FUZZED[_pattern.key] = _name


def test_every_public_pattern_is_fuzzed_or_excluded():
    unlisted = sorted(key for key in PATTERNS if key not in QUERY_PARAMETERS and key not in EXCLUDED)
    assert not unlisted, (
        f"New public URL patterns {unlisted}: add each to QUERY_PARAMETERS in {__name__} with the query parameters "
        "its view reads (an empty tuple if none), or to EXCLUDED with the reason it must not be fuzzed."
    )
    stale = sorted((set(QUERY_PARAMETERS) | set(EXCLUDED)) - set(PATTERNS))
    assert not stale, f"{stale} are listed in {__name__} but are no longer URL patterns"
    assert set(FUZZED) | set(EXCLUDED) == set(PATTERNS)
    assert all(reason.strip() for reason in [*EXCLUDED.values(), *EXCLUDED_NAMESPACES.values()])


def test_every_path_converter_has_a_strategy():
    unknown = {
        (key, converter)
        for key, pattern in PATTERNS.items()
        for _name, converter in pattern.converters
        if converter not in KNOWN_CONVERTERS
    }
    assert not unknown, f"Teach tests/fuzzing.py to generate values for these converters: {unknown}"


def test_patterns_come_in_both_languages():
    # The walk over the resolver found the i18n patterns under both prefixes (a check of the walk itself).
    routes = dict(PATTERNS["period_detail"].routes)
    assert routes == {
        "sv": "<slug:municipality_slug>/<year:start_year>-<year:end_year>/",
        "en": "en/<slug:municipality_slug>/<year:start_year>-<year:end_year>/",
    }
    assert dict(PATTERNS["robots_txt"].routes) == {None: "robots.txt"}
    assert not any(route.startswith("admin/") for p in PATTERNS.values() for _language, route in p.routes)
