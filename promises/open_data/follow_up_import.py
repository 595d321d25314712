"""Yearly reports read from a CSV file in the open-data format (promises/open_data/fields.py), for the admin's import.

A row updates the report of one focus area or one activity in one year: status, done, done_en, count,
count_label, reason, reason_en and evidence_url. Which of the two a row reports on is its row_type, or, in a file
without that column, whether it has an activity_id (an activity) or only a focus_area_id (the focus area as a
whole). The year's follow-up is started when it does not exist yet (as the admin's "start" does), and a report
is added when the area or activity has none. Rows are validated with the models' own rules (full_clean), only
for the user's own kommuner, and the whole file is saved in one transaction or not at all: one bad row and
nothing is saved. Saving is what an admin edit does: history rows with the user, and content_changed() on each
follow-up whose reports changed (approvals withdrawn before publication, shown as updated after it). Rows that
change nothing write nothing.

The same function checks a file without saving it (commit=False, for the preview): everything is done inside a
transaction that is then rolled back, so the preview and the save run exactly the same code.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal.scoping import scope
from promises.models import Activity, ActivityReport, FocusArea, FocusAreaReport, FollowUp, ReportStatus
from promises.open_data.export import CSV_DELIMITER, csv_uncell
from promises.open_data.fields import FIELD_NAMES, FIELDS, OPTIONAL, REQUIRED, RowType, status_labels_sv
from promises.services import content_changed, follow_up_start

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
IMPORTED_FIELDS = [f.name for f in FIELDS if f.import_role == OPTIONAL and f.name != "status_label"]
TEXT_FIELDS = ("done", "done_en", "count_label", "reason", "reason_en")
CHUNK = 500  # activity or focus area ids per query
BATCH = 500  # reports per write


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong encoding, not CSV, unknown columns, empty."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    line: int
    column: str
    letter: str
    message: str


@dataclass
class ReportChange:
    line: int
    report: object  # an ActivityReport or a FocusAreaReport
    changes: list  # (field label, old, new)
    fields: list  # the changed fields' names
    created: bool = False

    @property
    def is_focus_area(self):
        return isinstance(self.report, FocusAreaReport)

    @property
    def subject(self):
        """What the report is about, as the preview names it."""
        if self.is_focus_area:
            focus_area = self.report.focus_area
            return _("Fokusområdet ”%(title)s”") % {"title": focus_area.title}
        return str(self.report.activity)

    @property
    def municipality_name(self):
        # Through the focus area or activity, loaded with their kommun (_in_scope), not the follow-up: no query.
        focus_area = self.report.focus_area if self.is_focus_area else self.report.activity.focus_area
        return focus_area.period.municipality.name


@dataclass
class FollowUpOutcome:
    follow_up: FollowUp
    created: bool = False
    reports: int = 0
    approvals_withdrawn: bool = False
    published: bool = False
    had_approvals: bool = False


@dataclass
class ImportResult:
    rows: int = 0  # data rows in the file (blank lines not counted)
    skipped: int = 0  # rows with nothing to import: an activity without a year, as the export writes it
    unchanged: int = 0
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    follow_ups: dict = field(default_factory=dict)  # (period_id, year) -> FollowUpOutcome
    versions: dict = field(default_factory=dict)  # "period_id:year" -> version before the import, or None
    stale: list = field(default_factory=list)  # follow-ups changed by someone else since the preview
    saved: bool = False

    @property
    def lines_with_errors(self):
        return len({error.line for error in self.errors})

    @property
    def ok_rows(self):
        return self.rows - self.lines_with_errors

    @property
    def changed_follow_ups(self):
        return [outcome for outcome in self.follow_ups.values() if outcome.reports or outcome.created]


def column_letter(index):
    """Excel's name for a column: A, B, …, Z, AA, AB …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- Reading the file ---


def read_csv(data):
    """The header and the rows of a CSV file as (Excel row number, cells), or ImportFileError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_encoding_message())
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # xlsx (a zip), xls
        raise ImportFileError(
            _(
                "Det här är en Excel-fil, inte en CSV-fil. Öppna den i Excel och välj Arkiv → Spara som → "
                "”CSV UTF-8 (kommaavgränsad) (*.csv)”, och läs sedan in den filen."
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        raise ImportFileError(
            _("Filen ser inte ut att vara en textfil. Välj en CSV-fil, sparad som ”CSV UTF-8” i ett kalkylprogram.")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(_encoding_message(line)) from None
    if not text.strip():
        raise ImportFileError(_("Filen är tom."))

    first_line = text.split("\n", 1)[0]
    delimiter = CSV_DELIMITER
    if CSV_DELIMITER not in first_line:
        delimiter = "," if "," in first_line else ("\t" if "\t" in first_line else CSV_DELIMITER)
    # strict: a broken quote would shift every later cell; better refused than misread.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number - 1 > MAX_ROWS:
                raise ImportFileError(
                    _("Filen har fler än %(max)s rader. Dela upp den i flera filer.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", "\u00a0")}
                )
            records.append((number, cells))
    except csv.Error as error:
        raise ImportFileError(
            _("Filen går inte att läsa som CSV (rad %(line)s): %(error)s") % {"line": reader.line_num, "error": error}
        ) from None

    _number, header = records[0]
    header = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    rows = [(number, cells) for number, cells in records[1:] if any(cell.strip() for cell in cells)]
    _check_header(header)
    if not rows:
        raise ImportFileError(_("Filen har bara en rubrikrad och inga rader att läsa in."))
    return header, rows


def _encoding_message(line=None):
    message = _(
        "Filen är inte sparad som UTF-8, så å, ä och ö går inte att läsa. Spara den i Excel som "
        "”CSV UTF-8 (kommaavgränsad) (*.csv)” och försök igen."
    )
    if line:
        message = _("Rad %(line)s går inte att läsa.") % {"line": line} + " " + message
    return message


def _check_header(header):
    named = [name for name in header if name]
    unknown = [name for name in named if name not in FIELD_NAMES]
    if unknown:
        raise ImportFileError(
            _("Okänd kolumn: %(columns)s. Kolumnerna ska heta som i den nedladdade filen: %(known)s.")
            % {"columns": ", ".join(f"”{name}”" for name in unknown), "known": ", ".join(FIELD_NAMES)}
        )
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("Kolumnen %(columns)s finns flera gånger.") % {"columns": ", ".join(f"”{n}”" for n in duplicates)}
        )
    required = [f.name for f in FIELDS if f.import_role == REQUIRED and f.name != "status"]
    missing = [name for name in required if name not in named]
    if "activity_id" not in named and "focus_area_id" not in named:
        missing.insert(0, "activity_id")
    if "status" not in named and "status_label" not in named:
        missing.append("status")
    if missing:
        raise ImportFileError(
            _("Kolumn saknas: %(columns)s. Utgå från en nedladdad fil, så finns alla kolumner med.")
            % {"columns": ", ".join(f"”{name}”" for name in missing)}
        )


# --- Values ---

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _normal_text(value):
    """Line endings and surrounding space do not count as a change (spreadsheets and browsers differ)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _status_lookup():
    lookup = {}
    for value, label in status_labels_sv().items():
        lookup[value.lower()] = value
        lookup[label.lower()] = value
    return lookup


class _Row:
    """One data row: its cells by column name, and the errors found in it."""

    def __init__(self, line, cells, columns, result):
        self.line = line
        self.cells = cells
        self.columns = columns
        self.result = result
        self.ok = True

    def present(self, name):
        return name in self.columns

    def raw(self, name):
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    def text(self, name):
        return csv_uncell(self.raw(name).strip())

    def error(self, name, message):
        index = self.columns.get(name)
        letter = column_letter(index) if index is not None else ""
        self.result.errors.append(RowError(self.line, name, letter, message))
        self.ok = False


ROW_TYPES = {
    RowType.FOCUS_AREA: RowType.FOCUS_AREA,
    RowType.ACTIVITY: RowType.ACTIVITY,
    "fokusområde": RowType.FOCUS_AREA,
    "aktivitet": RowType.ACTIVITY,
}


def _is_blank_import_row(row):
    names = ["year", "status", "status_label", *IMPORTED_FIELDS]
    return not any(row.text(name) for name in names if row.present(name))


def _parse_int(row, name, *, missing, invalid):
    value = row.text(name)
    if not value:
        row.error(name, missing)
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        row.error(name, invalid % {"value": value})
        return None
    return int(value)


def _parse_status(row, lookup):
    codes = {}
    for name in ("status", "status_label"):
        value = row.text(name) if row.present(name) else ""
        if not value:
            continue
        code = lookup.get(value.lower())
        if code is None:
            row.error(
                name,
                _("Okänd status ”%(value)s”. Skriv en av koderna %(codes)s, eller orden %(labels)s.")
                % {
                    "value": value,
                    "codes": ", ".join(ReportStatus.values),
                    "labels": ", ".join(status_labels_sv().values()),
                },
            )
            return None
        codes[name] = code
    if not codes:
        row.error(
            "status", _("Status saknas. Skriv en av koderna %(codes)s.") % {"codes": ", ".join(ReportStatus.values)}
        )
        return None
    if len(set(codes.values())) > 1:
        row.error(
            "status_label",
            _(
                "status och status_label säger olika saker (”%(status)s” och ”%(label)s”). Ändra båda, eller töm "
                "den ena."
            )
            % {"status": row.text("status"), "label": row.text("status_label")},
        )
        return None
    return next(iter(codes.values()))


def _parse_count(row):
    value = _SPACES.sub("", row.text("count"))
    if not value:
        return None
    if re.fullmatch(r"-\d+", value):
        row.error("count", _("Antalet kan inte vara negativt."))
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        row.error(
            "count", _("Antalet ska vara ett heltal, till exempel 12, eller tomt; inte ”%(value)s”.") % {"value": value}
        )
        return None
    return int(value)


def _parse_url(row):
    value = row.text("evidence_url")
    if not value:
        return ""
    try:
        # The same field the admin's form uses: a link typed without https:// is taken to mean https.
        return forms.URLField(assume_scheme="https").clean(value)
    except ValidationError:
        row.error("evidence_url", _("”%(value)s” är inte en giltig webbadress.") % {"value": value})
        return None


# --- Applying ---


def follow_up_import(*, data, user, commit, filename="", expected_versions=None, now=None):
    """Check the file and, with commit=True and no errors, save it. Returns an ImportResult.

    ImportFileError when the file as a whole cannot be read. `expected_versions` (from a preview) makes the
    save refuse follow-ups that someone else changed after the preview: the user saw another picture.
    """
    header, rows = read_csv(data)
    with transaction.atomic():
        result = _apply(header, rows, user=user, now=now, filename=filename, expected_versions=expected_versions)
        if result.errors or result.stale or not commit:
            transaction.set_rollback(True)
        else:
            result.saved = True
    return result


def _apply(header, rows, *, user, now, filename, expected_versions):
    result = ImportResult(rows=len(rows))
    columns = {name: index for index, name in enumerate(header) if name}
    parsed = [_Row(line, cells, columns, result) for line, cells in rows]

    for row in parsed:
        extra = [cell for cell in row.cells[len(header) :] if cell.strip()]
        if extra:
            row.error(
                "",
                _(
                    "Raden har fler fält (%(cells)s) än rubrikraden (%(header)s). Står det ett semikolon i en "
                    "text utan citattecken runt?"
                )
                % {"cells": len(row.cells), "header": len(header)},
            )

    activities = _in_scope(parsed, user, "activity_id", Activity, "focus_area__period__municipality")
    focus_areas = _in_scope(parsed, user, "focus_area_id", FocusArea, "period__municipality")
    period_ids = {activity.focus_area.period_id for activity in activities.values()}
    period_ids |= {focus_area.period_id for focus_area in focus_areas.values()}
    follow_ups = {
        (follow_up.period_id, follow_up.year): follow_up
        for follow_up in FollowUp.objects.filter(period_id__in=period_ids).select_for_update().order_by("pk")
    }
    reports = {}
    if activities:
        reports = {
            (report.follow_up_id, report.activity_id): report
            for report in ActivityReport.objects.filter(
                follow_up__in=list(follow_ups.values()), activity_id__in=list(activities)
            )
        }
    area_reports = {}
    if focus_areas:
        area_reports = {
            (report.follow_up_id, report.focus_area_id): report
            for report in FocusAreaReport.objects.filter(
                follow_up__in=list(follow_ups.values()), focus_area_id__in=list(focus_areas)
            )
        }

    may_start = user.has_perm("promises.add_followup")
    reason = (_("Inläst från CSV-filen %(name)s") % {"name": filename} if filename else _("Inläst från CSV-fil"))[:100]
    lookup = _status_lookup()
    labels = status_labels_sv()
    seen = {}

    for row in parsed:
        if not row.ok:
            continue
        if _is_blank_import_row(row):
            result.skipped += 1
            continue
        kind, subject_id = _parse_subject(row)
        year = _parse_int(
            row,
            "year",
            missing=_("Året saknas. Skriv vilket år rapporten gäller, till exempel 2024."),
            invalid=_("Året ska skrivas med siffror, till exempel 2024; inte ”%(value)s”."),
        )
        status = _parse_status(row, lookup)
        values = {"status": status}
        for name in TEXT_FIELDS:
            if row.present(name):
                values[name] = row.text(name)
        if row.present("count"):
            values["count"] = _parse_count(row)
        if row.present("evidence_url"):
            values["evidence_url"] = _parse_url(row)
        if not row.ok:
            continue

        is_area = kind == RowType.FOCUS_AREA
        subject = (focus_areas if is_area else activities).get(subject_id)
        if subject is None:
            # The same words whether it does not exist or belongs to another kommun: the import never tells a
            # coordinator anything about a kommun that is not theirs.
            if is_area:
                message = _(
                    "Det finns inget fokusområde nummer %(id)s som du kan ändra. Kontrollera focus_area_id; du kan "
                    "bara läsa in rader för de kommuner som du är samordnare för."
                )
            else:
                message = _(
                    "Det finns ingen aktivitet nummer %(id)s som du kan ändra. Kontrollera activity_id; du kan bara "
                    "läsa in rader för de kommuner som du är samordnare för."
                )
            row.error("focus_area_id" if is_area else "activity_id", message % {"id": subject_id})
            continue
        if (kind, subject_id, year) in seen:
            if is_area:
                message = _("Samma fokusområde och år står redan på rad %(line)s.")
            else:
                message = _("Samma aktivitet och år står redan på rad %(line)s.")
            row.error("year", message % {"line": seen[(kind, subject_id, year)]})
            continue
        seen[(kind, subject_id, year)] = row.line

        period = subject.period if is_area else subject.focus_area.period
        key = (period.pk, year)
        follow_up = follow_ups.get(key)
        result.versions.setdefault(f"{period.pk}:{year}", follow_up.version if follow_up else None)
        if follow_up is None:
            follow_up = _start(row, period, year, user, may_start, result, reports, area_reports)
            if follow_up is None:
                continue
            follow_ups[key] = follow_up
        outcome = result.follow_ups.setdefault(
            key,
            FollowUpOutcome(
                follow_up,
                published=follow_up.is_published,
                had_approvals=bool(follow_up.municipality_approved_at or follow_up.police_approved_at),
            ),
        )

        if is_area:
            report = area_reports.get((follow_up.pk, subject.pk))
            parent = "focus_area"
        else:
            report = reports.get((follow_up.pk, subject.pk))
            parent = "activity"
        created = report is None
        if created:
            model = FocusAreaReport if is_area else ActivityReport
            report = model(follow_up=follow_up, status=ReportStatus.NOT_STARTED, **{parent: subject})
        else:
            report.follow_up = follow_up
            setattr(report, parent, subject)
        changes, changed_fields = _set_values(report, values, labels)
        if not changes and not created:
            result.unchanged += 1
            continue
        try:
            # The models' own rules: field validation and clean(). Follow-up and activity come from the database
            # and belong together (checked in clean()), and one report per pair holds by construction, so they
            # are not looked up again; the check constraints are mirrored in clean() and the fields' validators,
            # and checking them again with two queries per row made a national file take minutes. The database
            # still enforces all of them when the rows are written.
            report.full_clean(exclude=["follow_up", parent], validate_constraints=False)
        except ValidationError as error:
            _model_errors(row, error)
            continue
        outcome.reports += 1
        result.changes.append(ReportChange(row.line, report, changes, changed_fields, created))

    if expected_versions is not None:
        result.stale = [
            key
            for key, version in result.versions.items()
            if key in expected_versions and expected_versions[key] != version
        ] + [key for key in expected_versions if key not in result.versions]
    if result.errors or result.stale:
        return result
    try:
        with transaction.atomic():
            _save(result.changes, user=user, reason=reason)
    except IntegrityError:
        # Not expected: every rule the database enforces is checked above. Refuse the file rather than fail.
        result.errors.append(RowError(0, "", "", _("Filen kunde inte sparas. Kontrollera den och försök igen.")))
        return result
    for outcome in result.follow_ups.values():
        if outcome.reports:
            outcome.follow_up._change_reason = reason
            outcome.approvals_withdrawn = content_changed(obj=outcome.follow_up, user=user, now=now)
    return result


def _save(changes, *, user, reason):
    """Write the changed reports, and their history rows in batches.

    An UPDATE of just the changed fields per report, and the history rows in bulk: a national file holds
    thousands of rows, and a full save() per row (or Django's bulk_update, whose CASE expressions grow with the
    batch) took minutes. No signal is sent per report; each changed follow-up is then saved once
    (content_changed), which is the change that pages and caches follow.
    """
    for model in (FocusAreaReport, ActivityReport):
        own = [change for change in changes if isinstance(change.report, model)]
        updated = [change for change in own if not change.created]
        for change in updated:
            report = change.report
            model.objects.filter(pk=report.pk).update(**{name: getattr(report, name) for name in change.fields})
        if updated:
            model.history.bulk_history_create(
                [change.report for change in updated],
                update=True,
                default_user=user,
                default_change_reason=reason,
                batch_size=BATCH,
            )
        created = [change.report for change in own if change.created]
        if created:
            bulk_create_with_history(created, model, batch_size=BATCH, default_user=user, default_change_reason=reason)


def _in_scope(rows, user, column, model, related):
    """The rows' activities or focus areas (by the ids in `column`) that the user may change, by id."""
    ids = set()
    for row in rows:
        value = row.text(column)
        if row.ok and re.fullmatch(r"\d{1,9}", value):
            ids.add(int(value))
    ids = sorted(ids)
    found = {}
    for start in range(0, len(ids), CHUNK):
        queryset = model.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(related)
        found.update((obj.pk, obj) for obj in scope(queryset, user))
    return found


def _parse_subject(row):
    """What the row reports on: (RowType, id), or (None, None) with an error on the row."""
    kind = None
    if row.present("row_type") and row.text("row_type"):
        value = row.text("row_type")
        kind = ROW_TYPES.get(value.lower())
        if kind is None:
            row.error(
                "row_type",
                _("Okänd row_type ”%(value)s”. Skriv focus_area för ett fokusområde eller activity för en aktivitet.")
                % {"value": value},
            )
            return None, None
    elif not row.text("activity_id") and row.text("focus_area_id"):
        # A file without row_type: a row with only a focus area's id reports on the area.
        kind = RowType.FOCUS_AREA
    kind = kind or RowType.ACTIVITY
    if kind == RowType.FOCUS_AREA:
        if row.text("activity_id"):
            row.error(
                "activity_id",
                _(
                    "Raden gäller ett fokusområde (row_type är focus_area) men har ett activity_id. Töm "
                    "activity_id, eller skriv activity i row_type om raden gäller aktiviteten."
                ),
            )
            return None, None
        return kind, _parse_int(
            row,
            "focus_area_id",
            missing=_("focus_area_id saknas: vilket fokusområde gäller raden?"),
            invalid=_("focus_area_id ska vara fokusområdets nummer i portalen, ett heltal; inte ”%(value)s”."),
        )
    return kind, _parse_int(
        row,
        "activity_id",
        missing=_("activity_id saknas: vilken aktivitet gäller raden?"),
        invalid=_("activity_id ska vara aktivitetens nummer i portalen, ett heltal; inte ”%(value)s”."),
    )


def _start(row, period, year, user, may_start, result, reports, area_reports):
    """Start the year's follow-up as the admin's "start" does, or explain why it cannot be started."""
    if not may_start:
        row.error("year", _("Det finns ingen uppföljning för %(year)s, och du får inte starta en.") % {"year": year})
        return None
    try:
        with transaction.atomic():
            follow_up = follow_up_start(period=period, year=year, user=user)
    except ValidationError as error:
        messages = error.message_dict.get("year") or error.messages
        row.error("year", " ".join(messages))
        return None
    result.follow_ups[(period.pk, year)] = FollowUpOutcome(follow_up, created=True)
    for report in follow_up.reports.all():
        reports[(follow_up.pk, report.activity_id)] = report
    for report in follow_up.area_reports.all():
        area_reports[(follow_up.pk, report.focus_area_id)] = report
    return follow_up


# The same fields on both kinds of report (the abstract Report).
FIELD_LABELS = {
    name: ActivityReport._meta.get_field(name).verbose_name
    for name in ("status", "done", "done_en", "count", "count_label", "reason", "reason_en", "evidence_url")
}


def _set_values(report, values, labels):
    changes, fields = [], []
    for name, new in values.items():
        old = getattr(report, name)
        if name in TEXT_FIELDS:
            if _normal_text(old) == _normal_text(new):
                continue
            new = _normal_text(new)
        elif old == new:
            continue
        setattr(report, name, new)
        if name == "status":
            old, new = labels.get(old, old), labels.get(new, new)
        changes.append((str(FIELD_LABELS[name]), old, new))
        fields.append(name)
    return changes, fields


def _model_errors(row, error):
    for name, messages in error.message_dict.items():
        column = name if name in FIELD_LABELS else ""
        if name == NON_FIELD_ERRORS:
            column = ""
        for message in messages:
            row.error(column, message)
