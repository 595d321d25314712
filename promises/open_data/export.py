"""Open data export: every published promise and its yearly follow-ups as CSV and JSON.

The fields are defined once, in promises/open_data/fields.py.

The follow-up format: every focus area is followed up as a whole each year, and so is every activity in it. The
CSV has one row per focus area and published yearly report of the area (row_type "focus_area", the activity's
fields empty), then one row per activity and published yearly report (row_type "activity"). A focus area or an
activity without a published report yet still gets one row, with the report's fields empty, so that the file
lists every promise. The JSON nests the same fields: a focus area's own reports under its "reports", each
activity's under the activity's.

Only published content is exported: published periods, and reports of published follow-ups. Example
follow-ups (invented demonstration data) are included and flagged with ``is_example``.

Large files are streamed: one query streams the periods, and for each chunk of ``CHUNK_SIZE`` periods five
more read their focus areas, the areas' reports, activities, responsible parties and the activities' reports
as plain values. A file therefore takes 1 + 5 queries per chunk however many rows a chunk holds, and never
holds more than one chunk in memory.
"""

import json
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from portal import csv_export
from promises.models import Activity, ActivityReport, FocusArea, FocusAreaReport, PromisePeriod, Publication
from promises.open_data.fields import FIELD_NAMES, FIELDS, Level, RowType, status_labels_sv

# The one CSV format of the portal (portal/csv_export.py); the import reads the same.
CSV_DELIMITER = csv_export.DELIMITER
CSV_CONTENT_TYPE = csv_export.CONTENT_TYPE
JSON_CONTENT_TYPE = "application/json"

# CC0 is what the Swedish public sector is recommended to use for open data: no conditions at all.
LICENSE_URL = "http://creativecommons.org/publicdomain/zero/1.0/"
LICENSE_DEED_URL = "https://creativecommons.org/publicdomain/zero/1.0/deed.sv"
LICENSE_NAME = "CC0 1.0"

CHUNK_SIZE = 200  # periods per chunk: a few thousand activities and their reports


# --- What to export ---


def published_periods():
    return PromisePeriod.objects.published()


@dataclass(frozen=True)
class Reports:
    """Which yearly reports a file holds: the focus areas' and the activities'."""

    activities: object  # a queryset of ActivityReport
    focus_areas: object  # a queryset of FocusAreaReport


def published_reports():
    return Reports(
        activities=ActivityReport.objects.filter(follow_up__publication=Publication.PUBLISHED),
        focus_areas=FocusAreaReport.objects.filter(follow_up__publication=Publication.PUBLISHED),
    )


def reports_of(follow_ups):
    """The reports of the given follow-ups, drafts too: the admin's export for editing and importing again."""
    return Reports(
        activities=ActivityReport.objects.filter(follow_up__in=follow_ups),
        focus_areas=FocusAreaReport.objects.filter(follow_up__in=follow_ups),
    )


PERIOD_COLUMNS = (
    "pk",
    "start_year",
    "end_year",
    "municipality_id",
    "municipality__name",
    "municipality__code",
    "municipality__slug",
)
# The report's fields as the files name them, after the id of what it reports on; then the follow-up's.
REPORT_FIELDS = ("status", "done", "done_en", "count", "count_label", "reason", "reason_en", "evidence_url")
FOLLOW_UP_COLUMNS = ("follow_up__year", "follow_up__published_on", "follow_up__is_example")


def iter_periods(periods, reports, *, urls, labels):
    """The periods in file order, each with its focus areas, activities, parties and reports.

    One streamed query for the periods, and five per chunk of CHUNK_SIZE periods for what is below them. Plain
    values rather than model instances: a national file has hundreds of thousands of rows, and building a
    model instance per row cost more than everything else together.
    """
    rows = (
        periods.order_by("municipality__name", "municipality_id", "start_year", "pk")
        .values_list(*PERIOD_COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield from _load_chunk(chunk, reports, urls, labels)


def _load_chunk(chunk, reports, urls, labels):
    periods = {}
    for pk, start_year, end_year, municipality_id, name, code, slug in chunk:
        url = urls.period(slug, start_year, end_year)
        periods[pk] = {
            "municipality_id": municipality_id,
            "municipality": {"municipality": name, "municipality_code": _text(code)},
            "values": {"period_start_year": start_year, "period_end_year": end_year, "period_url": url},
            "url": url,
            "focus_areas": [],
        }
    focus_areas = {}
    # One row per focus area and theme (a left join: an area without themes still has its row), so that the
    # themes cost no query of their own.
    rows = (
        FocusArea.objects.filter(period_id__in=list(periods))
        .order_by("order", "pk", "themes__slug")
        .values_list("pk", "period_id", "title", "themes__slug")
    )
    for pk, period_id, title, theme in rows:
        if pk in focus_areas:
            focus_areas[pk][0]["values"]["themes"].append(theme)
            continue
        period = periods[period_id]
        focus_area = {
            "values": {"focus_area_id": pk, "focus_area": title, "themes": [theme] if theme else []},
            "reports": [],
            "activities": [],
        }
        period["focus_areas"].append(focus_area)
        focus_areas[pk] = (focus_area, period)
    activities = {}
    if focus_areas:
        ids = list(focus_areas)
        rows = (
            reports.focus_areas.filter(focus_area_id__in=ids)
            .order_by("follow_up__year", "pk")
            .values_list("focus_area_id", *REPORT_FIELDS, *FOLLOW_UP_COLUMNS)
        )
        for focus_area_id, *values in rows:
            focus_area, period = focus_areas[focus_area_id]
            focus_area["reports"].append(_report(values, period, labels))
        rows = (
            Activity.objects.filter(focus_area_id__in=ids)
            .order_by("order", "pk")
            .values_list("pk", "focus_area_id", "title", "text", "added_after_signing", "added_on")
        )
        for pk, focus_area_id, title, text, added_after_signing, added_on in rows:
            focus_area, period = focus_areas[focus_area_id]
            activity = {
                "values": {
                    "activity_id": pk,
                    "activity_title": _text(title),
                    "activity_text": text,
                    "responsible": [],
                    "added_after_signing": added_after_signing,
                    "added_on": added_on.isoformat() if added_on else None,
                    "activity_url": f"{period['url']}#activity-{pk}",
                },
                "reports": [],
            }
            focus_area["activities"].append(activity)
            activities[pk] = (activity, period)
    if activities:
        ids = list(activities)
        parties = (
            Activity.responsible.through.objects.filter(activity_id__in=ids)
            .order_by("party__order", "party_id")
            .values_list("activity_id", "party__name")
        )
        for activity_id, name in parties:
            activities[activity_id][0]["values"]["responsible"].append(name)
        rows = (
            reports.activities.filter(activity_id__in=ids)
            .order_by("follow_up__year", "pk")
            .values_list("activity_id", *REPORT_FIELDS, *FOLLOW_UP_COLUMNS)
        )
        for activity_id, *values in rows:
            activity, period = activities[activity_id]
            activity["reports"].append(_report(values, period, labels))
    return periods.values()


def _text(value):
    """An empty text field as None: null in the JSON, as /oppna-data/ documents, and an empty cell in the CSV."""
    return value or None


def _report(values, period, labels):
    """One yearly report, of a focus area or an activity, from REPORT_FIELDS and FOLLOW_UP_COLUMNS values."""
    status, done, done_en, count, count_label, reason, reason_en, evidence, year, published_on, example = values
    return {
        "year": year,
        "status": status,
        "status_label": labels.get(status, status),
        "done": _text(done),
        "done_en": _text(done_en),
        "count": count,
        "count_label": _text(count_label),
        "reason": _text(reason),
        "reason_en": _text(reason_en),
        "evidence_url": _text(evidence),
        "published_on": published_on.isoformat() if published_on else None,
        "is_example": example,
        "follow_up_url": f"{period['url']}uppfoljning/{year}/",
    }


class Urls:
    """Absolute page addresses, built once per period rather than once per row (reverse() is not free)."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")

    def period(self, slug, start_year, end_year):
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse(
                "period_detail",
                kwargs={"municipality_slug": slug, "start_year": start_year, "end_year": end_year},
            )
        return self.base_url + path


def _empty(level):
    return {field.name: None for field in FIELDS if field.level == level}


EMPTY = {
    Level.FOCUS_AREA: {**_empty(Level.FOCUS_AREA), **_empty(Level.ACTIVITY), **_empty(Level.REPORT)},
    Level.ACTIVITY: {**_empty(Level.ACTIVITY), **_empty(Level.REPORT)},
    Level.REPORT: _empty(Level.REPORT),
}
ROW = {
    RowType.FOCUS_AREA: {"row_type": RowType.FOCUS_AREA, **_empty(Level.ACTIVITY)},
    RowType.ACTIVITY: {"row_type": RowType.ACTIVITY},
}


# --- CSV ---


def csv_cell(value):
    """A value as a CSV cell: formula-like text is escaped with an apostrophe (escape_formula); so is text that
    already starts with one, so that the import can always undo the escape by dropping one apostrophe."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if isinstance(value, list):
        value = "; ".join(value)
    if value.startswith("'"):
        return "'" + value
    return csv_export.escape_formula(value)


def csv_uncell(text):
    """The inverse of csv_cell for text: drop one escaping apostrophe."""
    return text[1:] if text.startswith("'") else text


def iter_csv_rows(periods, reports, *, base_url):
    """The follow-up format, one list of cells per row, header first.

    Every period, focus area and activity has at least one row, with the fields below it empty when it has
    nothing below it (a period without focus areas, a focus area or an activity without a published report), so
    that the file lists every promise. A focus area's rows come first, then its activities' rows.
    """
    yield list(FIELD_NAMES)
    for period in iter_periods(periods, reports, urls=Urls(base_url), labels=status_labels_sv()):
        values = {**period["municipality"], **period["values"]}
        if not period["focus_areas"]:
            yield _csv_row({**values, **EMPTY[Level.FOCUS_AREA], "row_type": None})
        for focus_area in period["focus_areas"]:
            values.update(focus_area["values"])
            values.update(ROW[RowType.FOCUS_AREA])
            if not focus_area["reports"]:
                yield _csv_row({**values, **EMPTY[Level.REPORT]})
            for report in focus_area["reports"]:
                values.update(report)
                yield _csv_row(values)
            values.update(ROW[RowType.ACTIVITY])
            for activity in focus_area["activities"]:
                values.update(activity["values"])
                if not activity["reports"]:
                    yield _csv_row({**values, **EMPTY[Level.REPORT]})
                for report in activity["reports"]:
                    values.update(report)
                    yield _csv_row(values)


def _csv_row(values):
    return [csv_cell(values[name]) for name in FIELD_NAMES]


def iter_csv(periods, reports, *, base_url):
    """The CSV file as text chunks: byte-order mark, then one line per row (portal/csv_export.py)."""
    return csv_export.iter_csv(iter_csv_rows(periods, reports, base_url=base_url))


# --- JSON ---


def _json(value):
    return json.dumps(value, ensure_ascii=False)


def _object_open(values, children_key):
    """`{"a": 1, "b": 2, "children": [` without the closing brackets, for streaming a nested list."""
    body = _json(values)[:-1]
    separator = ", " if values else ""
    return f"{body}{separator}{_json(children_key)}: ["


def iter_json(periods, reports, *, base_url, source_url, documentation_url, generated_at=None):
    """The nested JSON document as text chunks, streamed kommun by kommun.

    `source_url` is where this file is fetched (so that a copy says where to get a fresh one), and
    `documentation_url` the page that describes its fields and licence.
    """
    generated_at = generated_at or timezone.localtime()
    head = {
        "license": LICENSE_URL,
        "license_name": LICENSE_NAME,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "source": source_url,
        "documentation": documentation_url,
    }
    yield _object_open(head, "municipalities") + "\n"
    rows = iter_periods(periods, reports, urls=Urls(base_url), labels=status_labels_sv())
    for index, (_municipality_id, municipality_periods) in enumerate(groupby(rows, key=itemgetter("municipality_id"))):
        parts = []
        for period_index, period in enumerate(municipality_periods):
            if period_index == 0:
                parts.append(("," if index else "") + _object_open(period["municipality"], "periods"))
            parts.append(("," if period_index else "") + _period_json(period))
        parts.append("]}\n")
        yield "".join(parts)
    yield "]}\n"


def _period_json(period):
    value = {
        **period["values"],
        "focus_areas": [
            {
                **focus_area["values"],
                "reports": focus_area["reports"],
                "activities": [
                    {**activity["values"], "reports": activity["reports"]} for activity in focus_area["activities"]
                ],
            }
            for focus_area in period["focus_areas"]
        ],
    }
    return _json(value)


# --- Names ---


def filename(*parts, extension):
    return "-".join(["medborgarloften", *[str(part) for part in parts]]) + f".{extension}"
