"""make_<model>() helpers for promises: themes, periods with their parties and signatories, focus areas,
activities, follow-ups and their reports; and a blank PDF for the signed originals.

Parts are made with content versioning suspended: a fixture is a record as it stands, not a change to it, so it
neither withdraws approvals nor marks a published record as updated (tests of versioning change records the ways
coordinators do, through the admin and the services).
"""

import datetime
import io
import itertools

from django.utils import timezone
from pypdf import PdfWriter

from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    Party,
    PromisePeriod,
    Publication,
    ReportStatus,
    Signatory,
    Theme,
)
from promises.versions import suspended
from tests.factories.portal import make_municipality

_numbers = itertools.count(1)


def make_theme(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Tema {n}")
    fields.setdefault("slug", f"tema-{n}")
    return Theme.objects.create(**fields)


def make_period(published=True, **fields):
    if "municipality" not in fields:
        fields["municipality"] = make_municipality()
    fields.setdefault("start_year", 2023)
    fields.setdefault("end_year", fields["start_year"] + 2)
    fields.setdefault("preamble", "Polisen och kommunen lovar att arbeta tillsammans för tryggheten.")
    fields.setdefault("basis", "Trygghetsundersökningen våren 2022 och polisens lägesbild.")
    fields.setdefault("feedback", "Uppföljningen publiceras varje år.")
    if published:
        fields.setdefault("publication", Publication.PUBLISHED)
        fields.setdefault("published_at", timezone.now())
    return PromisePeriod.objects.create(**fields)


def make_party(period, **fields):
    fields.setdefault("name", f"{period.municipality.official_name}")
    fields.setdefault("short_name", "")
    fields.setdefault("kind", Party.Kind.MUNICIPALITY)
    with suspended():
        return Party.objects.create(period=period, **fields)


def make_signatory(period, **fields):
    n = next(_numbers)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("title", "Kommunstyrelsens ordförande")
    with suspended():
        return Signatory.objects.create(period=period, **fields)


def make_focus_area(period, *, theme=None, themes=(), **fields):
    """A focus area in `theme`, or in each of `themes` (a focus area may carry several)."""
    n = next(_numbers)
    fields.setdefault("title", f"Fokusområde {n}")
    fields.setdefault("description", "Ett område som invånarna pekade ut.")
    fields.setdefault("order", n)
    with suspended():
        focus_area = FocusArea.objects.create(period=period, **fields)
        themes = [theme, *themes] if theme is not None else list(themes)
        if themes:
            focus_area.themes.set(themes)
        return focus_area


def make_activity(focus_area, responsible=(), **fields):
    n = next(_numbers)
    fields.setdefault("text", f"Polisen och kommunen lovar att genomföra insats {n}.")
    fields.setdefault("order", n)
    with suspended():
        activity = Activity.objects.create(focus_area=focus_area, **fields)
        if responsible:
            activity.responsible.set(responsible)
    return activity


def make_follow_up(period, published=True, **fields):
    fields.setdefault("year", period.start_year)
    fields.setdefault("summary", "Arbetet har gått enligt plan.")
    if published:
        fields.setdefault("publication", Publication.PUBLISHED)
        fields.setdefault("published_on", datetime.date(fields["year"] + 1, 2, 15))
    return FollowUp.objects.create(period=period, **fields)


def make_report(follow_up, activity, **fields):
    fields.setdefault("status", ReportStatus.DONE)
    fields.setdefault("done", "Insatsen genomfördes.")
    with suspended():
        return ActivityReport.objects.create(follow_up=follow_up, activity=activity, **fields)


def make_area_report(follow_up, focus_area, **fields):
    fields.setdefault("status", ReportStatus.IN_PROGRESS)
    fields.setdefault("done", "Arbetet inom området pågår enligt plan.")
    with suspended():
        return FocusAreaReport.objects.create(follow_up=follow_up, focus_area=focus_area, **fields)


def make_full_period(*, focus_areas=3, activities=4, follow_up_years=(), **fields):
    """A published period with parties, signatories, focus areas, activities and published follow-ups."""
    period = make_period(**fields)
    kommun = make_party(period, name=period.municipality.official_name, kind=Party.Kind.MUNICIPALITY, order=1)
    police = make_party(period, name="Lokalpolisområde Test", short_name="Polisen", kind=Party.Kind.POLICE, order=2)
    make_signatory(period, party=kommun, order=1)
    make_signatory(period, party=police, title="Lokalpolisområdeschef", order=2)
    all_areas, all_activities = [], []
    for _ in range(focus_areas):
        focus_area = make_focus_area(period)
        all_areas.append(focus_area)
        for _ in range(activities):
            all_activities.append(make_activity(focus_area, responsible=[kommun, police]))
    for year in follow_up_years:
        follow_up = make_follow_up(period, year=year)
        for focus_area in all_areas:
            make_area_report(follow_up, focus_area)
        for activity in all_activities:
            make_report(follow_up, activity)
    return period


def blank_pdf():
    """A real one-page A4 PDF, as a scanned signed original would be (checked by content on upload)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
