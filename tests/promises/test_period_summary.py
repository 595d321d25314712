"""prefetch_period_summary(): the kommun page's lighter load of its latest period leaves what with_content() leaves
for everything the summary reads, so the kommun page, its status box and its share image say the same."""

import datetime

import pytest
from django.utils import timezone

from promises.models import PromisePeriod, ReportStatus, prefetch_period_summary
from promises.sharing import municipality_card
from promises.timeline import annotate_period
from tests.factories import make_activity, make_follow_up, make_full_period, make_report

pytestmark = pytest.mark.django_db


def _picture(period):
    """What the summary shows of an annotated period: per area its activities, statuses and timelines."""
    return [
        (
            area.pk,
            area.latest and (area.latest.year, area.latest.label),
            [(cell.year, cell.state, cell.label) for cell in area.timeline],
            [
                (activity.pk, activity.latest and activity.latest.label, [cell.label for cell in activity.timeline])
                for activity in [*area.signed_activities, *area.added_activities]
            ],
        )
        for area in period.focus_areas.all()
    ] + [[follow_up.pk for follow_up in period.published_follow_ups]]


def test_summary_matches_with_content_and_reads_without_queries(django_assert_num_queries):
    period = make_full_period(focus_areas=3, activities=3, follow_up_years=(2023, 2024), start_year=2023, end_year=2026)
    focus_area = period.focus_areas.first()
    added = make_activity(focus_area, added_after_signing=True, added_on=datetime.date(2024, 3, 5))
    make_report(period.follow_ups.get(year=2024), added, status=ReportStatus.DELAYED, reason="Väntar på beslut")
    make_follow_up(period, year=2025, published=False)  # a draft follow-up shows nowhere
    today = timezone.localdate()
    full = annotate_period(period=PromisePeriod.objects.with_content().get(pk=period.pk), today=today)

    light = period.municipality.promise_periods.get(pk=period.pk)  # as the kommun page reads it
    with django_assert_num_queries(4):  # focus areas, activities, their published reports, published follow-ups
        prefetch_period_summary(light)
    with django_assert_num_queries(1):  # the focus areas' published reports
        annotate_period(period=light, today=today)
    with django_assert_num_queries(0):
        picture = _picture(light)
        card = municipality_card(period.municipality, light)
        light.get_absolute_url()

    assert picture == _picture(full)
    assert card == municipality_card(period.municipality, full)
    assert any(label == "Försenad" for area in picture[:-1] for _pk, label, _timeline in area[3])


def test_summary_of_a_period_without_focus_areas():
    period = make_full_period(focus_areas=0)

    light = annotate_period(period=prefetch_period_summary(period), today=timezone.localdate())

    assert list(light.focus_areas.all()) == [] and light.published_follow_ups == []
