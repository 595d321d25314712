"""Figures across kommuner: the national themes, who has a promise in force, and yearly follow-up in time.

These pages compare kommuner; they do not rank them. Kommuner are listed alphabetically (Swedish order), and
nothing here sorts by a figure or picks out a best or a worst.

Every function reads the database in a fixed number of aggregate queries, however many kommuner, periods and
activities there are (the national scale is 290 kommuner with ten years of periods of about 25 activities).

Followed up in time (stated on the overview page in the same words; change both together):

- The unit is a *focus-area-year* (områdesår): one focus area of a published promise period, for one year that
  the period covers. The promise is made per focus area, and every area is followed up every year, whether or
  not it enumerates activities; so each area counts once per year, however many activities it has. A year's
  follow-up is due by FOLLOW_UP_DEADLINE in the following year (31 March).
- Only *compared years* count: the YEARS_COMPARED most recent years whose deadline has passed, the same
  years for every kommun, so that the figures cover the same stretch of time everywhere. A year that has
  ended but whose deadline is still ahead is not counted yet.
- A focus-area-year is *in time* when the period's published follow-up for that year says something about the
  area (a written area report, whatever its status, or a report on at least one of the area's activities) and
  the follow-up was published (FollowUp.published_on) on or before the deadline; *late* when it says something
  but was published after it; *missing* otherwise, also when the year's follow-up is published but says nothing
  about the area (an area report left empty counts as nothing).
- Drafts never count: neither draft periods nor unpublished follow-ups.
- Example follow-ups (is_example) are invented, so they are left out: a focus-area-year whose published
  follow-up is an example is neither in time, nor late, nor missing, and not part of the share. The number of
  such focus-area-years is shown beside the figures, labelled "Exempel", so that what was left out is visible.
- The share is in_time / (in_time + late + missing), as a whole percentage; no share without focus-area-years.

What the figures cannot say: whether the promises were carried out or did any good, or whether a follow-up
was published somewhere other than this portal. When a report was added to a follow-up after its publication
is not recorded, so a report counts by its follow-up's publication date.
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.charts import Bar, BarChart
from portal.localized import localized
from portal.models import Municipality
from promises.models import (
    FIRST_YEAR,
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    PeriodPhase,
    PromisePeriod,
    Publication,
    Theme,
    years_label,
)
from promises.timeline import activity_timeline, latest_report, period_years, report_timeline, split_activities

FOLLOW_UP_DEADLINE = (3, 31)  # (month, day) in the year after the year followed up
YEARS_COMPARED = 3


# --- Ordering and dates ---

# Swedish alphabetical order puts å, ä and ö after z; a database's collation may not (PostgreSQL's often
# sorts Å with A), so lists of kommuner and themes are sorted here, in Python, the same on every database.
# "{", "|" and "}" follow "z" in ASCII, in that order.
_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def swedish_sort_key(text):
    text = (text or "").casefold().translate(_SWEDISH_LAST)
    # Other accents (é, ü) sort with their base letter, as in Swedish dictionaries.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def follow_up_deadline(year):
    """The last day on which the follow-up of `year` counts as published in time."""
    month, day = FOLLOW_UP_DEADLINE
    return datetime.date(year + 1, month, day)


def compared_years(*, today):
    """The YEARS_COMPARED most recent years whose follow-up deadline has passed, oldest first."""
    last = today.year - 1 if today > follow_up_deadline(today.year - 1) else today.year - 2
    first = max(last - YEARS_COMPARED + 1, FIRST_YEAR)
    return list(range(first, last + 1))


# --- Themes ---


def theme_counts(*, today):
    """Every national theme with the number of kommuner addressing it, in Swedish alphabetical order of the
    name in the page's language. One query.

    Each theme gets `current_municipalities` (kommuner with a published period in force this year that has a
    focus area in the theme) and `all_municipalities` (kommuner with any published period that has one).
    """
    year = today.year
    published = Q(focus_areas__period__publication=Publication.PUBLISHED)
    in_force = published & Q(focus_areas__period__start_year__lte=year, focus_areas__period__end_year__gte=year)
    themes = Theme.objects.annotate(
        current_municipalities=Count("focus_areas__period__municipality", filter=in_force, distinct=True),
        all_municipalities=Count("focus_areas__period__municipality", filter=published, distinct=True),
    ).order_by()
    return sorted(themes, key=lambda theme: swedish_sort_key(localized(theme, "name")))


def themes_in_order():
    """Every theme, in Swedish alphabetical order of its name in the page's language. One query."""
    return sorted(Theme.objects.order_by(), key=lambda theme: swedish_sort_key(localized(theme, "name")))


def municipalities_in_force_count(*, today):
    """How many kommuner have a published period in force this year. One query."""
    return PromisePeriod.objects.published().ongoing(today.year).order_by().values("municipality").distinct().count()


# --- Bar chart of themes (drawn on the server as SVG, with the same numbers in a table beside it) ---


def theme_chart(*, themes, total):
    """Bars for the number of kommuner addressing each theme, out of `total`, the kommuner with a promise in force
    (the full width of a bar)."""
    bars = [
        Bar(
            label=localized(theme, "name"),
            value=str(theme.current_municipalities),
            width=round(100 * theme.current_municipalities / total) if total else 0,
        )
        for theme in themes
    ]
    parts = "; ".join(f"{localized(theme, 'name')} {theme.current_municipalities}" for theme in themes)
    summary = _("Stapeldiagram, antal kommuner av %(total)s med ett medborgarlöfte som gäller i år: %(parts)s.") % {
        "total": total,
        "parts": parts,
    }
    return BarChart(bars=bars, summary=summary, title_id="temadiagram")


# --- Follow-up in time, per kommun ---


@dataclass
class FollowUpFigures:
    """Focus-area-years of the compared years for one kommun (or the whole country); see the module docstring."""

    due: int = 0  # focus-area-years to follow up, examples left out
    in_time: int = 0
    late: int = 0
    examples: int = 0  # focus-area-years whose follow-up is an invented example: not in `due`

    @property
    def missing(self):
        return self.due - self.in_time - self.late

    @property
    def share_in_time(self):
        """Whole percentage followed up in time, or None when there is nothing to follow up."""
        if not self.due:
            return None
        return round(100 * self.in_time / self.due)

    def add(self, other):
        self.due += other.due
        self.in_time += other.in_time
        self.late += other.late
        self.examples += other.examples


def follow_up_figures(*, years):
    """{municipality id: FollowUpFigures} for the given (due) years. Four queries.

    Kommuner without any focus-area-year in those years are not in the result.
    """
    figures = defaultdict(FollowUpFigures)
    if not years:
        return {}
    first, last = years[0], years[-1]

    # 1. Focus areas per published period overlapping the years: each counts once for every compared year that
    #    its period covers.
    areas = {}
    per_period = (
        FocusArea.objects.filter(
            period__publication=Publication.PUBLISHED,
            period__start_year__lte=last,
            period__end_year__gte=first,
        )
        .order_by()
        .values("period", "period__municipality", "period__start_year", "period__end_year")
        .annotate(n=Count("id"))
    )
    for row in per_period:
        start, end = row["period__start_year"], row["period__end_year"]
        covered = [year for year in years if start <= year <= end]
        areas[row["period"]] = (row["period__municipality"], row["n"])
        figures[row["period__municipality"]].due += row["n"] * len(covered)

    # 2. Years whose published follow-up is an example: all of the period's focus areas that year are left out.
    examples = (
        FollowUp.objects.published()
        .filter(is_example=True, year__gte=first, year__lte=last)
        .filter(year__gte=F("period__start_year"), year__lte=F("period__end_year"))
        .order_by()
        .values_list("period", flat=True)
    )
    for period_id in examples:
        if period_id in areas:
            municipality_id, n = areas[period_id]
            figures[municipality_id].examples += n
            figures[municipality_id].due -= n

    # 3 and 4. What real (not example) published follow-ups of those years say something about: focus areas with a
    #    written area report, and focus areas with a report on one of their activities. A report belongs to its
    #    follow-up's own period and the year lies within it (both checked in clean()); the filters repeat that so
    #    that no stray row can count beyond `due`. One row per follow-up and area (distinct), so the rows grow with
    #    focus-area-years, never with activities.
    real_follow_ups = Q(
        follow_up__publication=Publication.PUBLISHED,
        follow_up__period__publication=Publication.PUBLISHED,
        follow_up__is_example=False,
        follow_up__year__gte=first,
        follow_up__year__lte=last,
    )
    within_period = Q(
        follow_up__year__gte=F("follow_up__period__start_year"), follow_up__year__lte=F("follow_up__period__end_year")
    )
    columns = ("follow_up__period__municipality", "follow_up__year", "follow_up__published_on")
    area_rows = (
        FocusAreaReport.objects.filter(real_follow_ups, within_period, focus_area__period=F("follow_up__period"))
        .exclude(done="", reason="")
        .order_by()
        .values_list("follow_up", "focus_area", *columns)
    )
    activity_rows = (
        ActivityReport.objects.filter(
            real_follow_ups, within_period, activity__focus_area__period=F("follow_up__period")
        )
        .order_by()
        .values_list("follow_up", "activity__focus_area", *columns)
        .distinct()
    )
    reported = {}
    for follow_up_id, focus_area_id, municipality_id, year, published_on in chain(area_rows, activity_rows):
        reported[follow_up_id, focus_area_id] = (municipality_id, year, published_on)
    for municipality_id, year, published_on in reported.values():
        kommun = figures[municipality_id]
        if published_on is not None and published_on <= follow_up_deadline(year):
            kommun.in_time += 1
        else:
            kommun.late += 1
    return dict(figures)


# --- The national overview ---


@dataclass
class PoliceAreaGroup:
    police_area: object
    municipalities: list = field(default_factory=list)


@dataclass
class CountyGroup:
    county: str
    police_areas: list = field(default_factory=list)


@dataclass
class NationalOverview:
    year: int
    years: list  # the compared years of the follow-up figures
    counties: list  # CountyGroup, each with PoliceAreaGroup, each with its kommuner
    municipality_count: int
    in_force_count: int
    themes: list
    total: FollowUpFigures

    @property
    def chart(self):
        return theme_chart(themes=self.themes, total=self.in_force_count)

    @property
    def years_label(self):
        return years_label(self.years[0], self.years[-1]) if self.years else ""

    @property
    def deadline(self):
        """The deadline of the last compared year; the page names its day and month."""
        return follow_up_deadline(self.years[-1]) if self.years else None

    @property
    def has_examples(self):
        return self.total.examples > 0


def national_overview(*, today):
    """Everything the overview page shows. Six queries, whatever the number of kommuner and periods.

    Kommuner are grouped by county and then by police area, each level in Swedish alphabetical order; each
    kommun carries `in_force` (the published period in force this year: its years, or None), `latest_years`
    (its latest published period's years, for kommuner without one in force) and `figures`.
    """
    year = today.year
    years = compared_years(today=today)
    published = PromisePeriod.objects.published().filter(municipality=OuterRef("pk")).order_by("-start_year")
    in_force = published.filter(start_year__lte=year, end_year__gte=year)
    municipalities = list(
        Municipality.objects.select_related("police_area")
        .annotate(
            in_force_start=Subquery(in_force.values("start_year")[:1]),
            in_force_end=Subquery(in_force.values("end_year")[:1]),
            latest_start=Subquery(published.values("start_year")[:1]),
            latest_end=Subquery(published.values("end_year")[:1]),
        )
        .order_by()
    )
    figures = follow_up_figures(years=years)
    total = FollowUpFigures()
    by_county = defaultdict(lambda: defaultdict(list))
    for municipality in municipalities:
        municipality.in_force_years = years_label(municipality.in_force_start, municipality.in_force_end)
        municipality.latest_years = years_label(municipality.latest_start, municipality.latest_end)
        municipality.figures = figures.get(municipality.pk, FollowUpFigures())
        # The row's links and words, made here rather than by tags in the template: 290 rows of {% url %} and
        # {% blocktranslate %} were most of the page's time.
        municipality.url = municipality.get_absolute_url()
        municipality.in_force_url = None
        if municipality.in_force_start is not None:
            municipality.in_force_url = reverse(
                "period_detail", args=[municipality.slug, municipality.in_force_start, municipality.in_force_end]
            )
            municipality.promise_text = _("Ja, %(years)s") % {"years": municipality.in_force_years}
        elif municipality.latest_start is not None:
            municipality.promise_text = _("Nej (senaste %(years)s)") % {"years": municipality.latest_years}
        else:
            municipality.promise_text = _("Nej, inget publicerat")
        total.add(municipality.figures)
        by_county[municipality.county][municipality.police_area].append(municipality)
    counties = [
        CountyGroup(
            county=county,
            police_areas=[
                PoliceAreaGroup(
                    police_area=area,
                    municipalities=sorted(members, key=lambda municipality: swedish_sort_key(municipality.name)),
                )
                for area, members in sorted(areas.items(), key=lambda item: swedish_sort_key(item[0].name))
            ],
        )
        for county, areas in sorted(by_county.items(), key=lambda item: swedish_sort_key(item[0]))
    ]
    in_force_count = sum(1 for municipality in municipalities if municipality.in_force_start is not None)
    return NationalOverview(
        year=year,
        years=years,
        counties=counties,
        municipality_count=len(municipalities),
        in_force_count=in_force_count,
        themes=theme_counts(today=today),
        total=total,
    )


# --- One theme across kommuner ---

# Kommuner shown in full on one page of a theme. A theme can span all 290 kommuner with a dozen activities each:
# on one page that is a megabyte that nobody reads through, and most of a second to render.
THEME_KOMMUNER_PER_PAGE = 20
_PHASE_ORDER = (PeriodPhase.ONGOING, PeriodPhase.UPCOMING, PeriodPhase.ENDED)


@dataclass(frozen=True)
class PeriodRef:
    pk: int
    municipality_id: int
    municipality_name: str
    start_year: int
    end_year: int

    @property
    def years_label(self):
        return years_label(self.start_year, self.end_year)

    def phase(self, year):
        if year < self.start_year:
            return PeriodPhase.UPCOMING
        if year > self.end_year:
            return PeriodPhase.ENDED
        return PeriodPhase.ONGOING


@dataclass
class ThemeMunicipality:
    municipality: object
    period: object  # `theme_focus_areas` (the theme's only), each with `activity_list`, each with `latest`
    other_periods: list  # PeriodRef: the kommun's other published periods with the theme, latest first

    @property
    def activities(self):
        return [activity for focus_area in self.period.theme_focus_areas for activity in focus_area.activity_list]


@dataclass
class ThemeGroup:
    """The kommuner of one phase (in force, upcoming, ended): how many in all, and on which page they begin."""

    phase: str
    count: int = 0
    first_page: int = 1
    entries: list = field(default_factory=list)  # ThemeMunicipality, this page's only


@dataclass
class ThemeDetail:
    page: object  # a Paginator page of (phase, PeriodRef), one per kommun
    groups: dict  # PeriodPhase: ThemeGroup, in the order in force, upcoming, ended

    @property
    def ongoing(self):
        return self.groups[PeriodPhase.ONGOING]

    @property
    def upcoming(self):
        return self.groups[PeriodPhase.UPCOMING]

    @property
    def ended(self):
        return self.groups[PeriodPhase.ENDED]

    @property
    def municipality_count(self):
        return sum(group.count for group in self.groups.values())

    @property
    def group_count(self):
        return sum(1 for group in self.groups.values() if group.count)

    @property
    def has_examples(self):
        return any(
            item.latest is not None and item.latest.is_example
            for group in self.groups.values()
            for entry in group.entries
            for item in [*entry.period.theme_focus_areas, *entry.activities]
        )


def _shown_period(periods, year):
    """The one period a kommun is shown with: the one in force, else the next to come, else the latest."""
    in_force = [period for period in periods if period.start_year <= year <= period.end_year]
    if in_force:
        return max(in_force, key=lambda period: period.start_year)
    upcoming = [period for period in periods if period.start_year > year]
    if upcoming:
        return min(upcoming, key=lambda period: period.start_year)
    return max(periods, key=lambda period: period.start_year)


def theme_detail(*, theme, today, page_number=None):
    """Each kommun with a published period that has a focus area in the theme: one period in full (the theme's
    focus areas, their activities and each activity's latest published status) and links to the others.

    One period per kommun keeps a kommun the same size however many years of promises there are. Grouped into
    in force, upcoming and ended, each in Swedish alphabetical order of kommun, THEME_KOMMUNER_PER_PAGE kommuner
    to a page (`page_number`, Paginator.get_page: a page out of range gives the last). Eight queries.

    Each focus area also gets `latest` (its latest published area report's cell) and `signed_activities` and
    `added_activities` (those attached during the period, shown apart).
    """
    # Light rows first (five columns, however many periods), to choose the one period per kommun and its page.
    refs = [
        PeriodRef(*row)
        for row in PromisePeriod.objects.published()
        .filter(pk__in=FocusArea.objects.filter(themes=theme).values("period"))
        .order_by("-start_year")
        .values_list("pk", "municipality_id", "municipality__name", "start_year", "end_year")
    ]
    by_municipality = defaultdict(list)
    for ref in refs:
        by_municipality[ref.municipality_id].append(ref)
    shown = [_shown_period(group, today.year) for group in by_municipality.values()]
    ordered = sorted(
        ((ref.phase(today.year), ref) for ref in shown),
        key=lambda item: (_PHASE_ORDER.index(item[0]), swedish_sort_key(item[1].municipality_name)),
    )
    groups = {phase: ThemeGroup(phase=phase) for phase in _PHASE_ORDER}
    for index, (phase, _ref) in enumerate(ordered):
        group = groups[phase]
        if not group.count:
            group.first_page = index // THEME_KOMMUNER_PER_PAGE + 1
        group.count += 1
    page = Paginator(ordered, THEME_KOMMUNER_PER_PAGE).get_page(page_number)

    published_reports = ActivityReport.objects.filter(follow_up__publication=Publication.PUBLISHED).select_related(
        "follow_up"
    )
    activities = Activity.objects.prefetch_related(
        Prefetch("reports", queryset=published_reports, to_attr="published_reports")
    )
    # Prefetched into plain lists (to_attr): a related manager's .all() copies a queryset each time it is called,
    # which adds up over many kommuner.
    published_area_reports = FocusAreaReport.objects.filter(
        follow_up__publication=Publication.PUBLISHED
    ).select_related("follow_up")
    focus_areas = FocusArea.objects.filter(themes=theme).prefetch_related(
        Prefetch("activities", queryset=activities, to_attr="activity_list"),
        Prefetch("reports", queryset=published_area_reports, to_attr="published_reports"),
    )
    periods = (
        PromisePeriod.objects.filter(pk__in=[ref.pk for _phase, ref in page])
        .select_related("municipality")
        .prefetch_related(
            Prefetch("focus_areas", queryset=focus_areas, to_attr="theme_focus_areas"),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.filter(publication=Publication.PUBLISHED).order_by("year"),
                to_attr="published_follow_ups",
            ),
        )
        .in_bulk()
    )
    for phase, ref in page:
        period = periods[ref.pk]
        # The period page's timeline, for the theme's activities only.
        period.current_phase = phase
        year_cells = period_years(period=period, today=today)
        for focus_area in period.theme_focus_areas:
            focus_area.latest = latest_report(
                report_timeline(reports=focus_area.published_reports, year_cells=year_cells)
            )
            for activity in focus_area.activity_list:
                activity.latest = latest_report(activity_timeline(activity=activity, year_cells=year_cells))
            split_activities(focus_area, focus_area.activity_list)
        others = [other for other in by_municipality[ref.municipality_id] if other.pk != ref.pk]
        groups[phase].entries.append(
            ThemeMunicipality(municipality=period.municipality, period=period, other_periods=others)
        )
    return ThemeDetail(page=page, groups=groups)
