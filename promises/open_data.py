"""Open data: every published promise and its yearly follow-ups as CSV and JSON.

One definition of the fields (``FIELDS``) is used by the exporter, the documentation page at /oppna-data/, the
DCAT catalogue and the admin's CSV import, so that the file, its documentation and its reader cannot drift
apart.

The follow-up format: one row per activity and published yearly report. An activity that has no published
report yet still gets one row, with the report's fields empty, and so does a focus area without activities
(some promises name only focus areas), so that the file lists every promise. The JSON nests the same fields.

Only published content is exported: published periods, and reports of published follow-ups. Example
follow-ups (invented demonstration data) are included and flagged with ``is_example``.

Large files are streamed: the periods are read in chunks of ``CHUNK_SIZE`` with their focus areas,
activities, responsible parties and reports prefetched per chunk, so a file takes five queries per chunk
(however many rows the chunk holds) and never holds more than one chunk in memory.
"""

import csv
import json
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from promises.admin_mixins import csv_safe
from promises.models import Activity, ActivityReport, FocusArea, Party, PromisePeriod, Publication, ReportStatus

# Excel in Sweden opens a semicolon-separated file with a byte-order mark correctly (columns, å ä ö); the
# admin's other exports and the import use the same.
CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
BOM = "\ufeff"

# CC0 is what the Swedish public sector is recommended to use for open data: no conditions at all.
LICENSE_URL = "http://creativecommons.org/publicdomain/zero/1.0/"
LICENSE_DEED_URL = "https://creativecommons.org/publicdomain/zero/1.0/deed.sv"
LICENSE_NAME = "CC0 1.0"

CHUNK_SIZE = 100  # periods per chunk: about 2 500 activities and their reports


class Level:
    """Where a field sits in the nested JSON: municipality → periods → focus areas → activities → reports."""

    MUNICIPALITY = "municipality"
    PERIOD = "period"
    FOCUS_AREA = "focus_area"
    ACTIVITY = "activity"
    REPORT = "report"

    LABELS = {
        MUNICIPALITY: _("kommun"),
        PERIOD: _("period"),
        FOCUS_AREA: _("fokusområde"),
        ACTIVITY: _("aktivitet"),
        REPORT: _("årlig rapport"),
    }


class FieldType:
    TEXT = _("text")
    INTEGER = _("heltal")
    YEAR = _("årtal")
    DATE = _("datum (ÅÅÅÅ-MM-DD)")
    BOOLEAN = _("true eller false")
    URL = _("webbadress")
    CODE = _("kod")


@dataclass(frozen=True)
class Field:
    name: str  # the CSV column and the JSON key; never translated
    type: str
    level: str
    description: str
    # Read by the admin's import: "required" columns must be present, "optional" ones change the report when
    # present; the others are there for the reader and are ignored by the import.
    import_role: str = ""

    @property
    def imported(self):
        return bool(self.import_role)


REQUIRED = "required"
OPTIONAL = "optional"

FIELDS = (
    Field("municipality", FieldType.TEXT, Level.MUNICIPALITY, _("Kommunens namn, t.ex. ”Vindeln”.")),
    Field(
        "municipality_code",
        FieldType.CODE,
        Level.MUNICIPALITY,
        _(
            "Kommunens fyrsiffriga kommunkod enligt SCB, t.ex. ”2404”. "
            "Skrivs som text så att inledande nollor finns kvar."
        ),
    ),
    Field(
        "period_start_year",
        FieldType.YEAR,
        Level.PERIOD,
        _("Första året som medborgarlöftet gäller."),
    ),
    Field("period_end_year", FieldType.YEAR, Level.PERIOD, _("Sista året som medborgarlöftet gäller.")),
    Field("period_url", FieldType.URL, Level.PERIOD, _("Medborgarlöftets sida i portalen.")),
    Field("focus_area", FieldType.TEXT, Level.FOCUS_AREA, _("Fokusområdets rubrik, som i det undertecknade löftet.")),
    Field(
        "theme",
        FieldType.CODE,
        Level.FOCUS_AREA,
        _("Det nationella tema som fokusområdet hör till (t.ex. ”trafik”), tomt om inget tema är valt."),
    ),
    Field(
        "activity_id",
        FieldType.INTEGER,
        Level.ACTIVITY,
        _("Aktivitetens nummer i portalen. Ändras aldrig, så att samma aktivitet kan följas mellan filer och år."),
        REQUIRED,
    ),
    Field("activity_title", FieldType.TEXT, Level.ACTIVITY, _("Aktivitetens korta rubrik, om den har någon.")),
    Field("activity_text", FieldType.TEXT, Level.ACTIVITY, _("Löftet ordagrant, som i det undertecknade dokumentet.")),
    Field(
        "responsible",
        FieldType.TEXT,
        Level.ACTIVITY,
        _("De parter som lovar aktiviteten. I CSV-filen skilda med semikolon, i JSON en lista."),
    ),
    Field("activity_url", FieldType.URL, Level.ACTIVITY, _("Aktiviteten på medborgarlöftets sida.")),
    Field(
        "year",
        FieldType.YEAR,
        Level.REPORT,
        _("Året som rapporten gäller. Tomt om aktiviteten ännu inte har någon publicerad rapport."),
        REQUIRED,
    ),
    Field(
        "status",
        FieldType.CODE,
        Level.REPORT,
        _("Aktivitetens status det året, som kod: %(codes)s. Tomt om det inte finns någon rapport."),
        REQUIRED,
    ),
    Field(
        "status_label",
        FieldType.TEXT,
        Level.REPORT,
        _("Samma status i ord på svenska: %(labels)s."),
        OPTIONAL,
    ),
    Field("done", FieldType.TEXT, Level.REPORT, _("Vad som gjordes under året."), OPTIONAL),
    Field(
        "count",
        FieldType.INTEGER,
        Level.REPORT,
        _("Ett antal, om det går att räkna (t.ex. antal insatser), annars tomt. Aldrig negativt."),
        OPTIONAL,
    ),
    Field("count_label", FieldType.TEXT, Level.REPORT, _("Vad antalet avser, t.ex. ”trafikinsatser”."), OPTIONAL),
    Field(
        "reason",
        FieldType.TEXT,
        Level.REPORT,
        _("Skälet när aktiviteten är försenad, omförhandlad eller avbruten (krävs då)."),
        OPTIONAL,
    ),
    Field("evidence_url", FieldType.URL, Level.REPORT, _("Länk till underlag för rapporten, om någon."), OPTIONAL),
    Field(
        "published_on",
        FieldType.DATE,
        Level.REPORT,
        _("Dagen då årets uppföljning publicerades."),
    ),
    Field(
        "is_example",
        FieldType.BOOLEAN,
        Level.REPORT,
        _("true om uppföljningen är ett påhittat exempel för demonstration, inte en verklig uppföljning."),
    ),
    Field("follow_up_url", FieldType.URL, Level.REPORT, _("Årets uppföljning i portalen.")),
)
FIELD_NAMES = tuple(field.name for field in FIELDS)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
LEVELS = (Level.MUNICIPALITY, Level.PERIOD, Level.FOCUS_AREA, Level.ACTIVITY, Level.REPORT)
# The JSON key under which each level lists the next one.
CHILDREN_KEY = {
    Level.MUNICIPALITY: "periods",
    Level.PERIOD: "focus_areas",
    Level.FOCUS_AREA: "activities",
    Level.ACTIVITY: "reports",
}


def field_description(field):
    """The field's description with the status codes and labels filled in, in the active language."""
    text = str(field.description)
    if "%(" in text:
        text = text % {
            "codes": ", ".join(ReportStatus.values),
            "labels": ", ".join(status_labels_sv().values()),
        }
    return text


def fields_by_level():
    return [(level, Level.LABELS[level], [f for f in FIELDS if f.level == level]) for level in LEVELS]


def status_labels_sv():
    """Status labels in Swedish: the files are the same whatever the language of the page they were found on."""
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in ReportStatus.choices}


# --- What to export ---


def published_periods():
    return PromisePeriod.objects.published()


def published_reports():
    return ActivityReport.objects.filter(follow_up__publication=Publication.PUBLISHED)


def export_queryset(periods, reports):
    """The periods in file order, with everything a row needs prefetched and nothing it does not need."""
    reports = (
        reports.select_related("follow_up")
        .only(
            "activity_id",
            "status",
            "done",
            "count",
            "count_label",
            "reason",
            "evidence_url",
            "follow_up__year",
            "follow_up__published_on",
            "follow_up__is_example",
        )
        .order_by("follow_up__year", "pk")
    )
    activities = (
        Activity.objects.only("focus_area_id", "title", "text", "order")
        .order_by("order", "pk")
        .prefetch_related(
            models.Prefetch("responsible", queryset=_parties()),
            models.Prefetch("reports", queryset=reports, to_attr="export_reports"),
        )
    )
    focus_areas = (
        FocusArea.objects.select_related("theme")
        .only("period_id", "title", "order", "theme__slug")
        .order_by("order", "pk")
        .prefetch_related(models.Prefetch("activities", queryset=activities, to_attr="export_activities"))
    )
    return (
        periods.select_related("municipality")
        .only("start_year", "end_year", "municipality__name", "municipality__code", "municipality__slug")
        .order_by("municipality__name", "municipality_id", "start_year", "pk")
        .prefetch_related(models.Prefetch("focus_areas", queryset=focus_areas, to_attr="export_focus_areas"))
    )


def _parties():
    return Party.objects.only("name", "order").order_by("order", "pk")


def iter_periods(periods, reports):
    return export_queryset(periods, reports).iterator(chunk_size=CHUNK_SIZE)


# --- Values ---


class Urls:
    """Absolute page addresses, built once per period rather than once per row (reverse() is not free)."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")

    def absolute(self, path):
        return self.base_url + path

    def period(self, period):
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse(
                "period_detail",
                kwargs={
                    "municipality_slug": period.municipality.slug,
                    "start_year": period.start_year,
                    "end_year": period.end_year,
                },
            )
        return self.absolute(path)


def municipality_values(period, urls):
    municipality = period.municipality
    return {"municipality": municipality.name, "municipality_code": municipality.code}


def period_values(period, urls):
    period_url = urls.period(period)
    period._export_url = period_url
    return {
        "period_start_year": period.start_year,
        "period_end_year": period.end_year,
        "period_url": period_url,
    }


def focus_area_values(focus_area):
    return {"focus_area": focus_area.title, "theme": focus_area.theme.slug if focus_area.theme else ""}


def activity_values(activity, period):
    return {
        "activity_id": activity.pk,
        "activity_title": activity.title,
        "activity_text": activity.text,
        "responsible": [party.name for party in activity.responsible.all()],
        "activity_url": f"{period._export_url}#activity-{activity.pk}",
    }


def report_values(report, period, labels):
    follow_up = report.follow_up
    return {
        "year": follow_up.year,
        "status": report.status,
        "status_label": labels.get(report.status, report.status),
        "done": report.done,
        "count": report.count,
        "count_label": report.count_label,
        "reason": report.reason,
        "evidence_url": report.evidence_url,
        "published_on": follow_up.published_on.isoformat() if follow_up.published_on else None,
        "is_example": follow_up.is_example,
        "follow_up_url": f"{period._export_url}uppfoljning/{follow_up.year}/",
    }


def _empty(level):
    return {field.name: None for field in FIELDS if field.level == level}


EMPTY = {
    Level.FOCUS_AREA: {**_empty(Level.FOCUS_AREA), **_empty(Level.ACTIVITY), **_empty(Level.REPORT)},
    Level.ACTIVITY: {**_empty(Level.ACTIVITY), **_empty(Level.REPORT)},
    Level.REPORT: _empty(Level.REPORT),
}


# --- CSV ---


def csv_cell(value):
    """A value as a CSV cell: formula-like text is escaped with an apostrophe (csv_safe); so is text that
    already starts with one, so that the import can always undo the escape by dropping one apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(value)
    text = str(value)
    if text.startswith("'"):
        return "'" + text
    return csv_safe(text)


def csv_uncell(text):
    """The inverse of csv_cell for text: drop one escaping apostrophe."""
    return text[1:] if text.startswith("'") else text


def iter_csv_rows(periods, reports, *, base_url):
    """The follow-up format, one list of cells per row, header first.

    Every period, focus area and activity has at least one row, with the fields below it empty when it has
    nothing below it (a focus area without activities, an activity without a published report), so that the
    file lists every promise.
    """
    urls = Urls(base_url)
    labels = status_labels_sv()
    yield list(FIELD_NAMES)
    for period in iter_periods(periods, reports):
        values = {**municipality_values(period, urls), **period_values(period, urls)}
        if not period.export_focus_areas:
            yield _csv_row({**values, **EMPTY[Level.FOCUS_AREA]})
        for focus_area in period.export_focus_areas:
            values.update(focus_area_values(focus_area))
            if not focus_area.export_activities:
                yield _csv_row({**values, **EMPTY[Level.ACTIVITY]})
            for activity in focus_area.export_activities:
                values.update(activity_values(activity, period))
                if not activity.export_reports:
                    yield _csv_row({**values, **EMPTY[Level.REPORT]})
                for report in activity.export_reports:
                    values.update(report_values(report, period, labels))
                    yield _csv_row(values)


def _csv_row(values):
    return [csv_cell(values[name]) for name in FIELD_NAMES]


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer's output."""

    def write(self, value):
        return value


def iter_csv(periods, reports, *, base_url):
    """The CSV file as text chunks: byte-order mark, then one line per row."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield BOM
    batch = []
    for row in iter_csv_rows(periods, reports, base_url=base_url):
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


# --- JSON ---


def _json(value):
    return json.dumps(value, ensure_ascii=False)


def _object_open(values, children_key):
    """`{"a": 1, "b": 2, "children": [` without the closing brackets, for streaming a nested list."""
    body = _json(values)[:-1]
    separator = ", " if values else ""
    return f"{body}{separator}{_json(children_key)}: ["


def iter_json(periods, reports, *, base_url, source_url, generated_at=None):
    """The nested JSON document as text chunks, streamed kommun by kommun."""
    urls = Urls(base_url)
    labels = status_labels_sv()
    generated_at = generated_at or timezone.localtime()
    head = {
        "license": LICENSE_URL,
        "license_name": LICENSE_NAME,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "source": source_url,
        "documentation": source_url,
    }
    yield _object_open(head, "municipalities") + "\n"
    grouped = groupby(iter_periods(periods, reports), key=lambda period: period.municipality_id)
    for index, (_municipality_id, municipality_periods) in enumerate(grouped):
        parts = []
        for period_index, period in enumerate(municipality_periods):
            if period_index == 0:
                parts.append(("," if index else "") + _object_open(municipality_values(period, urls), "periods"))
            parts.append(("," if period_index else "") + _period_json(period, urls, labels))
        parts.append("]}\n")
        yield "".join(parts)
    yield "]}\n"


def _period_json(period, urls, labels):
    value = period_values(period, urls)
    value["focus_areas"] = [
        {
            **focus_area_values(focus_area),
            "activities": [
                {
                    **activity_values(activity, period),
                    "reports": [report_values(report, period, labels) for report in activity.export_reports],
                }
                for activity in focus_area.export_activities
            ],
        }
        for focus_area in period.export_focus_areas
    ]
    return _json(value)


# --- Names ---


def filename(*parts, extension):
    return "-".join(["medborgarloften", *[str(part) for part in parts]]) + f".{extension}"
