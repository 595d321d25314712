"""/<kommun>/<start>-<end>/uppfoljning/<year>/: one published yearly follow-up, focus area by focus area, each
with its own report and the activities under it with theirs."""

import datetime

import pytest

from promises.models import ReportStatus
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db


def test_follow_up_page_shows_every_activity_and_its_report(resident):
    period = make_period(start_year=2021, end_year=2022)
    focus_area = make_focus_area(period, title="Trygg trafikmiljö")
    reported = make_activity(focus_area, title="Mopeder och A-traktorer")
    unreported = make_activity(focus_area, title="Kampanjer och trafikutbildning")
    follow_up = make_follow_up(period, year=2021, summary="Året präglades av samverkan.")
    make_report(
        follow_up,
        reported,
        status=ReportStatus.STOPPED,
        reason="Insatsen ersattes.",
        count=3,
        count_label="insatser",
    )

    response = resident.get(follow_up.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Uppföljning 2021 av medborgarlöftena 2021–2022" in content
    assert "Året präglades av samverkan." in content
    assert reported.title in content and "Avbruten" in content and "Insatsen ersattes." in content
    assert "3</strong> insatser" in content
    assert unreported.title in content and "Ingen rapport" in content


def focus_area_section(content, focus_area):
    """The page's section of one focus area, up to the next one."""
    start = content.index(f'id="focus-area-{focus_area.pk}"')
    end = content.find('<section class="focus-area"', start)
    return content[start : end if end != -1 else None]


def test_every_focus_area_shows_its_report_even_without_activities(resident):
    period = make_period(start_year=2023, end_year=2025)
    drugs = make_focus_area(period, title="Droger")
    traffic = make_focus_area(period, title="Trafik")
    follow_up = make_follow_up(period, year=2023)
    make_area_report(
        follow_up,
        drugs,
        status=ReportStatus.DONE,
        done="Föräldravandringar på helgerna.",
        count=14,
        count_label="föräldravandringar",
        evidence_url="https://example.org/droger-2023",
    )
    make_area_report(
        follow_up, traffic, status=ReportStatus.DELAYED, done="Två kontroller.", reason="Vakanser i trafikgruppen."
    )

    content = resident.get(follow_up.get_absolute_url()).content.decode()

    drugs_part = focus_area_section(content, drugs)
    assert "Områdets status 2023:" in drugs_part and "Genomförd" in drugs_part
    assert "Föräldravandringar på helgerna." in drugs_part
    assert "<strong>14</strong> föräldravandringar" in drugs_part
    assert 'href="https://example.org/droger-2023"' in drugs_part
    traffic_part = focus_area_section(content, traffic)
    assert "Försenad" in traffic_part and "Skäl:" in traffic_part and "Vakanser i trafikgruppen." in traffic_part
    # An area without enumerated activities is followed up as a whole, not reduced to "no activities".
    assert "räknar inte upp några enskilda aktiviteter" not in content
    assert "Området följs upp som helhet" in drugs_part


def test_focus_area_overview_lists_every_area_with_its_status(resident):
    period = make_period(start_year=2023, end_year=2025)
    reported = make_focus_area(period, title="Otrygga platser")
    silent = make_focus_area(period, title="Ekonomisk brottslighet")
    follow_up = make_follow_up(period, year=2024)
    make_area_report(follow_up, reported, status=ReportStatus.RENEGOTIATED, reason="Ny lägesbild.")

    content = resident.get(follow_up.get_absolute_url()).content.decode()

    overview = content[
        content.index('id="omraden-i-korthet"') : content.index("</nav>", content.index("omraden-i-korthet"))
    ]
    assert f'href="#focus-area-{reported.pk}"' in overview and "Omförhandlad" in overview
    assert f'href="#focus-area-{silent.pk}"' in overview and "Ingen rapport" in overview
    assert "Uppföljningen säger inget om området som helhet." in focus_area_section(content, silent)


def test_activities_follow_their_area_report_each_with_its_own(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period, title="Kapabla väktare på landsbygden")
    activity = make_activity(focus_area, title="Utbildning av lokala aktörer")
    follow_up = make_follow_up(period, year=2023)
    make_area_report(follow_up, focus_area, done="Området som helhet: projektet startade.")
    make_report(follow_up, activity, status=ReportStatus.PARTLY_DONE, done="Två av fyra utbildningar hölls.")

    part = focus_area_section(resident.get(follow_up.get_absolute_url()).content.decode(), focus_area)

    assert part.index("Området som helhet: projektet startade.") < part.index("Aktiviteter i löftet")
    assert part.index("Aktiviteter i löftet") < part.index("Utbildning av lokala aktörer")
    assert "Delvis genomförd" in part and "Två av fyra utbildningar hölls." in part


def test_activities_added_after_signing_are_listed_apart_and_labelled_with_their_date(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period, title="Droger")
    signed = make_activity(focus_area, title="Föräldravandringar", order=1)
    added = make_activity(
        focus_area, title="Drogsnack i skolan", order=2, added_after_signing=True, added_on=datetime.date(2024, 3, 5)
    )
    follow_up = make_follow_up(period, year=2024)
    make_area_report(follow_up, focus_area)
    make_report(follow_up, signed)
    make_report(follow_up, added, status=ReportStatus.IN_PROGRESS, done="Tre skolor besökta.")

    part = focus_area_section(resident.get(follow_up.get_absolute_url()).content.decode(), focus_area)

    signed_part, added_part = part.split("Tillagda efter undertecknandet</h3>")
    assert "Föräldravandringar" in signed_part and "Drogsnack i skolan" not in signed_part
    assert "Drogsnack i skolan" in added_part and "Tre skolor besökta." in added_part
    assert "Tillagd efter undertecknandet 5 mars 2024" in added_part
    assert "ingår inte i det undertecknade medborgarlöftet" in added_part


def test_an_activity_added_after_the_year_is_not_listed_in_that_years_follow_up(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period)
    make_activity(focus_area, title="Drogsnack i skolan", added_after_signing=True, added_on=datetime.date(2024, 3, 5))
    earlier, later = make_follow_up(period, year=2023), make_follow_up(period, year=2024)

    assert "Drogsnack i skolan" not in resident.get(earlier.get_absolute_url()).content.decode()
    assert "Drogsnack i skolan" in resident.get(later.get_absolute_url()).content.decode()


def test_example_follow_up_labels_area_reports_as_examples(resident):
    period = make_period(start_year=2023, end_year=2025)
    focus_area = make_focus_area(period, title="Trafik")
    follow_up = make_follow_up(period, year=2023, is_example=True)
    make_area_report(follow_up, focus_area)

    content = resident.get(follow_up.get_absolute_url()).content.decode()

    assert "Exempel." in content
    assert "badge-example" in focus_area_section(content, focus_area)


def test_draft_follow_up_is_404(resident):
    follow_up = make_follow_up(make_period(), published=False)
    assert resident.get(follow_up.get_absolute_url()).status_code == 404


def test_follow_up_of_draft_period_is_404(resident):
    follow_up = make_follow_up(make_period(published=False))
    assert resident.get(follow_up.get_absolute_url()).status_code == 404


def test_missing_year_is_404(resident):
    period = make_period(start_year=2023, end_year=2025)
    assert resident.get(f"{period.get_absolute_url()}uppfoljning/2024/").status_code == 404
    assert resident.get(f"{period.get_absolute_url()}uppfoljning/99999/").status_code == 404


def test_example_follow_up_is_labelled(resident):
    follow_up = make_follow_up(make_period(), is_example=True)
    content = resident.get(follow_up.get_absolute_url()).content.decode()
    assert "Exempel." in content


@pytest.mark.parametrize("size", [(1, 1, 0), (5, 6, 3)])
def test_follow_up_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities, added = size
    period = make_full_period(focus_areas=focus_areas, activities=activities, follow_up_years=(2023,))
    follow_up = period.follow_ups.get()
    for focus_area in period.focus_areas.all():
        for _ in range(added):
            activity = make_activity(focus_area, added_after_signing=True, added_on=datetime.date(2023, 6, 1))
            make_report(follow_up, activity)
    # follow-up with its period and kommun, its activity reports, its area reports, focus areas, activities, their
    # parties.
    with django_assert_num_queries(6):
        response = resident.get(follow_up.get_absolute_url())
    assert response.status_code == 200
