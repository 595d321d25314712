"""Integrity rules: each lives in the database as a named constraint and is mirrored in clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from portal.models import Municipality
from promises.models import (
    ActivityReport,
    FollowUp,
    PeriodPhase,
    PromisePeriod,
    Publication,
    ReportStatus,
)
from tests.factories import (
    make_activity,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_party,
    make_period,
    make_police_area,
    make_report,
    make_signatory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(save):
    # PostgreSQL refuses an over-long value before any constraint is checked (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        save()


def test_period_cannot_end_before_it_starts():
    period = make_period(start_year=2023, end_year=2025)
    period.end_year = 2022
    with pytest.raises(ValidationError, match="Sista året"):
        period.full_clean()
    assert_rejected_by_database(period.save)


@pytest.mark.parametrize("years", [(2014, 2015), (2023, 2101)])
def test_period_years_must_be_plausible(years):
    municipality = make_municipality()
    period = PromisePeriod(municipality=municipality, start_year=years[0], end_year=years[1])
    with pytest.raises(ValidationError):
        period.full_clean()
    assert_rejected_by_database(period.save)


def test_one_period_per_kommun_and_start_year():
    period = make_period(start_year=2023, end_year=2025)
    duplicate = PromisePeriod(municipality=period.municipality, start_year=2023, end_year=2024)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    assert_rejected_by_database(duplicate.save)


def test_overlapping_periods_are_refused_by_clean():
    period = make_period(start_year=2023, end_year=2025)
    overlapping = PromisePeriod(municipality=period.municipality, start_year=2024, end_year=2026)
    with pytest.raises(ValidationError, match="överlappar"):
        overlapping.full_clean()


def test_period_cannot_extend_itself_or_a_later_or_foreign_period():
    period = make_period(start_year=2021, end_year=2022)
    period.extends = period
    with pytest.raises(ValidationError, match="sig själv"):
        period.full_clean()
    assert_rejected_by_database(period.save)

    later = make_period(municipality=period.municipality, start_year=2023, end_year=2024)
    period.extends = later
    with pytest.raises(ValidationError, match="slutat innan"):
        period.full_clean()

    foreign = make_period(start_year=2019, end_year=2020)
    later.extends = foreign
    with pytest.raises(ValidationError, match="samma kommun"):
        later.full_clean()


def test_published_period_needs_a_publication_date():
    period = make_period(published=False)
    period.publication = Publication.PUBLISHED
    assert_rejected_by_database(period.save)


def test_follow_up_year_must_lie_within_the_period():
    period = make_period(start_year=2023, end_year=2025)
    follow_up = FollowUp(period=period, year=2026)
    with pytest.raises(ValidationError, match="inom perioden"):
        follow_up.full_clean()


def test_one_follow_up_per_period_and_year():
    follow_up = make_follow_up(make_period())
    assert_rejected_by_database(lambda: FollowUp.objects.create(period=follow_up.period, year=follow_up.year))


def test_published_follow_up_needs_a_publication_date():
    period = make_period()
    assert_rejected_by_database(
        lambda: FollowUp.objects.create(period=period, year=2023, publication=Publication.PUBLISHED)
    )


@pytest.mark.parametrize("status", [ReportStatus.DELAYED, ReportStatus.RENEGOTIATED, ReportStatus.STOPPED])
def test_report_status_that_needs_a_reason_cannot_be_saved_without_one(status):
    period = make_period()
    activity = make_activity(make_focus_area(period))
    report = ActivityReport(follow_up=make_follow_up(period), activity=activity, status=status, reason="  ")
    with pytest.raises(ValidationError, match="skäl"):
        report.full_clean()
    report.reason = ""
    assert_rejected_by_database(report.save)


def test_report_with_reason_is_accepted():
    period = make_period()
    activity = make_activity(make_focus_area(period))
    report = make_report(make_follow_up(period), activity, status=ReportStatus.DELAYED, reason="Personalbrist.")
    report.full_clean()


def test_one_report_per_activity_and_follow_up():
    period = make_period()
    activity = make_activity(make_focus_area(period))
    follow_up = make_follow_up(period)
    make_report(follow_up, activity)
    assert_rejected_by_database(lambda: make_report(follow_up, activity))


def test_report_must_concern_an_activity_of_the_same_period():
    period = make_period()
    other_activity = make_activity(make_focus_area(make_period()))
    report = ActivityReport(follow_up=make_follow_up(period), activity=other_activity, status=ReportStatus.DONE)
    with pytest.raises(ValidationError, match="inte till den här uppföljningens period"):
        report.full_clean()


def test_signatory_party_must_belong_to_the_same_period():
    period = make_period()
    foreign_party = make_party(make_period())
    signatory = make_signatory(period)
    signatory.party = foreign_party
    with pytest.raises(ValidationError, match="samma period"):
        signatory.full_clean()


def test_activity_needs_text():
    focus_area = make_focus_area(make_period())
    assert_rejected_by_database(lambda: make_activity(focus_area, text=""))


def test_activity_can_only_be_carried_over_from_an_earlier_period_of_the_same_kommun():
    earlier = make_period(start_year=2021, end_year=2022)
    later = make_period(municipality=earlier.municipality, start_year=2023, end_year=2024)
    origin = make_activity(make_focus_area(earlier))
    carried = make_activity(make_focus_area(later), carried_over_from=origin)
    carried.full_clean()

    backwards = make_activity(make_focus_area(earlier), carried_over_from=carried)
    with pytest.raises(ValidationError, match="tidigare period"):
        backwards.full_clean()


@pytest.mark.parametrize("code", ["240", "24044", "24a4"])
def test_kommunkod_is_four_digits(code):
    municipality = Municipality(
        name="X", official_name="X kommun", slug="x", code=code, county="Y", police_area=make_police_area()
    )
    with pytest.raises(ValidationError):
        municipality.full_clean()
    assert_rejected_by_database(municipality.save)


@pytest.mark.parametrize("slug", ["admin", "static", "sok"])
def test_kommun_slug_cannot_shadow_the_portals_own_pages(slug):
    municipality = Municipality(
        name="X", official_name="X kommun", slug=slug, code="9999", county="Y", police_area=make_police_area()
    )
    with pytest.raises(ValidationError, match="upptaget"):
        municipality.full_clean()
    assert_rejected_by_database(municipality.save)


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (datetime.date(2022, 12, 31), PeriodPhase.UPCOMING),
        (datetime.date(2023, 1, 1), PeriodPhase.ONGOING),
        (datetime.date(2025, 12, 31), PeriodPhase.ONGOING),
        (datetime.date(2026, 1, 1), PeriodPhase.ENDED),
    ],
)
def test_period_phase_follows_the_calendar(today, phase):
    assert make_period(start_year=2023, end_year=2025).phase(today) == phase


def test_published_querysets_exclude_drafts():
    published = make_period()
    make_period(published=False)
    assert list(PromisePeriod.objects.published()) == [published]
    make_follow_up(published, year=2023)
    make_follow_up(published, year=2024, published=False)
    assert [f.year for f in FollowUp.objects.published()] == [2023]
