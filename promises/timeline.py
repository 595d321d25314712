"""The year-by-year picture of a period, built in Python from prefetched rows (never a query per cell).

A yearly follow-up of year Y is due once Y is over. Before that the year is shown as under way or upcoming;
after it, a follow-up that has not been published is shown as missing, never silently left out.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class YearState:
    REPORTED = "reported"
    NO_REPORT = "no_report"  # the year's follow-up is published but says nothing about this activity
    MISSING = "missing"  # the year is over and no follow-up has been published
    UNDER_WAY = "under_way"  # the current year: its follow-up is not due yet
    UPCOMING = "upcoming"

    LABELS = {
        NO_REPORT: _("Ingen rapport"),
        MISSING: _("Uppföljning saknas"),
        UNDER_WAY: _("Året pågår"),
        UPCOMING: _("Kommande år"),
    }


@dataclass(frozen=True)
class YearCell:
    year: int
    state: str
    follow_up: object = None
    report: object = None

    @property
    def label(self):
        if self.report is not None:
            return self.report.get_status_display()
        return YearState.LABELS[self.state]

    @property
    def css_state(self):
        return self.report.status if self.report is not None else self.state

    @property
    def is_example(self):
        return self.follow_up is not None and self.follow_up.is_example


def _empty_state(year, today_year):
    if year < today_year:
        return YearState.MISSING
    if year == today_year:
        return YearState.UNDER_WAY
    return YearState.UPCOMING


def period_years(*, period, today):
    """One cell per year of the period: its published follow-up, or why there is none."""
    by_year = {follow_up.year: follow_up for follow_up in period.published_follow_ups}
    cells = []
    for year in period.years:
        follow_up = by_year.get(year)
        if follow_up is not None:
            cells.append(YearCell(year=year, state=YearState.REPORTED, follow_up=follow_up))
        else:
            cells.append(YearCell(year=year, state=_empty_state(year, today.year)))
    return cells


def activity_timeline(*, activity, year_cells):
    """The activity's status in every year of the period, from its prefetched published reports."""
    reports = {report.follow_up.year: report for report in activity.published_reports}
    timeline = []
    for cell in year_cells:
        if cell.follow_up is None:
            timeline.append(cell)
            continue
        report = reports.get(cell.year)
        state = YearState.REPORTED if report is not None else YearState.NO_REPORT
        timeline.append(YearCell(year=cell.year, state=state, follow_up=cell.follow_up, report=report))
    return timeline


def latest_report(timeline):
    """The most recent cell that has a report, for the 'status now' column; None if never reported."""
    for cell in reversed(timeline):
        if cell.report is not None:
            return cell
    return None


def annotate_period(*, period, today):
    """Attach `current_phase` and `year_cells` to a period loaded with_content(), and `timeline` and `latest`
    to each of its activities."""
    period.current_phase = period.phase(today)
    period.year_cells = period_years(period=period, today=today)
    period.has_examples = any(cell.is_example for cell in period.year_cells)
    for focus_area in period.focus_areas.all():
        for activity in focus_area.activities.all():
            activity.timeline = activity_timeline(activity=activity, year_cells=period.year_cells)
            activity.latest = latest_report(activity.timeline)
    return period
