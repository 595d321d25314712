"""What a shared link and the embeddable status box say about a kommun, a period or a yearly follow-up.

A `ShareCard` holds the texts (in the active language) that the Open Graph tags, the server-made share image
(promises/share_image.py) and the status box on a kommun's own website (municipality_embed) show. It is built from
objects the pages have already loaded (a period through annotate_period, a follow-up's focus areas through
follow_up_focus_areas), so that adding it to a page costs no query.

The status summary counts the focus areas and the activities per status in one year: the latest year with a
published follow-up (a period, a kommun) or the follow-up's own year. Only published follow-ups are counted,
because only those reach the objects it is built from.
"""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.localized import localized
from promises.models import PeriodPhase, ReportStatus
from promises.timeline import YearState

# The order in which statuses are listed: the admin's order of the choices, then the areas and activities the year's
# follow-up says nothing about.
STATUS_ORDER = (*ReportStatus.values, YearState.NO_REPORT)

FOCUS_AREAS = "focus_areas"
ACTIVITIES = "activities"


def status_label(state):
    if state == YearState.NO_REPORT:
        return str(YearState.LABELS[YearState.NO_REPORT])
    return str(ReportStatus(state).label)


@dataclass(frozen=True)
class StatusCount:
    state: str  # a ReportStatus value, or YearState.NO_REPORT; also names its colour (status-<state> in CSS)
    label: str
    count: int


@dataclass(frozen=True)
class StatusGroup:
    kind: str  # FOCUS_AREAS or ACTIVITIES
    total: int
    counts: tuple  # of StatusCount, in STATUS_ORDER; empty when no follow-up is published

    def text(self):
        return ", ".join(f"{count.label} {count.count}" for count in self.counts)


def _group(kind, reports):
    """reports: one entry per focus area or activity, its report that year or None."""
    states = Counter(YearState.NO_REPORT if report is None else report.status for report in reports)
    counts = tuple(StatusCount(state, status_label(state), states[state]) for state in STATUS_ORDER if states[state])
    return StatusGroup(kind=kind, total=len(reports), counts=counts)


@dataclass(frozen=True)
class StatusSummary:
    year: int | None  # the follow-up year counted; None when the period has no published follow-up yet
    groups: tuple  # of StatusGroup: the focus areas, then the activities (left out when there are none)
    is_example: bool = False  # counted from an invented example follow-up (load_content --with-examples)

    def group_heading(self, group):
        if self.year is None:
            if group.kind == FOCUS_AREAS:
                return ngettext("%(count)s fokusområde", "%(count)s fokusområden", group.total) % {"count": group.total}
            return ngettext("%(count)s aktivitet", "%(count)s aktiviteter", group.total) % {"count": group.total}
        if group.kind == FOCUS_AREAS:
            return _("Fokusområdenas status %(year)s") % {"year": self.year}
        return _("Aktiviteternas status %(year)s") % {"year": self.year}

    @property
    def headed_groups(self):
        """(heading, group) pairs, for templates."""
        return [(self.group_heading(group), group) for group in self.groups]

    @property
    def nothing_yet(self):
        return _("Ingen uppföljning publicerad ännu.")

    def text(self):
        if self.year is None:
            return " ".join([self.nothing_yet, *(self.group_heading(group) + "." for group in self.groups)])
        return " ".join(f"{self.group_heading(group)}: {group.text()}." for group in self.groups)


def _summary(year, area_reports, activity_reports, *, is_example=False):
    groups = [_group(FOCUS_AREAS, area_reports)]
    if activity_reports:
        groups.append(_group(ACTIVITIES, activity_reports))
    return StatusSummary(year=year, groups=tuple(groups), is_example=is_example)


def period_summary(period):
    """The statuses of the latest published follow-up year of a period annotated by annotate_period."""
    focus_areas = list(period.focus_areas.all())
    reported = [index for index, cell in enumerate(period.year_cells) if cell.follow_up is not None]
    if not reported:
        activities = [
            activity for area in focus_areas for activity in [*area.signed_activities, *area.added_activities]
        ]
        return _summary(None, [None] * len(focus_areas), [None] * len(activities))
    index = reported[-1]
    cell = period.year_cells[index]
    area_reports = [area.timeline[index].report for area in focus_areas]
    activity_reports = [
        activity.timeline[index].report
        for area in focus_areas
        for activity in [*area.signed_activities, *area.added_activities]
        # Added after that year: not part of the promise followed up.
        if activity.timeline[index].state != YearState.NOT_ADDED
    ]
    return _summary(cell.year, area_reports, activity_reports, is_example=cell.is_example)


def follow_up_summary(follow_up, focus_areas):
    """The statuses of one follow-up, from follow_up_focus_areas (activities added after its year left out)."""
    area_reports = [area.report for area in focus_areas]
    activity_reports = [
        activity.report for area in focus_areas for activity in [*area.signed_activities, *area.added_activities]
    ]
    return _summary(follow_up.year, area_reports, activity_reports, is_example=follow_up.is_example)


def phase_text(period):
    """Where the period stands, as on its page (templates/includes/_phase_notice.html)."""
    years = period.years_label
    if period.current_phase == PeriodPhase.ENDED:
        return _("Löftena gällde %(years)s. Perioden avslutades %(end)s.") % {"years": years, "end": period.end_year}
    if period.current_phase == PeriodPhase.ONGOING:
        return _("Löftena gäller %(years)s.") % {"years": years}
    return _("Löftena börjar gälla %(years)s.") % {"years": years}


def missing_text(period):
    """The years that are over without a published follow-up: shown as missing, never silently left out."""
    missing = [str(cell.year) for cell in period.year_cells if cell.state == YearState.MISSING]
    if not missing:
        return ""
    return _("Uppföljning saknas för %(years)s.") % {"years": ", ".join(missing)}


def period_title(period):
    if period.title:
        return str(localized(period, "title"))
    return str(period.display_title)


@dataclass(frozen=True)
class ShareCard:
    page_title: str  # og:title: the page's own title
    kommun: str
    heading: str  # what the page is about, under the kommun's name
    phase: str = ""
    summary: StatusSummary | None = None
    note: str = ""  # years without a follow-up; or why there is nothing to count
    example: bool = False

    @property
    def description(self):
        """og:description and the image's text alternative: everything the image says, in one paragraph."""
        parts = [f"{self.kommun}. {self.heading.rstrip('.')}.", self.phase]
        if self.summary is not None:
            parts.append(self.summary.text())
        parts.append(self.note)
        if self.example:
            parts.append(example_text())
        return " ".join(part for part in parts if part)


def example_text():
    return _("Exempel: påhittad uppföljning för demonstration.")


def example_label():
    return _("Exempel")


def municipality_card(municipality, latest):
    """The kommun page's card; `latest` is its latest published period (annotated) or None."""
    name = municipality.official_name
    page_title = _("Medborgarlöften i %(name)s") % {"name": name}
    if latest is None:
        return ShareCard(page_title=page_title, kommun=name, heading=_("Inget medborgarlöfte publicerat ännu"))
    if latest.current_phase == PeriodPhase.ENDED:
        heading = _("Senaste medborgarlöftet: %(years)s") % {"years": latest.years_label}
    else:
        heading = _("Medborgarlöftet %(years)s") % {"years": latest.years_label}
    summary = period_summary(latest)
    return ShareCard(
        page_title=page_title,
        kommun=name,
        heading=heading,
        phase=phase_text(latest),
        summary=summary,
        note=missing_text(latest),
        example=summary.is_example,
    )


def period_card(period):
    """The period page's card; the period annotated by annotate_period."""
    title = period_title(period)
    name = period.municipality.official_name
    summary = period_summary(period)
    return ShareCard(
        page_title=_("%(title)s, %(name)s") % {"title": title, "name": name},
        kommun=name,
        heading=title,
        phase=phase_text(period),
        summary=summary,
        note=missing_text(period),
        example=summary.is_example,
    )


def follow_up_card(follow_up, focus_areas):
    period = follow_up.period
    name = period.municipality.official_name
    heading = _("Uppföljning %(year)s av medborgarlöftena %(years)s") % {
        "year": follow_up.year,
        "years": period.years_label,
    }
    summary = follow_up_summary(follow_up, focus_areas)
    return ShareCard(
        page_title=_("Uppföljning %(year)s av medborgarlöftena %(years)s, %(name)s")
        % {"year": follow_up.year, "years": period.years_label, "name": name},
        kommun=name,
        heading=heading,
        summary=summary,
        example=follow_up.is_example,
    )
