"""/<kommun>/<start>-<end>/: one period in full, with each focus area's and each activity's status per year."""

import datetime

import pytest
from django.urls import reverse

from promises.models import Party, ReportStatus
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_party,
    make_period,
    make_report,
    make_signatory,
)

pytestmark = pytest.mark.django_db


def period_url(period):
    return reverse(
        "period_detail",
        kwargs={
            "municipality_slug": period.municipality.slug,
            "start_year": period.start_year,
            "end_year": period.end_year,
        },
    )


def test_period_page_shows_promises_parties_and_signatories(resident):
    period = make_period(start_year=2023, end_year=2025, signed_place="Umeå", signed_on=datetime.date(2023, 3, 3))
    kommun = make_party(period, name="Vindelns kommun", kind=Party.Kind.MUNICIPALITY, order=2)
    police = make_party(period, name="Lokalpolisområde Umeå", short_name="Polisen", kind=Party.Kind.POLICE, order=1)
    make_signatory(period, name="Mathias Haglund", title="Kommunstyrelsens ordförande", party=kommun)
    focus_area = make_focus_area(period, title="Trafik", description="Nollvisionen är det långsiktiga målet.")
    make_activity(
        focus_area,
        responsible=[police, kommun],
        text="Polisen lovar att genomföra trafikinsatser.",
        frequency="minst två tillfällen under året, vår och höst",
    )

    response = resident.get(period_url(period))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Trafik" in content
    assert "Nollvisionen är det långsiktiga målet." in content
    assert "Polisen lovar att genomföra trafikinsatser." in content
    assert "Polisen och Vindelns kommun" in content
    assert "minst två tillfällen under året, vår och höst" in content
    assert "Mathias Haglund" in content
    assert "3 mars 2023" in content
    assert "Umeå" in content


@pytest.mark.parametrize("url_years", [("2023", "2024"), ("2022", "2025")])
def test_unknown_period_is_404(resident, url_years):
    period = make_period(start_year=2023, end_year=2025)
    url = f"/{period.municipality.slug}/{url_years[0]}-{url_years[1]}/"
    response = resident.get(url)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


@pytest.mark.parametrize("path", ["99999999999999999999-1", "2023-20255", "abcd-efgh", "2023-", "0-0"])
def test_impossible_years_are_404_not_500(resident, path):
    municipality = make_municipality()
    response = resident.get(f"/{municipality.slug}/{path}/")
    assert response.status_code == 404


def test_draft_period_is_not_public(resident):
    period = make_period(published=False)
    assert resident.get(period_url(period)).status_code == 404


def test_period_of_another_kommun_is_404(resident):
    period = make_period()
    other = make_municipality()
    assert resident.get(f"/{other.slug}/{period.start_year}-{period.end_year}/").status_code == 404


def test_ended_period_is_not_called_current_and_missing_follow_up_is_shown(resident, settings):
    period = make_full_period(start_year=2021, end_year=2022, follow_up_years=[2021])

    content = resident.get(period_url(period)).content.decode()

    assert "Perioden avslutades 2022" in content
    assert "Löftena gäller" not in content
    assert "Uppföljning saknas" in content  # 2022 is over and has no published follow-up


def test_timeline_shows_each_year_status(resident):
    period = make_period(start_year=2021, end_year=2022)
    police = make_party(period, name="Lokalpolisområde Umeå", short_name="Polisen", kind=Party.Kind.POLICE)
    activity = make_activity(make_focus_area(period), responsible=[police], title="Grannsamverkan")
    make_report(make_follow_up(period, year=2021), activity, status=ReportStatus.DELAYED, reason="Brist på personal.")
    make_report(make_follow_up(period, year=2022), activity, status=ReportStatus.DONE, done="Tio nya grupper.")

    content = resident.get(period_url(period)).content.decode()

    assert "Försenad" in content
    assert "Brist på personal." in content
    assert "Genomförd" in content
    assert "Tio nya grupper." in content


def focus_area_section(content, focus_area):
    start = content.index(f'id="focus-area-{focus_area.pk}"')
    end = content.find('<section class="focus-area"', start)
    return content[start : end if end != -1 else None]


def test_each_focus_area_shows_its_status_per_year_from_its_area_reports(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period, title="Ekonomisk brottslighet")
    make_area_report(make_follow_up(period, year=2023), focus_area, status=ReportStatus.IN_PROGRESS, done="Kartlagt.")
    make_area_report(
        make_follow_up(period, year=2024),
        focus_area,
        status=ReportStatus.DELAYED,
        done="Lite.",
        reason="Sjukskrivningar.",
    )

    content = resident.get(period_url(period)).content.decode()

    part = focus_area_section(content, focus_area)
    assert "Områdets status per år" in part
    assert "Pågår" in part and "Försenad" in part
    assert "Vad som gjordes inom området 2024" in part and "Sjukskrivningar." in part
    assert "Uppföljning saknas" in part  # 2025 is over and has no follow-up
    # The year overview's table: one row per area, one column per year.
    table = content[content.index('class="table table-sm area-status-table"') :]
    table = table[: table.index("</table>")]
    assert "Fokusområdenas status per år" in table
    assert '<th scope="row">Ekonomisk brottslighet</th>' in table
    assert table.count('<th scope="col">') == 4  # the area and three years


def test_area_without_activities_is_followed_up_as_a_whole(resident):
    period = make_period(start_year=2023, end_year=2025)
    make_focus_area(period, title="Trafik")

    content = resident.get(period_url(period)).content.decode()

    assert "Området följs upp som helhet varje år." in content
    assert "räknar inte upp några enskilda aktiviteter" not in content


def test_activities_added_after_signing_are_apart_from_the_signed_promise(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period, title="Droger")
    make_activity(focus_area, title="Föräldravandringar", text="Kommunen lovar föräldravandringar.", order=1)
    make_activity(
        focus_area,
        title="Drogsnack i skolan",
        text="Polisen besöker skolorna.",
        order=2,
        added_after_signing=True,
        added_on=datetime.date(2024, 3, 5),
    )

    part = focus_area_section(resident.get(period_url(period)).content.decode(), focus_area)

    signed_part, added_part = part.split('<div class="added-activities">')
    assert "Kommunen lovar föräldravandringar." in signed_part and "Polisen besöker skolorna." not in signed_part
    assert "Tillagda efter undertecknandet" in added_part and "Polisen besöker skolorna." in added_part
    assert "Tillagd efter undertecknandet 5 mars 2024" in added_part


def test_an_added_activity_is_not_held_to_the_years_before_it_was_added(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period)
    added = make_activity(focus_area, added_after_signing=True, added_on=datetime.date(2024, 3, 5))
    make_follow_up(period, year=2023)
    make_report(make_follow_up(period, year=2024), added, status=ReportStatus.IN_PROGRESS)

    content = resident.get(period_url(period)).content.decode()

    timeline = content[content.index(f'id="timeline-activity-{added.pk}"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert "Inte tillagd än" in timeline  # 2023
    assert "Pågår" in timeline  # 2024
    assert "Ingen rapport" not in timeline


def test_draft_follow_up_is_not_shown_on_period_page(resident):
    period = make_period(start_year=2021, end_year=2022)
    activity = make_activity(make_focus_area(period))
    make_report(make_follow_up(period, year=2021, published=False), activity, done="Hemlig utkasttext.")

    content = resident.get(period_url(period)).content.decode()

    assert "Hemlig utkasttext." not in content
    assert "Uppföljning saknas" in content


def test_example_follow_up_is_labelled(resident):
    period = make_period(start_year=2021, end_year=2022)
    activity = make_activity(make_focus_area(period))
    make_report(make_follow_up(period, year=2021, is_example=True), activity)

    content = resident.get(period_url(period)).content.decode()

    assert "Exempel." in content
    assert "påhittade" in content


def test_extension_links_to_the_extended_period(resident):
    municipality = make_municipality()
    earlier = make_period(municipality=municipality, start_year=2021, end_year=2022)
    later = make_period(
        municipality=municipality,
        start_year=2023,
        end_year=2024,
        extends=earlier,
        extension_note="Ett tillägg.",
    )

    later_content = resident.get(period_url(later)).content.decode()
    earlier_content = resident.get(period_url(earlier)).content.decode()

    assert "Förlänger medborgarlöftena 2021–2022" in later_content
    assert period_url(earlier) in later_content
    assert "Nästa period: 2023–2024" in earlier_content


def test_user_text_is_escaped(resident):
    period = make_period(preamble="<script>alert('x')</script>")
    make_focus_area(period, title="<b>Fet</b>")
    content = resident.get(period_url(period)).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content
    assert "<b>Fet</b>" not in content


@pytest.mark.parametrize("size", [(1, 1, (), 0), (5, 6, (2023, 2024, 2025), 2)])
def test_period_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities, years, added = size
    period = make_full_period(focus_areas=focus_areas, activities=activities, follow_up_years=years)
    for focus_area in period.focus_areas.all():
        for _ in range(added):
            make_activity(focus_area, added_after_signing=True, added_on=datetime.date(2024, 1, 10))
    url = period_url(period)
    # period, focus areas, activities, their parties, their published reports, parties, signatories,
    # published follow-ups, and the next period; the evidence chain (with_content(evidence=True)): the
    # activities' dialogues and places, the period's surveys, dialogues and places; the focus areas' themes (a
    # many-to-many since an area may carry several; the foreign key used to come in the focus areas' join) and
    # published reports (promises/timeline.py).
    with django_assert_num_queries(16):
        response = resident.get(url)
    assert response.status_code == 200


# --- Reading order (issue 16): the promise first; the lättläst and English summaries after it, linked from the top ---


def resident_html_positions(html, *markers):
    main = html.split('<main id="main"', 1)[1]
    positions = [main.index(marker) for marker in markers]
    return positions


def test_the_focus_areas_come_before_the_lattlast_and_english_summaries(resident):
    period = make_full_period(focus_areas=2, activities=1, easy_read="Polisen och kommunen har lovat dig saker.")

    html = resident.get(period_url(period)).content.decode()

    promises, easy_read, english, follow_up = resident_html_positions(
        html, '<h2 id="loften">', '<h2 id="lattlast">', '<h2 id="in-english">', '<h2 id="uppfoljning">'
    )
    assert promises < easy_read < english < follow_up
    last_focus_area = html.rindex('<section class="focus-area"')
    assert last_focus_area < html.index('<h2 id="lattlast">')


def test_links_near_the_top_lead_to_the_lattlast_and_english_summaries(resident):
    period = make_full_period(focus_areas=1, activities=1, easy_read="Polisen och kommunen har lovat dig saker.")

    html = resident.get(period_url(period)).content.decode()

    links, promises = resident_html_positions(html, '<ul class="reading-options">', '<h2 id="loften">')
    assert links < promises
    options = html.split('<ul class="reading-options">', 1)[1].split("</ul>", 1)[0]
    assert '<a href="#lattlast">Läs på lätt svenska</a>' in options
    assert '<a href="#in-english" lang="en">Summary in English</a>' in options


def test_english_summary_on_the_swedish_page_is_in_english_and_leads_to_the_english_page(resident):
    period = make_full_period(focus_areas=2, activities=1)

    html = resident.get(period_url(period)).content.decode()

    summary = html.split('<section aria-labelledby="in-english"', 1)[1].split("</section>", 1)[0]
    assert 'lang="en"' in summary.split(">", 1)[0]
    assert "It has 2 focus areas:" in summary
    assert "The promise is in Swedish only." in summary
    assert f'<a href="/en{period.get_absolute_url()}" hreflang="en">' in summary


def test_period_without_lattlast_links_only_to_the_english_summary(resident):
    period = make_full_period(focus_areas=1, activities=1)

    html = resident.get(period_url(period)).content.decode()

    options = html.split('<ul class="reading-options">', 1)[1].split("</ul>", 1)[0]
    assert "#lattlast" not in options and "#in-english" in options
    assert 'id="lattlast"' not in html


def test_signing_line_reads_as_the_document_writes_it(resident):
    period = make_full_period(focus_areas=1, activities=1, signed_place="Umeå", signed_on=datetime.date(2023, 3, 3))

    html = resident.get(period_url(period)).content.decode()

    assert '<p class="signing-line"><span>Umeå den 3 mars 2023</span></p>' in html
    assert "Umeå, 3 mars 2023" not in html
