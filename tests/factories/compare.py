"""Helpers for the pages across kommuner (themes and the national overview): kommuner with themed periods."""

import datetime

from django.utils import timezone

from promises.models import Publication
from tests.factories import (
    make_activity,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_period,
    make_police_area,
    make_report,
)


def this_year():
    return timezone.localdate().year


def make_themed_period(
    *, theme, municipality=None, start_year=None, end_year=None, activities=2, published=True, **fields
):
    """A period with one focus area in `theme` holding `activities` activities; returns (period, activities)."""
    if municipality is None:
        municipality = make_municipality()
    start_year = this_year() if start_year is None else start_year
    end_year = start_year + 1 if end_year is None else end_year
    period = make_period(
        municipality=municipality, start_year=start_year, end_year=end_year, published=published, **fields
    )
    focus_area = make_focus_area(period, title=f"{theme.name} i {municipality.name}", theme=theme)
    return period, [make_activity(focus_area, title=f"Aktivitet {n}") for n in range(1, activities + 1)]


def make_kommuner_with_follow_ups(count, *, theme, police_area=None, activities=5):
    """`count` kommuner, each with a period in force this year in `theme` and published follow-ups of the two
    years before it (one in time, one late), so that every figure on the pages has rows behind it."""
    police_area = police_area or make_police_area()
    year = this_year()
    for n in range(count):
        municipality = make_municipality(police_area=police_area, county=f"Län {n % 3}")
        make_themed_period(theme=theme, municipality=municipality, start_year=year, end_year=year + 1)
        earlier, earlier_activities = make_themed_period(
            theme=theme, municipality=municipality, start_year=year - 3, end_year=year - 1, activities=activities
        )
        for follow_up_year, published_on in ((year - 3, None), (year - 2, datetime.date(year, 6, 1))):
            follow_up = make_follow_up(
                earlier, year=follow_up_year, **({"published_on": published_on} if published_on else {})
            )
            for activity in earlier_activities:
                make_report(follow_up, activity)
        make_follow_up(earlier, year=year - 1, published=False, publication=Publication.DRAFT)
