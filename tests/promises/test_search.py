"""The search page, /sok/: what it finds (only published content), how it ranks and excerpts on PostgreSQL and
on SQLite, hostile input on both, filters, pagination and its query budget.

Run on both databases: `pytest tests/promises/test_search.py` (SQLite) and with DATABASE_URL=postgres://… .
Tests that only make sense on one of them skip on the other and say why.
"""

import datetime
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from promises.models import Publication
from promises.search import MAX_QUERY_LENGTH, SOURCES, StoredDocument, _marks_to_html, clean_query, search
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_period,
    make_report,
)
from tests.factories.dialogues import make_dialogue, stockholm

URL = "/sok/"


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite has no full-text search")


def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the fallback for SQLite (the default database); PostgreSQL uses full-text search instead")


def _hits(response):
    return response.context["page"].object_list if response.context["page"] else []


def _urls(response):
    return [hit.url for hit in _hits(response)]


@pytest.fixture
def umea(db):
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


# --- What it finds -------------------------------------------------------------------------------------------


def test_url_name_and_path_line_up():
    assert reverse("search") == URL


def test_finds_a_promise_period_by_its_preamble(resident, umea):
    period = make_period(municipality=umea, preamble="Vi lovar att arbeta mot klotter i centrum.")

    response = resident.get(URL, {"q": "klotter"})

    assert response.status_code == 200
    hits = _hits(response)
    assert [hit.url for hit in hits] == [period.get_absolute_url()]
    assert hits[0].municipality == "Umeå"
    assert hits[0].period == "2023–2025"
    assert "<mark>klotter</mark>" in hits[0].excerpt


def test_finds_a_promise_period_by_its_basis(resident, umea):
    period = make_period(municipality=umea, basis="Länsstyrelsens kartläggning av snöskoteråkning.")

    assert _urls(resident.get(URL, {"q": "snöskoteråkning"})) == [period.get_absolute_url()]


def test_finds_an_activity_and_links_to_it_on_its_period_page(resident, umea):
    period = make_period(municipality=umea)
    activity = make_activity(
        make_focus_area(period), title="Mopeder", text="Polisen lovar att kontrollera trimmade mopeder."
    )

    response = resident.get(URL, {"q": "mopeder"})

    hit = _hits(response)[0]
    assert hit.url == f"{period.get_absolute_url()}#activity-{activity.pk}"
    assert hit.title == "<mark>Mopeder</mark>"
    assert f'id="activity-{activity.pk}"' in resident.get(period.get_absolute_url()).content.decode()


def test_finds_an_activity_by_its_target(resident, umea):
    activity = make_activity(make_focus_area(make_period(municipality=umea)), target="varje elev i årskurs sju")

    assert _urls(resident.get(URL, {"q": "årskurs"})) == [
        f"{activity.focus_area.period.get_absolute_url()}#activity-{activity.pk}"
    ]


def test_finds_a_published_follow_up_by_its_summary(resident, umea):
    follow_up = make_follow_up(make_period(municipality=umea), year=2024, summary="Året präglades av bilbränder.")

    response = resident.get(URL, {"q": "bilbränder"})

    hit = _hits(response)[0]
    assert hit.url == follow_up.get_absolute_url()
    assert hit.year == 2024
    assert "Uppföljning 2024" in response.content.decode()


def test_finds_an_activity_report_and_links_to_it_on_the_follow_up_page(resident, umea):
    period = make_period(municipality=umea)
    activity = make_activity(make_focus_area(period), title="Grannsamverkan")
    follow_up = make_follow_up(period)
    make_report(follow_up, activity, status="delayed", done="", reason="Personalbrist under hösten.")

    response = resident.get(URL, {"q": "personalbrist"})

    hit = _hits(response)[0]
    assert hit.url == f"{follow_up.get_absolute_url()}#activity-{activity.pk}"
    assert hit.title == "Grannsamverkan"
    assert f'id="activity-{activity.pk}"' in resident.get(follow_up.get_absolute_url()).content.decode()


def test_finds_a_focus_area_report_and_links_to_the_area_on_the_follow_up_page(resident, umea):
    period = make_period(municipality=umea)
    focus_area = make_focus_area(period, title="Ekonomisk brottslighet")
    follow_up = make_follow_up(period)
    make_area_report(follow_up, focus_area, done="Informationsträffar om bedrägerier för äldre.")
    make_area_report(
        make_follow_up(period, year=period.start_year + 1, published=False), focus_area, done="Utkast om bedrägerier."
    )

    response = resident.get(URL, {"q": "bedrägerier"})

    hits = _hits(response)
    assert [hit.url for hit in hits] == [f"{follow_up.get_absolute_url()}#focus-area-{focus_area.pk}"]
    assert hits[0].title == "Ekonomisk brottslighet"
    assert hits[0].kind_label == "Uppföljning av ett fokusområde"
    assert f'id="focus-area-{focus_area.pk}"' in resident.get(follow_up.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Trygghetsvandring på Ersboda"),
        ("description", "Vi går runt på Ersboda och lyssnar."),
        ("heard", "Många tyckte att Ersboda är mörkt på kvällen."),
        ("place", "Ersboda centrum"),
    ],
)
def test_finds_a_published_dialogue(resident, umea, field, text):
    dialogue = make_dialogue(municipality=umea, **{field: text})

    response = resident.get(URL, {"q": "Ersboda"})

    hit = _hits(response)[0]
    assert hit.url == dialogue.get_absolute_url()
    assert hit.kind_label == "Medborgardialog"


def test_example_follow_ups_are_labelled_example(resident, umea):
    period = make_period(municipality=umea)
    follow_up = make_follow_up(period, summary="Påhittat: fler cykelbelysningskontroller.", is_example=True)
    make_report(follow_up, make_activity(make_focus_area(period)), done="Påhittat: cykelbelysningskontroller.")

    response = resident.get(URL, {"q": "cykelbelysningskontroller"})

    hits = _hits(response)
    assert len(hits) == 2
    assert all(hit.is_example for hit in hits)
    assert response.content.decode().count('class="badge-example"') == 2


# --- Never drafts --------------------------------------------------------------------------------------------


def test_never_finds_drafts(resident, umea):
    """The word is everywhere, but only where it is public is it found."""
    word = "vandalisering"
    public = make_period(municipality=umea, start_year=2019, end_year=2020, preamble=f"Publicerad: {word}.")
    draft = make_period(municipality=umea, start_year=2023, published=False, preamble=f"Utkast: {word}.")
    draft_activity = make_activity(make_focus_area(draft), title=word.capitalize(), text=f"Utkast om {word}.")
    # A follow-up marked published, but of a draft period: still not public, and neither are its reports.
    orphan = make_follow_up(draft, summary=f"Uppföljning av ett utkast: {word}.")
    make_report(orphan, draft_activity, done=f"Gjort: {word}.")
    draft_follow_up = make_follow_up(public, year=2020, published=False, summary=f"Utkast: {word}.")
    make_report(draft_follow_up, make_activity(make_focus_area(public)), done=f"Utkast: {word}.")
    make_dialogue(municipality=umea, title=f"Opublicerad dialog om {word}", published=False)

    response = resident.get(URL, {"q": word})

    assert _urls(response) == [public.get_absolute_url()]
    assert "Utkast" not in response.content.decode()


@pytest.mark.parametrize("category", ["", "loften", "uppfoljningar", "dialoger"])
def test_never_finds_drafts_whatever_the_filter(resident, umea, category):
    draft = make_period(municipality=umea, published=False, preamble="hemligt utkast")
    make_follow_up(draft, summary="hemligt utkast")
    make_dialogue(municipality=umea, title="hemligt utkast", published=False)

    response = resident.get(URL, {"q": "hemligt", "typ": category, "kommun": "umea"})

    assert response.context["page"].paginator.count == 0


# --- PostgreSQL: full-text search in Swedish ----------------------------------------------------------------


def test_postgresql_stemming_finds_other_forms_of_a_word(resident, umea):
    _postgresql_only()
    period = make_period(municipality=umea)
    activity = make_activity(make_focus_area(period), text="Polisen lovar att övervaka trafik vid skolorna.")

    response = resident.get(URL, {"q": "trafiken"})

    assert _urls(response) == [f"{period.get_absolute_url()}#activity-{activity.pk}"]
    assert "<mark>trafik</mark>" in _hits(response)[0].excerpt


def test_postgresql_finds_the_start_of_a_compound_word(resident, umea):
    _postgresql_only()
    dialogue = make_dialogue(municipality=umea, title="Trygghetsvandring i Holmsund")

    assert _urls(resident.get(URL, {"q": "trygghet"})) == [dialogue.get_absolute_url()]


def test_postgresql_understands_web_search_syntax(resident, umea):
    _postgresql_only()
    period = make_period(municipality=umea)
    focus_area = make_focus_area(period)
    bikes = make_activity(focus_area, text="Kontroller av cyklar och belysning.")
    make_activity(focus_area, text="Kontroller av mopeder och belysning.")

    response = resident.get(URL, {"q": "belysning -mopeder"})

    assert _urls(response) == [f"{period.get_absolute_url()}#activity-{bikes.pk}"]
    assert len(_urls(resident.get(URL, {"q": '"av cyklar"'}))) == 1


def test_postgresql_excerpt_is_a_highlighted_fragment_of_a_long_text(resident, umea):
    _postgresql_only()
    filler = " ".join(["Polisen och kommunen arbetar tillsammans."] * 40)
    make_period(municipality=umea, preamble=f"{filler} Vi satsar på grannsamverkan i villaområden. {filler}")

    excerpt = _hits(resident.get(URL, {"q": "grannsamverkan"}))[0].excerpt

    assert "<mark>grannsamverkan</mark>" in excerpt
    assert len(excerpt) < 600


def test_postgresql_uses_the_search_indexes(umea):
    """Each searched table's stored document (migration 0007) is GIN-indexed, and a search can use the index.

    Asked of each table alone, with sequential and plain index scans switched off: a bitmap scan then needs an
    index on the search condition itself, so the plan shows whether the GIN index serves it. (On test-sized
    tables the planner would otherwise rightly prefer whatever is cheapest.)
    """
    _postgresql_only()
    indexes = {
        1: "promise_period_search",
        2: "activity_search",
        3: "follow_up_search",
        4: "activity_report_search",
        5: "dialogue_search",
        6: "focus_area_report_search",
    }
    query = SearchQuery("'trafik':*", search_type="raw", config="swedish")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    for source in SOURCES:
        matching = source.public().model.objects.alias(document=StoredDocument()).filter(document=query)
        plan = matching.explain()
        assert f"Bitmap Index Scan on {indexes[source.kind]}" in plan, f"{source.kind.name}:\n{plan}"


def test_postgresql_stored_documents_match_the_searched_fields(umea):
    """Migrations 0007 and 0011 generate `search_document` from the same fields and weights as `_Source.vector()`."""
    _postgresql_only()
    period = make_period(municipality=umea, title="Rubrik", preamble="Inledning", basis="Underlag")
    activity = make_activity(make_focus_area(period), title="Titel", text="Text", target="Mål")
    follow_up = make_follow_up(period, summary="Sammanfattning")
    report = make_report(follow_up, activity, status="stopped", done="Gjort", reason="Skäl")
    dialogue = make_dialogue(municipality=umea, heard="Hört", not_taken_up="Inte")
    area_report = make_area_report(follow_up, activity.focus_area, done="Gjort", reason="Skäl")
    objects = {1: period, 2: activity, 3: follow_up, 4: report, 5: dialogue, 6: area_report}
    for source in SOURCES:
        model = type(objects[source.kind])
        stored, computed = (
            model.objects.filter(pk=objects[source.kind].pk)
            .annotate(stored=StoredDocument(), computed=source.vector())
            .values_list("stored", "computed")
            .get()
        )
        assert stored == computed, source.kind.name


# --- Both databases: ranking, filters --------------------------------------------------------------------------


def test_a_title_hit_comes_first(resident, umea):
    period = make_period(municipality=umea)
    focus_area = make_focus_area(period)
    in_text = make_activity(focus_area, order=1, title="Hastighet", text="Kontroller av trafik vid skolor.")
    in_title = make_activity(focus_area, order=2, title="Trafik", text="Polisen lovar kontroller vid skolor.")

    urls = _urls(resident.get(URL, {"q": "trafik"}))

    assert urls == [f"{period.get_absolute_url()}#activity-{pk}" for pk in (in_title.pk, in_text.pk)]


def test_newer_periods_come_first_when_the_hits_are_alike(resident, umea):
    older = make_period(municipality=umea, start_year=2017, end_year=2018, preamble="Vi arbetar mot langning.")
    newer = make_period(municipality=umea, start_year=2021, end_year=2022, preamble="Vi arbetar mot langning.")

    assert _urls(resident.get(URL, {"q": "langning"})) == [newer.get_absolute_url(), older.get_absolute_url()]


def test_filters_by_kommun(resident, umea):
    vindeln = make_municipality(name="Vindeln", slug="vindeln")
    make_period(municipality=umea, preamble="Satsning på belysning.")
    in_vindeln = make_period(municipality=vindeln, preamble="Satsning på belysning.")

    response = resident.get(URL, {"q": "belysning", "kommun": "vindeln"})

    assert _urls(response) == [in_vindeln.get_absolute_url()]
    assert '<option value="vindeln" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("category", "kinds"),
    [("", {1, 2, 3, 4, 5, 6}), ("loften", {1, 2}), ("uppfoljningar", {3, 4, 6}), ("dialoger", {5})],
)
def test_filters_by_kind_of_content(resident, umea, category, kinds):
    period = make_period(municipality=umea, preamble="Om skadegörelse.")
    activity = make_activity(make_focus_area(period), text="Mot skadegörelse.")
    follow_up = make_follow_up(period, summary="Mindre skadegörelse.")
    make_report(follow_up, activity, done="Skadegörelse minskade.")
    make_area_report(follow_up, activity.focus_area, done="Mindre skadegörelse i området.")
    make_dialogue(municipality=umea, heard="Skadegörelse vid skolan.")

    response = resident.get(URL, {"q": "skadegörelse", "typ": category})

    assert {hit.kind for hit in _hits(response)} == kinds


@pytest.mark.parametrize("params", [{"kommun": "finns-inte"}, {"typ": "allt-mojligt"}])
def test_unknown_filter_values_search_everything_and_say_so(resident, umea, params):
    period = make_period(municipality=umea, preamble="Om skadegörelse.")

    response = resident.get(URL, {"q": "skadegörelse", **params})

    assert response.status_code == 200
    assert _urls(response) == [period.get_absolute_url()]
    assert "Vi kände inte igen kommunen eller typen av innehåll" in response.content.decode()


def test_past_dialogues_come_after_promises_however_well_they_match(resident, umea):
    """Four 2016 invitations titled ”Medborgardialog om trygghet” once stood above the current promises."""
    old = [
        make_dialogue(municipality=umea, title="Medborgardialog om trygghet", starts_at=stockholm(2016, 2, 27 + i, 12))
        for i in range(2)
    ]
    period = make_period(municipality=umea, start_year=2023, end_year=2024)
    activity = make_activity(make_focus_area(period), text="Polisen lovar att öka tryggheten i centrum.")
    upcoming = make_dialogue(
        municipality=umea,
        title="Dialog om trygghet",
        starts_at=timezone.now() + datetime.timedelta(days=20),
    )

    urls = _urls(resident.get(URL, {"q": "trygghet"}))

    promise = f"{period.get_absolute_url()}#activity-{activity.pk}"
    assert promise in urls and upcoming.get_absolute_url() in urls
    past = [dialogue.get_absolute_url() for dialogue in old]
    assert set(urls[-2:]) == set(past), urls
    assert urls.index(promise) < min(urls.index(url) for url in past)


def test_dialogue_hits_of_the_same_title_show_place_kommun_and_when_they_were_held(resident, umea):
    for day, place in ((27, "Coop Forum"), (12, "Ica Maxi")):
        make_dialogue(
            municipality=umea,
            title="Medborgardialog om trygghet",
            place=place,
            starts_at=stockholm(2016, 2 if day == 27 else 3, day, 12),
        )

    content = resident.get(URL, {"q": "medborgardialog"}).content.decode()

    assert "<mark>Medborgardialog</mark> om trygghet, Coop Forum</a>" in content
    assert "<mark>Medborgardialog</mark> om trygghet, Ica Maxi</a>" in content
    assert 'Hölls <time datetime="2016-02-27T12:00:00+01:00">27 februari 2016</time>' in content
    assert 'Hölls <time datetime="2016-03-12T12:00:00+01:00">12 mars 2016</time>' in content
    assert content.count("<span>Umeå</span>") == 2
    # Their text is the invitation written before the day, and says so: it is not read as a current call.
    assert content.count('<span class="search-excerpt-label">Ur inbjudan före tillfället:</span> <q>') == 2


# --- SQLite fallback -------------------------------------------------------------------------------------------


def test_sqlite_fallback_needs_every_word(resident, umea):
    _sqlite_only()
    focus_area = make_focus_area(make_period(municipality=umea))
    both = make_activity(focus_area, text="Kontroller av mopeder vid skolan.")
    make_activity(focus_area, text="Kontroller av bilar vid skolan.")

    assert _urls(resident.get(URL, {"q": "skolan mopeder"})) == [
        f"{focus_area.period.get_absolute_url()}#activity-{both.pk}"
    ]


def test_sqlite_fallback_ignores_case_also_for_swedish_letters(resident, umea):
    _sqlite_only()
    period = make_period(municipality=umea, preamble="Åtgärder mot Övergrepp vid Älven.")

    for query in ("åtgärder", "ÅTGÄRDER", "övergrepp", "älven"):
        assert _urls(resident.get(URL, {"q": query})) == [period.get_absolute_url()], query


def test_sqlite_fallback_excerpt_is_a_window_around_the_first_hit(resident, umea):
    _sqlite_only()
    filler = " ".join(["Polisen och kommunen arbetar tillsammans."] * 40)
    make_period(municipality=umea, preamble=f"{filler} Vi satsar på grannsamverkan i villaområden. {filler}")

    excerpt = _hits(resident.get(URL, {"q": "Grannsamverkan"}))[0].excerpt

    assert "<mark>grannsamverkan</mark> i villaområden" in excerpt
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert len(excerpt) < 300


def test_sqlite_fallback_percent_and_underscore_are_not_wildcards(resident, umea):
    _sqlite_only()
    make_period(municipality=umea, preamble="Vanlig text utan särskilda tecken.")

    for query in ("%", "_", "%%", "t_xt", "V_nlig"):
        assert _urls(resident.get(URL, {"q": query})) == [], query


# --- Hostile input, both databases ---------------------------------------------------------------------------

HOSTILE = [
    pytest.param("", id="empty"),
    pytest.param("   \t\n  ", id="whitespace"),
    pytest.param("trafik " * 1500, id="10000-characters"),
    pytest.param("trafik\x00", id="nul-byte"),
    pytest.param("\x00\x00", id="only-nul-bytes"),
    pytest.param('"trafik', id="unbalanced-double-quote"),
    pytest.param("o'reilly ''", id="single-quotes"),
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param("%", id="percent"),
    pytest.param("_", id="underscore"),
    pytest.param("100% _x_", id="percent-underscore-words"),
    pytest.param("\\", id="backslash"),
    pytest.param("trafik\\'", id="backslash-quote"),
    pytest.param("& | ! : * ( ) <-> <2>", id="tsquery-operators"),
    pytest.param("trafik & !polis | (buss:*)", id="tsquery-expression"),
    pytest.param("-", id="lone-minus"),
    pytest.param("- - or OR -trafik", id="websearch-operators-only"),
    pytest.param("åäö ÅÄÖ", id="swedish-letters"),
    pytest.param("🚓👮‍♀️ 🙂", id="emoji"),
    pytest.param("אבטחה في الحي", id="right-to-left"),
    pytest.param("\u202etrafik\u202c", id="bidi-override"),
    pytest.param("\ue000trafik\ue001", id="our-highlight-markers"),
    pytest.param("x" * 300, id="one-long-word"),
    pytest.param(" ".join(f"ord{i}" for i in range(60)), id="many-words"),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_fails_and_is_escaped(resident, umea, query):
    make_full_period(municipality=umea, focus_areas=1, activities=2, follow_up_years=[2023])
    make_dialogue(municipality=umea, title="Trafik på torget")

    response = resident.get(URL, {"q": query, "kommun": "<script>", "typ": "%00", "sida": "<x>"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "\x00" not in content
    cleaned, _truncated = clean_query(query)
    assert len(cleaned) <= MAX_QUERY_LENGTH


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_in_the_header_search_box_of_an_english_page(resident, umea, query):
    response = resident.get("/en" + URL, {"q": query})

    assert response.status_code == 200


def test_long_query_is_cut_and_the_page_says_so(resident, umea):
    response = resident.get(URL, {"q": "trafik " * 1500})

    assert response.context["query"] == ("trafik " * 40)[:MAX_QUERY_LENGTH].strip()
    assert f"Sökningen var längre än {MAX_QUERY_LENGTH} tecken" in response.content.decode()


def test_nul_bytes_and_control_characters_are_removed_from_the_query():
    assert clean_query("tra\x00fik\x07\n polis\u2028") == ("tra fik polis", False)


def test_query_is_shown_escaped(resident, umea):
    response = resident.get(URL, {"q": '<script>alert("x")</script>'})

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_activity_text_with_markup_is_shown_escaped_in_the_excerpt(resident, umea):
    period = make_period(municipality=umea)
    make_activity(
        make_focus_area(period),
        title="<b>Trafik</b>",
        text="Trafik <script>alert('x')</script> & <img src=x onerror=alert(1)> vid skolan.",
    )

    response = resident.get(URL, {"q": "trafik"})

    content = response.content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content and "<b>" not in content
    hit = _hits(response)[0]
    assert re.sub(r"</?mark>", "", str(hit.title)) == "&lt;b&gt;Trafik&lt;/b&gt;"
    # PostgreSQL's excerpt (ts_headline) leaves out what it parses as a tag, <script> here; the rest is escaped.
    assert "&lt;img src=x onerror=alert(1)&gt;" in hit.excerpt


def test_highlight_markers_in_content_never_make_unbalanced_marks():
    html = _marks_to_html("a \ue000hit\ue001 b \ue000 c \ue001\ue001 <i>")

    assert html == "a <mark>hit</mark> b <mark> c </mark> &lt;i&gt;"
    assert html.count("<mark>") == html.count("</mark>")


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_any_text_searches_without_error(text):
    results = search(clean_query(text)[0])

    assert results.count() == len(results[0:20])


# --- The page: empty, no hits, pagination ---------------------------------------------------------------------


def test_empty_query_shows_the_form_and_help_but_no_results(resident, umea, django_assert_num_queries):
    with django_assert_num_queries(1):  # the kommuner for the filter
        response = resident.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"] is None
    assert '<label for="search-q" class="form-label">Sök</label>' in content
    assert 'type="search" id="search-q" name="q"' in content
    assert "Vad vill du hitta?" in content
    assert "träff" not in content


def test_no_hits_gives_suggestions(resident, umea):
    response = resident.get(URL, {"q": "xylofon", "kommun": "umea"})

    content = response.content.decode()
    assert "Inga träffar för ”xylofon”" in content
    assert "Kontrollera stavningen" in content
    assert 'href="?q=xylofon">Sök i alla kommuner och allt innehåll' in content


def test_count_says_how_many_hits(resident, umea):
    for year in (2015, 2017):
        make_period(municipality=umea, start_year=year, end_year=year + 1, preamble="Om buskörning.")

    assert "2 träffar för ”buskörning”" in resident.get(URL, {"q": "buskörning"}).content.decode()


def test_one_hit_is_one_traff(resident, umea):
    make_period(municipality=umea, preamble="Om buskörning.")

    assert "1 träff för ”buskörning”" in resident.get(URL, {"q": "buskörning"}).content.decode()


@pytest.fixture
def many_hits(umea):
    """45 activities about the same thing: three pages of 20."""
    period = make_period(municipality=umea)
    focus_area = make_focus_area(period)
    return [make_activity(focus_area, text=f"Insats {n} mot klotter.") for n in range(45)]


def test_pagination_pages_through_all_hits(resident, many_hits):
    seen = []
    for number in (1, 2, 3):
        response = resident.get(URL, {"q": "klotter", "sida": number, "kommun": "umea"})
        page = response.context["page"]
        assert page.number == number
        seen += _urls(response)
    assert len(seen) == len(set(seen)) == 45
    content = resident.get(URL, {"q": "klotter", "sida": 2, "kommun": "umea"}).content.decode()
    assert "Sida 2 av 3" in content
    assert 'href="?q=klotter&amp;kommun=umea&amp;sida=3"' in content
    assert 'href="?q=klotter&amp;kommun=umea&amp;sida=1"' in content
    assert '<ol class="search-results" start="21">' in content


@pytest.mark.parametrize(
    ("requested", "served"), [("99", 3), ("-1", 3), ("0", 3), ("abc", 1), ("2.5", 1), ("9" * 400, 3)]
)
def test_a_page_that_does_not_exist_shows_another_and_says_so(resident, many_hits, requested, served):
    response = resident.get(URL, {"q": "klotter", "sida": requested})

    assert response.status_code == 200
    assert response.context["page"].number == served
    assert "Sidan du bad om finns inte" in response.content.decode()


def test_links_to_other_pages_carry_only_the_cleaned_query(resident, many_hits):
    response = resident.get(URL, {"q": "  klotter\x00 ", "extra": "<x>", "typ": "loften"})

    assert 'href="?q=klotter&amp;typ=loften&amp;sida=2"' in response.content.decode()


def test_search_results_are_not_indexed_by_search_engines(resident, umea):
    assert '<meta name="robots" content="noindex, follow">' in resident.get(URL, {"q": "x"}).content.decode()
    assert 'name="robots"' not in resident.get(URL).content.decode()


# --- English, the header search box ----------------------------------------------------------------------------


def test_search_works_in_english(resident, umea):
    make_period(municipality=umea, preamble="Vi arbetar mot klotter.")

    response = resident.get("/en/sok/", {"q": "klotter"})

    assert response.status_code == 200
    content = response.content.decode()
    assert _urls(response) == ["/en/umea/2023-2025/"]
    assert 'lang="sv"' in content  # the Swedish excerpt is marked as Swedish on the English page
    assert 'action="/en/sok/"' in content


def test_english_page_shows_an_english_title_where_one_is_written(resident, umea):
    period = make_period(municipality=umea)
    make_activity(make_focus_area(period), title="Mopeder", title_en="Mopeds <b>", text="Kontroll av mopeder.")

    response = resident.get("/en/sok/", {"q": "mopeder"})

    hit = _hits(response)[0]
    assert (hit.title, hit.title_lang) == ("Mopeds &lt;b&gt;", "en")
    assert f'<a href="{hit.url}">Mopeds &lt;b&gt;</a>' in response.content.decode()
    assert _hits(resident.get(URL, {"q": "mopeder"}))[0].title == "<mark>Mopeder</mark>"


def test_every_page_has_the_search_box_in_the_header(resident, umea):
    for path in ("/", f"/{umea.slug}/", "/en/"):
        content = resident.get(path).content.decode()
        assert 'class="header-search" role="search"' in content, path
        assert '<label for="header-search-q" class="visually-hidden">' in content, path
    assert 'action="/en/sok/"' in resident.get("/en/").content.decode()
    assert 'action="/sok/"' in resident.get("/").content.decode()


# --- Query budget --------------------------------------------------------------------------------------------


def _nation(size):
    """`size` kommuner, each with a period, an activity, a follow-up, a report and a dialogue about ”trafik”, in
    its own year, so that the first page holds every kind of hit whatever the size. The dialogues are still to
    come: past ones are listed after everything else (test_past_dialogues_come_after_promises)."""
    for index in range(size):
        year = 2015 + index
        municipality = make_municipality()
        period = make_period(
            municipality=municipality, start_year=year, end_year=year, preamble="Arbetet mot trafik fortsätter."
        )
        activity = make_activity(make_focus_area(period), text="Kontroller av trafik.")
        follow_up = make_follow_up(period, year=year, summary="Mycket trafik i år.")
        make_report(follow_up, activity, done="Kontroller av trafik gjordes.")
        make_dialogue(municipality=municipality, starts_at=stockholm(year + 20, 5, 1, 18), heard="Trafik vid skolan.")


@pytest.mark.parametrize("size", [3, 12])
def test_query_count_does_not_grow_with_data(resident, db, django_assert_num_queries, size):
    _nation(size)
    # kommuner for the filter, the ordered keys and their count, then one query per kind on the page.
    with django_assert_num_queries(7):
        response = resident.get(URL, {"q": "trafik"})
    assert response.context["page"].paginator.count == 5 * size
    assert {hit.kind for hit in _hits(response)} == {1, 2, 3, 4, 5}
    # Page 2 (when there is one) holds fewer kinds: two queries and one per kind on it, whatever the size.
    with CaptureQueriesContext(connection) as queries:
        response = resident.get(URL, {"q": "trafik", "sida": "2"})
    assert len(queries) == 2 + len({hit.kind for hit in _hits(response)})


def test_query_count_with_no_hits(resident, db, django_assert_num_queries):
    _nation(3)
    with django_assert_num_queries(2):  # kommuner, the (no) keys
        response = resident.get(URL, {"q": "xylofon"})
    assert response.context["page"].paginator.count == 0


def test_draft_period_follow_up_published_date_is_irrelevant(resident, umea):
    """A published follow-up of a draft period has a publication date, yet stays hidden."""
    draft = make_period(municipality=umea, published=False)
    follow_up = make_follow_up(draft, summary="cyklistolyckor", published_on=datetime.date(2024, 2, 1))
    assert follow_up.publication == Publication.PUBLISHED

    assert _urls(resident.get(URL, {"q": "cyklistolyckor"})) == []


def test_a_search_with_more_hits_than_can_be_paged_says_how_many_and_shows_the_best(resident, many_hits, monkeypatch):
    monkeypatch.setattr("promises.search.MAX_RESULTS", 30)

    response = resident.get(URL, {"q": "klotter", "sida": "9"})

    page = response.context["page"]
    assert page.paginator.count == 30 and page.paginator.num_pages == 2 and page.number == 2
    assert len(_urls(response)) == 10
    content = response.content.decode()
    assert "45 träffar för ”klotter”" in content
    assert "Här visas de 30 bästa träffarna." in content
