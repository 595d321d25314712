"""/oversikt/: which kommuner have a promise in force, how many address each theme, and the share of
focus-area-years followed up in time (the definition is in promises/overview.py; the hand-computed cases are here)."""

import datetime
import re

import pytest

from promises import overview
from promises.models import ReportStatus
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_period,
    make_police_area,
    make_report,
    make_theme,
)
from tests.factories.compare import (
    make_kommuner_with_follow_ups,
    make_themed_period,
    this_year,
)

pytestmark = pytest.mark.django_db

URL = "/oversikt/"


def make_period_with_areas(municipality, *, start_year, end_year, areas, published=True):
    period = make_period(municipality=municipality, start_year=start_year, end_year=end_year, published=published)
    return period, [make_focus_area(period) for _ in range(areas)]


def row_of(content, name):
    """The table row of one kommun, its cells' text."""
    match = re.search(rf'<tr>\s*<th scope="row"><a href="[^"]+">{name}</a></th>(.*?)</tr>', content, re.S)
    assert match, f"no row for {name}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


# --- Which years count ---


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (datetime.date(2026, 3, 31), [2022, 2023, 2024]),  # 2025's follow-up may still be published today
        (datetime.date(2026, 4, 1), [2023, 2024, 2025]),  # from today it is late
        (datetime.date(2026, 12, 31), [2023, 2024, 2025]),  # 2026 has not ended
        (datetime.date(2017, 6, 1), [2015, 2016]),  # nothing before medborgarlöften began
    ],
)
def test_compared_years_are_the_three_latest_whose_deadline_has_passed(today, years):
    assert overview.compared_years(today=today) == years


def test_deadline_is_31_march_the_year_after():
    assert overview.follow_up_deadline(2024) == datetime.date(2025, 3, 31)


# --- Followed up in time: hand-computed cases ---


def test_in_time_late_and_missing_are_counted_per_focus_area_year():
    # One period over the three compared years, two focus areas: six focus-area-years.
    kommun = make_municipality()
    period, (first, second) = make_period_with_areas(kommun, start_year=2023, end_year=2025, areas=2)
    activities = [make_activity(first), make_activity(first)]
    # 2023: published on the deadline itself. The first area through its two activities' reports (counted once),
    # the second through its own report, whatever its status: 2 in time.
    on_deadline = make_follow_up(period, year=2023, published_on=datetime.date(2024, 3, 31))
    for activity in activities:
        make_report(on_deadline, activity)
    make_area_report(on_deadline, second, status=ReportStatus.NOT_STARTED)
    # 2024: published the day after; the first area reported, the second's report left empty: 1 late, 1 missing.
    late = make_follow_up(period, year=2024, published_on=datetime.date(2025, 4, 1))
    make_area_report(late, first)
    make_area_report(late, second, done="")
    # 2025: no follow-up: 2 missing.

    figures = overview.follow_up_figures(years=[2023, 2024, 2025])[kommun.pk]

    assert (figures.due, figures.in_time, figures.late, figures.missing, figures.examples) == (6, 2, 1, 3, 0)
    assert figures.share_in_time == 33  # 2 / 6


def test_a_focus_area_counts_once_a_year_however_many_activities_it_has():
    kommun = make_municipality()
    period, (focus_area,) = make_period_with_areas(kommun, start_year=2025, end_year=2025, areas=1)
    follow_up = make_follow_up(period, year=2025, published_on=datetime.date(2026, 1, 10))
    make_area_report(follow_up, focus_area)
    for _ in range(5):
        make_report(follow_up, make_activity(focus_area))

    figures = overview.follow_up_figures(years=[2023, 2024, 2025])[kommun.pk]

    assert (figures.due, figures.in_time, figures.late, figures.missing) == (1, 1, 0, 0)


def test_example_follow_ups_are_left_out_of_the_figures_and_counted_apart():
    kommun = make_municipality()
    period, (focus_area,) = make_period_with_areas(kommun, start_year=2023, end_year=2025, areas=1)
    # 2023: an invented example, published in time: neither in time nor missing.
    make_area_report(
        make_follow_up(period, year=2023, is_example=True, published_on=datetime.date(2024, 2, 1)), focus_area
    )
    # 2024: a draft with a report: missing (drafts never count).
    make_area_report(make_follow_up(period, year=2024, published=False), focus_area)
    # 2025: real and in time.
    make_area_report(make_follow_up(period, year=2025, published_on=datetime.date(2026, 1, 10)), focus_area)

    figures = overview.follow_up_figures(years=[2023, 2024, 2025])[kommun.pk]

    assert (figures.due, figures.in_time, figures.late, figures.missing, figures.examples) == (2, 1, 0, 1, 1)
    assert figures.share_in_time == 50


def test_an_example_follow_up_without_a_report_still_leaves_the_year_out():
    kommun = make_municipality()
    period, _ = make_period_with_areas(kommun, start_year=2025, end_year=2025, areas=3)
    make_follow_up(period, year=2025, is_example=True)

    figures = overview.follow_up_figures(years=[2023, 2024, 2025])[kommun.pk]

    assert (figures.due, figures.examples, figures.share_in_time) == (0, 3, None)


def test_only_compared_years_and_published_periods_count():
    kommun = make_municipality()
    # 2021–2023: only 2023 is compared; its 2022 follow-up (outside) is not counted.
    older, (focus_area,) = make_period_with_areas(kommun, start_year=2021, end_year=2023, areas=1)
    make_area_report(make_follow_up(older, year=2022), focus_area)
    make_area_report(make_follow_up(older, year=2023, published_on=datetime.date(2024, 5, 1)), focus_area)
    # A draft period with published-looking follow-ups: nothing counts.
    draft, (draft_area,) = make_period_with_areas(kommun, start_year=2024, end_year=2025, areas=1, published=False)
    make_area_report(make_follow_up(draft, year=2024), draft_area)
    other = make_municipality()
    make_period_with_areas(other, start_year=2026, end_year=2027, areas=4)  # not due yet

    figures = overview.follow_up_figures(years=[2023, 2024, 2025])

    assert (figures[kommun.pk].due, figures[kommun.pk].in_time, figures[kommun.pk].late) == (1, 0, 1)
    assert figures[kommun.pk].share_in_time == 0
    assert other.pk not in figures


def test_a_kommun_without_focus_areas_has_no_share():
    kommun = make_municipality()
    make_period(municipality=kommun, start_year=2023, end_year=2025)

    assert kommun.pk not in overview.follow_up_figures(years=[2023, 2024, 2025])
    assert overview.FollowUpFigures().share_in_time is None


def test_swedish_alphabetical_order_puts_a_ring_a_umlaut_and_o_umlaut_after_z():
    names = ["Örebro", "Älmhult", "Åre", "Zinkgruvan", "arvika", "Eskilstuna", "Étna"]
    assert sorted(names, key=overview.swedish_sort_key) == [
        "arvika",
        "Eskilstuna",
        "Étna",
        "Zinkgruvan",
        "Åre",
        "Älmhult",
        "Örebro",
    ]


# --- The page ---


def test_overview_lists_kommuner_by_county_and_police_area_with_promises_in_force(resident):
    year = this_year()
    area = make_police_area(name="Lokalpolisområde Umeå", region="Polisregion Nord")
    vindeln = make_municipality(name="Vindeln", slug="vindeln", county="Västerbottens län", police_area=area)
    umea = make_municipality(name="Umeå", slug="umea", county="Västerbottens län", police_area=area)
    make_municipality(name="Bjurholm", slug="bjurholm", county="Västerbottens län", police_area=area)
    make_municipality(name="Kiruna", slug="kiruna", county="Norrbottens län")
    make_period(municipality=vindeln, start_year=year - 1, end_year=year + 1)
    make_period(municipality=umea, start_year=year - 3, end_year=year - 1)
    make_period(municipality=umea, start_year=year, end_year=year + 1, published=False)

    response = resident.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Medborgarlöften i hela landet</h1>" in content
    assert f"1 av 4 kommuner har ett publicerat medborgarlöfte som gäller {year}." in content
    assert content.index("Norrbottens län") < content.index("Västerbottens län")
    assert "Lokalpolisområde Umeå" in content and "Polisregion Nord" in content
    assert row_of(content, "Vindeln")[0] == f"Ja, {year - 1}–{year + 1}"
    assert f'href="/vindeln/{year - 1}-{year + 1}/"' in content
    # Ended is never called current, and the draft in force is not public.
    assert row_of(content, "Umeå")[0] == f"Nej (senaste {year - 3}–{year - 1})"
    assert row_of(content, "Bjurholm")[0] == "Nej, inget publicerat"


def test_overview_shows_the_share_with_its_counts_and_the_definition(resident):
    today = datetime.date.today()
    years = overview.compared_years(today=today)
    kommun = make_municipality(name="Vindeln")
    period, (first, second) = make_period_with_areas(kommun, start_year=years[0], end_year=years[-1], areas=2)
    make_area_report(make_follow_up(period, year=years[0]), first)  # published 15 February the year after: in time
    late = make_follow_up(
        period, year=years[1], published_on=overview.follow_up_deadline(years[1]).replace(day=30, month=4)
    )
    make_area_report(late, first)
    make_area_report(late, second)

    content = resident.get(URL).content.decode()

    # 6 focus-area-years: 1 in time, 2 late, 3 missing.
    assert row_of(content, "Vindeln")[1:] == ["17&nbsp;%", "1", "2", "3"]
    assert "Uppföljt i tid: så räknar vi" in content
    assert "senast den 31 mars året efter" in content
    assert f"Vi räknar åren {years[0]}–{years[-1]}" in content
    assert f"I hela landet följdes 1 av 6 områdesår {years[0]}–{years[-1]} upp i tid (17&nbsp;%)." in content
    # No examples: no example column and no example notice.
    assert "Exempel, inte medräknade" not in content
    assert "badge-example" not in content


def test_overview_labels_example_figures_and_leaves_them_out(resident):
    years = overview.compared_years(today=datetime.date.today())
    kommun = make_municipality(name="Vindeln")
    period, (focus_area,) = make_period_with_areas(kommun, start_year=years[-1], end_year=years[-1], areas=1)
    make_area_report(make_follow_up(period, year=years[-1], is_example=True), focus_area)

    content = resident.get(URL).content.decode()

    assert "Exempel, inte medräknade" in content
    assert row_of(content, "Vindeln")[1:] == ["–inget att följa upp", "0", "0", "0", "1"]
    assert "1 områdesår har bara en påhittad exempeluppföljning." in content
    assert 'class="badge-example"' in content


def test_overview_counts_kommuner_per_theme_in_a_chart_and_a_table_with_the_same_numbers(resident):
    year = this_year()
    trafik = make_theme(name="Trafik", slug="trafik")
    droger = make_theme(name="Droger", slug="droger")
    for name in ("A-by", "B-by", "C-by"):
        make_themed_period(theme=trafik, municipality=make_municipality(name=name), start_year=year, end_year=year)
    make_themed_period(theme=droger, start_year=year - 2, end_year=year - 1)  # ended
    make_themed_period(theme=droger, start_year=year, end_year=year, published=False)  # draft

    content = resident.get(URL).content.decode()

    svg = content[content.index("<svg") : content.index("</svg>")]
    assert 'role="img"' in svg
    assert "antal kommuner av 3 med ett medborgarlöfte som gäller i år: Droger 0; Trafik 3." in svg
    assert 'width="100%" height="18"></rect>' in svg
    table = content[content.index("Antal kommuner per tema") :]
    assert re.search(r">Droger</a></th>\s*<td[^>]*>0</td>\s*<td[^>]*>1</td>", table)
    assert re.search(r">Trafik</a></th>\s*<td[^>]*>3</td>\s*<td[^>]*>3</td>", table)


def test_overview_without_promises_in_force_says_so_and_draws_no_chart(resident):
    make_themed_period(theme=make_theme(name="Trafik"), start_year=this_year() - 2, end_year=this_year() - 1)

    content = resident.get(URL).content.decode()

    assert "<svg" not in content
    assert f"Ingen kommun har ett publicerat medborgarlöfte som gäller {this_year()}" in content


def test_overview_is_a_comparison_not_a_ranking(resident):
    years = overview.compared_years(today=datetime.date.today())
    area = make_police_area()
    # Alphabetical whatever the figures: Åsele has everything in time, Arjeplog nothing.
    for name, published in (("Åsele", True), ("Arjeplog", False), ("Boden", True)):
        kommun = make_municipality(name=name, police_area=area, county="Norrbottens län")
        period, (focus_area,) = make_period_with_areas(kommun, start_year=years[-1], end_year=years[-1], areas=1)
        if published:
            make_area_report(make_follow_up(period, year=years[-1]), focus_area)

    content = resident.get(URL).content.decode()

    assert content.index(">Arjeplog</a>") < content.index(">Boden</a>") < content.index(">Åsele</a>")
    assert "rangordnar" in content  # the page says that it does not
    for word in ("bäst", "sämst", "topplista", "placering"):
        assert word not in content.lower()


def test_english_overview_returns_200_in_english(resident):
    make_kommuner_with_follow_ups(2, theme=make_theme(name="Trafik", name_en="Traffic"))

    response = resident.get("/en/oversikt/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Traffic" in content


@pytest.mark.parametrize("kommuner", [3, 12])
def test_overview_query_count_does_not_grow_with_kommuner(resident, django_assert_num_queries, kommuner):
    theme = make_theme(name="Trafik", slug="trafik")
    make_theme(name="Droger", slug="droger")
    make_kommuner_with_follow_ups(kommuner, theme=theme)
    make_kommuner_with_follow_ups(kommuner, theme=theme, police_area=make_police_area())
    # Kommuner with their police areas and promise years (subqueries); focus areas per period; example
    # follow-ups; area reports and activity reports (one row per follow-up and area); themes with their counts.
    with django_assert_num_queries(6):
        response = resident.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row"><a href="/testby-') == 2 * kommuner
