"""/<kommun>/<start>-<end>/uppfoljning/<year>/: one published yearly follow-up, activity by activity."""

import pytest

from promises.models import ReportStatus
from tests.factories import (
    make_activity,
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


@pytest.mark.parametrize("size", [(1, 1), (5, 6)])
def test_follow_up_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities = size
    period = make_full_period(focus_areas=focus_areas, activities=activities, follow_up_years=(2023,))
    follow_up = period.follow_ups.get()
    # follow-up with its period and kommun, its reports, focus areas, activities, their parties.
    with django_assert_num_queries(5):
        response = resident.get(follow_up.get_absolute_url())
    assert response.status_code == 200
