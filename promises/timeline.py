"""The year-by-year picture of a period, built in Python from prefetched rows (never a query per cell).

A yearly follow-up of year Y is due once Y is over. Before that the year is shown as under way or upcoming;
after it, a follow-up that has not been published is shown as missing, never silently left out.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from promises.models import ActivityReport, FocusAreaReport, Publication


class YearState:
    REPORTED = "reported"
    NO_REPORT = "no_report"  # the year's follow-up is published but says nothing about this area or activity
    MISSING = "missing"  # the year is over and no follow-up has been published
    UNDER_WAY = "under_way"  # the current year: its follow-up is not due yet
    UPCOMING = "upcoming"
    NOT_ADDED = "not_added"  # an activity added after signing, in a year before it was added

    LABELS = {
        NO_REPORT: _("Ingen rapport"),
        MISSING: _("Uppföljning saknas"),
        UNDER_WAY: _("Året pågår"),
        UPCOMING: _("Kommande år"),
        NOT_ADDED: _("Inte tillagd än"),
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
            return self.report.status_label
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
    """The activity's status in every year of the period, from its prefetched published reports. An activity added
    after signing is not held to the years before it was added."""
    timeline = report_timeline(reports=activity.published_reports, year_cells=year_cells)
    if not activity.added_after_signing or activity.added_on is None:
        return timeline
    return [
        YearCell(year=cell.year, state=YearState.NOT_ADDED)
        if cell.report is None and cell.year < activity.added_on.year
        else cell
        for cell in timeline
    ]


def added_by(activity, year):
    """Whether the activity belongs to the promise in `year`: signed ones always, added ones from their year on."""
    return not activity.added_after_signing or activity.added_on is None or activity.added_on.year <= year


def report_timeline(*, reports, year_cells):
    """A focus area's or an activity's status in every year of the period, from its published reports (paired with
    the year cells' follow-ups by id, so a report's own follow-up need not be loaded)."""
    reports = {report.follow_up_id: report for report in reports}
    timeline = []
    for cell in year_cells:
        if cell.follow_up is None:
            timeline.append(cell)
            continue
        report = reports.get(cell.follow_up.pk)
        state = YearState.REPORTED if report is not None else YearState.NO_REPORT
        timeline.append(YearCell(year=cell.year, state=state, follow_up=cell.follow_up, report=report))
    return timeline


def latest_report(timeline):
    """The most recent cell that has a report, for the 'status now' column; None if never reported."""
    for cell in reversed(timeline):
        if cell.report is not None:
            return cell
    return None


def published_area_reports(*, period, follow_ups):
    """The area reports of the period's given published follow-ups, {focus area id: [report, …]}.

    Always one query (also without follow-ups, so that a page's query count does not depend on whether a year has
    been followed up); each report's follow-up is the given object, reached without a query.
    """
    by_id = {follow_up.pk: follow_up for follow_up in follow_ups}
    reports = {}
    published = FocusAreaReport.objects.filter(follow_up__period=period, follow_up__publication=Publication.PUBLISHED)
    for report in published.order_by():
        if report.follow_up_id in by_id:
            report.follow_up = by_id[report.follow_up_id]
            reports.setdefault(report.focus_area_id, []).append(report)
    return reports


def split_activities(focus_area, activities):
    """Set the focus area's `signed_activities` (the promise as signed) and `added_activities` (attached during
    the period): the added ones are shown apart, never mixed into the signed text."""
    focus_area.signed_activities = [activity for activity in activities if not activity.added_after_signing]
    focus_area.added_activities = sorted(
        (activity for activity in activities if activity.added_after_signing),
        key=lambda activity: (activity.added_on, activity.order, activity.pk),
    )


def annotate_period(*, period, today):
    """Attach `current_phase` and `year_cells` to a period loaded with_content(); to each focus area its
    `timeline` and `latest` (from its area reports, one query), `signed_activities` and `added_activities`; and
    `timeline` and `latest` to each of its activities."""
    period.current_phase = period.phase(today)
    period.year_cells = period_years(period=period, today=today)
    period.has_examples = any(cell.is_example for cell in period.year_cells)
    area_reports = published_area_reports(
        period=period, follow_ups=[cell.follow_up for cell in period.year_cells if cell.follow_up]
    )
    for focus_area in period.focus_areas.all():
        focus_area.timeline = report_timeline(reports=area_reports.get(focus_area.pk, ()), year_cells=period.year_cells)
        focus_area.latest = latest_report(focus_area.timeline)
        activities = list(focus_area.activities.all())
        for activity in activities:
            activity.timeline = activity_timeline(activity=activity, year_cells=period.year_cells)
            activity.latest = latest_report(activity.timeline)
        split_activities(focus_area, activities)
    return period


def follow_up_focus_areas(follow_up):
    """The period's focus areas, each carrying its area report of the year, its activities split into the signed
    ones and those added after signing, and each activity its own report (the preview uses it too).

    Four queries however large the period: activity reports, area reports, focus areas, activities with their
    parties.
    """
    reports = {report.activity_id: report for report in ActivityReport.objects.filter(follow_up=follow_up)}
    area_reports = {report.focus_area_id: report for report in FocusAreaReport.objects.filter(follow_up=follow_up)}
    focus_areas = list(follow_up.period.focus_areas.prefetch_related("activities__responsible"))
    for focus_area in focus_areas:
        focus_area.report = area_reports.get(focus_area.pk)
        activities = []
        for activity in focus_area.activities.all():
            activity.report = reports.get(activity.pk)
            # An activity added after the year followed up was not part of that year's promise.
            if activity.report is not None or added_by(activity, follow_up.year):
                activities.append(activity)
        split_activities(focus_area, activities)
    return focus_areas
