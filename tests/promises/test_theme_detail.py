"""/teman/<tema>/: one theme across all kommuner, promises in force first, then upcoming, then ended."""

import datetime

import pytest
from django.urls import reverse

from promises.models import ReportStatus
from promises.overview import THEME_KOMMUNER_PER_PAGE
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_report,
    make_theme,
)
from tests.factories.compare import (
    make_kommuner_with_follow_ups,
    make_themed_period,
    this_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trafik():
    return make_theme(name="Trafik", slug="trafik", description="Arbetet för en säker och trygg trafikmiljö.")


def theme_url(theme):
    return reverse("theme_detail", kwargs={"slug": theme.slug})


def section(content, heading_id):
    start = content.index(f'<h2 id="{heading_id}">')
    end = content.find("</section>\n  </section>", start)
    end = content.find('<h2 id="', start + 1) if end == -1 else end
    return content[start:end]


def test_theme_page_shows_each_kommun_with_its_focus_areas_activities_and_period(resident, trafik):
    year = this_year()
    vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
    period, activities = make_themed_period(theme=trafik, municipality=vindeln, start_year=year, end_year=year + 1)
    activities[0].text = "Polisen lovar att genomföra trafikinsatser vid skolorna."
    activities[0].save()
    # A focus area of the same period in another theme is not this page's business.
    make_focus_area(period, title="Droger i Vindeln", theme=make_theme(name="Droger", slug="droger"))

    response = resident.get(theme_url(trafik))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Tema: Trafik" in content
    assert "Arbetet för en säker och trygg trafikmiljö." in content
    assert 'href="/vindeln/">Vindelns kommun</a>' in content
    assert "Trafik i Vindeln" in content
    assert "Polisen lovar att genomföra trafikinsatser vid skolorna." in content
    assert f"Medborgarlöftet {year}–{year + 1} gäller nu." in content
    assert f'href="/vindeln/{year}-{year + 1}/"' in content
    assert "Droger i Vindeln" not in content


def test_latest_published_status_of_each_activity_is_shown_and_drafts_are_not(resident, trafik):
    year = this_year()
    period, (first, second) = make_themed_period(theme=trafik, start_year=year - 2, end_year=year)
    published = make_follow_up(period, year=year - 2)
    make_report(published, first, status=ReportStatus.PARTLY_DONE)
    draft = make_follow_up(period, year=year - 1, published=False)
    make_report(draft, first, status=ReportStatus.STOPPED, reason="Utkastets skäl.")
    make_report(draft, second, status=ReportStatus.DONE)

    content = resident.get(theme_url(trafik)).content.decode()

    assert f"Senaste status ({year - 2}):" in content
    assert "Delvis genomförd" in content
    assert "Avbruten" not in content
    assert "Ingen publicerad uppföljning" in content  # the second activity: only the draft reports on it


def test_each_focus_area_shows_its_latest_status_and_added_activities_apart(resident, trafik):
    year = this_year()
    period, (activity, _) = make_themed_period(theme=trafik, start_year=year - 2, end_year=year)
    focus_area = activity.focus_area
    make_activity(
        focus_area, title="Hastighetskontroller", added_after_signing=True, added_on=datetime.date(year - 1, 5, 2)
    )
    make_area_report(
        make_follow_up(period, year=year - 2), focus_area, status=ReportStatus.RENEGOTIATED, reason="Ny plan."
    )

    content = resident.get(theme_url(trafik)).content.decode()

    assert f"Områdets senaste status ({year - 2}):" in content and "Omförhandlad" in content
    signed_part, added_part = content.split('<div class="added-activities">')
    assert "Hastighetskontroller" not in signed_part
    assert "Hastighetskontroller" in added_part
    assert f"Tillagd efter undertecknandet 2 maj {year - 1}" in added_part


def test_example_follow_ups_are_labelled(resident, trafik):
    year = this_year()
    period, (activity, _) = make_themed_period(theme=trafik, start_year=year - 1, end_year=year)
    make_report(make_follow_up(period, year=year - 1, is_example=True), activity)

    content = resident.get(theme_url(trafik)).content.decode()

    assert 'class="badge-example"' in content
    assert "är påhittade för att visa hur portalen fungerar" in content


def test_draft_periods_are_never_shown(resident, trafik):
    make_themed_period(theme=trafik, municipality=make_municipality(official_name="Utkastby kommun"), published=False)

    content = resident.get(theme_url(trafik)).content.decode()

    assert "Utkastby kommun" not in content
    assert "Inget publicerat medborgarlöfte har ännu något fokusområde inom temat." in content


def test_in_force_promises_come_first_then_upcoming_then_ended_and_ended_is_never_called_current(resident, trafik):
    year = this_year()
    make_themed_period(
        theme=trafik, municipality=make_municipality(official_name="Avslutad kommun"), start_year=year - 3,
        end_year=year - 1,
    )  # fmt: skip
    make_themed_period(
        theme=trafik, municipality=make_municipality(official_name="Kommande kommun"), start_year=year + 1,
        end_year=year + 2,
    )  # fmt: skip
    make_themed_period(
        theme=trafik, municipality=make_municipality(official_name="Pågående kommun"), start_year=year - 1,
        end_year=year + 1,
    )  # fmt: skip

    content = resident.get(theme_url(trafik)).content.decode()

    ongoing = content.index('id="pagar"')
    upcoming = content.index('id="kommande"')
    ended = content.index('id="avslutade"')
    assert ongoing < content.index("Pågående kommun") < upcoming < content.index("Kommande kommun") < ended
    assert ended < content.index("Avslutad kommun")
    assert f"Medborgarlöftet {year - 3}–{year - 1} har avslutats. Det gällde till och med {year - 1}." in content
    assert f"Medborgarlöftet {year + 1}–{year + 2} börjar gälla {year + 1}." in content
    ended_part = content[ended:]
    assert "gäller nu" not in ended_part
    assert f"1 kommun har ett medborgarlöfte inom temat som gäller {year}." in content


def test_a_kommun_is_shown_with_the_period_in_force_and_links_to_its_other_periods_in_the_theme(resident, trafik):
    year = this_year()
    umea = make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")
    make_themed_period(theme=trafik, municipality=umea, start_year=year - 4, end_year=year - 3)
    make_themed_period(theme=trafik, municipality=umea, start_year=year - 2, end_year=year)
    make_themed_period(theme=trafik, municipality=umea, start_year=year + 1, end_year=year + 2)

    content = resident.get(theme_url(trafik)).content.decode()

    assert content.count('<h3 id="kommun-umea">') == 1
    assert f"Medborgarlöftet {year - 2}–{year} gäller nu." in content
    assert "Andra medborgarlöften inom temat:" in content
    assert f'href="/umea/{year + 1}-{year + 2}/">{year + 1}–{year + 2}</a>' in content
    assert f'href="/umea/{year - 4}-{year - 3}/">{year - 4}–{year - 3}</a>' in content


def test_an_ended_kommun_is_shown_with_its_latest_period(resident, trafik):
    year = this_year()
    umea = make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")
    make_themed_period(theme=trafik, municipality=umea, start_year=year - 6, end_year=year - 5)
    make_themed_period(theme=trafik, municipality=umea, start_year=year - 3, end_year=year - 2)

    content = resident.get(theme_url(trafik)).content.decode()

    assert f"Medborgarlöftet {year - 3}–{year - 2} har avslutats." in content
    assert f'href="/umea/{year - 6}-{year - 5}/">{year - 6}–{year - 5}</a>' in content


def test_kommuner_are_in_swedish_alphabetical_order(resident, trafik):
    for name in ("Örebro", "Arvika", "Åre", "Älmhult", "Zinkgruvan"):
        make_themed_period(theme=trafik, municipality=make_municipality(name=name, official_name=f"{name} kommun"))

    content = resident.get(theme_url(trafik)).content.decode()

    positions = [
        content.index(f">{name} kommun</a></h3>") for name in ("Arvika", "Zinkgruvan", "Åre", "Älmhult", "Örebro")
    ]
    assert positions == sorted(positions)


def test_unknown_theme_is_a_404_with_a_helpful_swedish_message(resident, trafik):
    response = resident.get("/teman/finns-inte/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "Temat finns inte" in content
    assert "Det finns inget tema med adressen /teman/finns-inte/." in content
    assert '<a href="/teman/trafik/">Trafik</a>' in content
    assert f'href="{reverse("theme_list")}"' in content


def test_english_theme_page_returns_200_in_english(resident, trafik):
    trafik.name_en = "Traffic"
    trafik.save()
    _period, (activity, _) = make_themed_period(theme=trafik)
    activity.text_en = "The police promise traffic checks near schools."
    activity.save()

    response = resident.get(f"/en/teman/{trafik.slug}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Traffic" in content
    assert "The police promise traffic checks near schools." in content
    assert resident.get("/en/teman/finns-inte/").status_code == 404


# The larger count fills more than a page, so that both a full page and the kommuner past it are read.
@pytest.mark.parametrize("kommuner", [3, THEME_KOMMUNER_PER_PAGE + 5])
def test_theme_page_query_count_does_not_grow_with_kommuner(resident, django_assert_num_queries, trafik, kommuner):
    make_kommuner_with_follow_ups(kommuner, theme=trafik)
    url = theme_url(trafik)
    # The theme; its published periods (four columns each); then, for the one period shown per kommun: the
    # periods with their kommuner, the theme's focus areas, their activities, the activities' published
    # reports with their follow-ups, the focus areas' published area reports with their follow-ups, and the
    # periods' published follow-ups.
    with django_assert_num_queries(8):
        response = resident.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="theme-municipality"') == min(kommuner, THEME_KOMMUNER_PER_PAGE)


def entries(content):
    return content.count('class="theme-municipality"')


def test_kommuner_are_shown_a_page_at_a_time_in_force_first_with_links_to_every_page(resident, trafik):
    year = this_year()
    in_force = [f"Kommun {n:02}" for n in range(THEME_KOMMUNER_PER_PAGE + 2)]
    for name in in_force:
        make_themed_period(theme=trafik, municipality=make_municipality(name=name, official_name=name))
    for name in ("Avslutad A", "Avslutad B"):
        make_themed_period(
            theme=trafik, municipality=make_municipality(name=name, official_name=name), start_year=year - 3,
            end_year=year - 2,
        )  # fmt: skip

    first = resident.get(theme_url(trafik)).content.decode()
    second = resident.get(theme_url(trafik) + "?sida=2").content.decode()

    assert entries(first) == THEME_KOMMUNER_PER_PAGE
    assert entries(second) == 4
    # The figures count every kommun, not only this page's.
    assert f"{len(in_force)} kommuner har ett medborgarlöfte inom temat som gäller {year}." in first
    assert "Med kommande och avslutade löften är det 24 kommuner." in first
    assert f"De visas {THEME_KOMMUNER_PER_PAGE} åt gången, på 2 sidor." in first
    assert ">Kommun 00</a></h3>" in first and ">Kommun 21</a></h3>" in second
    assert 'id="avslutade"' not in first and 'id="avslutade"' in second
    assert second.index(">Kommun 21</a></h3>") < second.index('id="avslutade"') < second.index(">Avslutad A</a></h3>")
    # Each group is reachable from any page: the contents link to the page where it begins.
    for content in (first, second):
        assert 'href="?sida=1#pagar">Medborgarlöften som gäller nu</a> (22)' in content
        assert 'href="?sida=2#avslutade">Avslutade medborgarlöften</a> (2)' in content
    assert '<a href="?sida=1" aria-current="page">1</a>' in first
    assert '<a href="?sida=2">Nästa sida</a>' in first
    assert '<a href="?sida=2" aria-current="page">2</a>' in second
    assert '<a href="?sida=1">Föregående sida</a>' in second
    assert "<title>Tema: Trafik – sida 2 av 2" in second


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("inte-ett-tal", 1)])
def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_instead_of_an_error(resident, trafik, asked, shown):
    for n in range(THEME_KOMMUNER_PER_PAGE + 1):
        make_themed_period(theme=trafik, municipality=make_municipality(name=f"Kommun {n:02}"))

    response = resident.get(theme_url(trafik) + f"?sida={asked}")

    assert response.status_code == 200
    assert f'<a href="?sida={shown}" aria-current="page">{shown}</a>' in response.content.decode()


def test_a_theme_on_one_page_has_no_page_links(resident, trafik):
    make_themed_period(theme=trafik)

    content = resident.get(theme_url(trafik)).content.decode()

    assert 'class="theme-pages' not in content


def test_period_page_links_a_focus_areas_theme_to_the_theme_page(resident, trafik):
    period, _ = make_themed_period(theme=trafik)

    content = resident.get(period.get_absolute_url()).content.decode()

    assert 'Tema: <a href="/teman/trafik/">Trafik</a>' in content
