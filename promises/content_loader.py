"""The portal's own content: official medborgarlöften and, on request, example follow-ups, read from TOML.

The files live in ``promises/content/`` inside the repository (never outside it), so that a maintainer can
read and correct a transcription in a pull request. ``content_load()`` reads every file, checks it completely
and only then writes, in one transaction: a mistake in a file is reported with the file and the key and
leaves the database as it was.

File format (every key is optional unless marked *):

- A places file (``vasterbotten.toml``): ``[police_area]`` with name*, region and
  ``[[police_area.municipalities]]`` (name*, official_name*, slug*, code*, county*, map_latitude and
  map_longitude: the report map's centre in decimal degrees, both or neither); ``[[themes]]`` (name*,
  slug*, description, name_en, description_en). Any file may hold themes.
- A period file (one per kommun): ``municipality_code``* and ``[[periods]]``: start_year*, end_year*,
  title, preamble, basis, feedback, easy_read, extension_note, signed_place, signed_on (a TOML date),
  source, source_en, publication ("draft"/"published"), extends (start_year of an earlier period of the same kommun),
  carry_over (true: copy the extended period's focus areas and activities first, each activity pointing back
  at the one it was carried over from). Inside a period: ``[[periods.parties]]`` (name*, short_name, kind*,
  role, contribution, name_en, short_name_en, contribution_en), ``[[periods.signatories]]`` (name*, title*,
  title_en, party = a party's name), ``[[periods.focus_areas]]`` (title*, heading_is_portal_own (default
  false), description, themes = list of theme slugs: every national theme the
  area's activities address) and ``[[periods.focus_areas.activities]]`` (text*, title,
  heading_is_portal_own (default true: a short title is the portal's unless the document has it), responsible
  = list of the party names that promise it (a partner who only works with them is a party with role
  "partner", not listed here), target, frequency, recurrence (only where the document says it; empty by
  default and then not shown), added_in_extension, easy_read).
- ``examples.toml``, read only with ``with_examples``: ``[[follow_ups]]`` (municipality_code*, period* =
  start_year, year*, summary*, publication, published_on) with ``[[follow_ups.area_reports]]`` (focus_area* =
  the focus area's title in its period file, status*, done, count, count_label, reason, evidence_url), one for
  every focus area of the period, and ``[[follow_ups.reports]]`` (activity* = the activity's title in its
  period file, status*, done, count, count_label, reason, evidence_url). Every follow-up loaded from here is
  marked ``is_example``.
- English and lättläst: wherever the Swedish key is a text of the portal's content (a theme's name and
  description; a period's title, preamble, basis and feedback; a focus area's title and description; an
  activity's title, text, target and frequency; a follow-up's summary; an area or activity report's done and
  reason) the same key with ``_en`` holds an unofficial English translation, shown on the English pages.
  ``easy_read`` on a period (a summary) and on an activity holds the same content in lättläst (easy-to-read)
  Swedish. The Swedish keys stay the official, signed text: translate from them, never the other way round.
- ``surveys/content/dialogues.toml`` (``DIALOGUES_FILE``, always read): ``[[dialogues]]`` (municipality_code*,
  title*, starts_at*, place*, ends_at, kind, description, heard, not_taken_up, source, published). Times are
  TOML local date-times (``2016-02-27T12:00:00``), read as Swedish time (``settings.TIME_ZONE``).

Texts: one paragraph per line and a blank line between paragraphs; no double spaces, soft or non-breaking
hyphens, non-breaking spaces, tabs or bullets. Leading and trailing whitespace is dropped.

Order on the page is the order in the file. Rows are found again by natural keys: PoliceArea.name,
Municipality.code, Theme.slug, PromisePeriod (kommun, start_year), Party/Signatory (period, name), FocusArea
(period, title), Activity (focus area, position), FollowUp (period, year), FocusAreaReport (follow-up, focus
area), ActivityReport (follow-up, activity), Dialogue (kommun, starts_at, place). So add new activities last,
and do not rename a focus area in a file once it is loaded.

By default only missing rows are created and existing rows are left exactly as they are, so coordinators'
edits in the admin survive ``make run``. ``update=True`` writes the files' values over existing rows.
Nothing is ever deleted, and a row is saved only when something in it actually changes.
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

import surveys
from portal.models import Municipality, PoliceArea
from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    Party,
    PromisePeriod,
    Publication,
    Recurrence,
    ReportStatus,
    Signatory,
    Theme,
)
from promises.snapshots import content_snapshot
from promises.versions import suspended
from surveys.models import Dialogue

CONTENT_DIR = Path(__file__).parent / "content"
EXAMPLES_FILE = "examples.toml"
# Dialogues belong to the surveys app, so their file lives there; it is loaded here, with everything else, in
# the same transaction (promises may depend on surveys, not the other way round).
DIALOGUES_FILE = Path(surveys.__file__).parent / "content" / "dialogues.toml"

# Models in the order they are loaded; the summary follows it.
CONTENT_MODELS = (
    PoliceArea,
    Municipality,
    Theme,
    PromisePeriod,
    Party,
    Signatory,
    FocusArea,
    Activity,
    FollowUp,
    FocusAreaReport,
    ActivityReport,
    Dialogue,
)

# Characters that PDF extraction leaves behind and that never belong in a transcription.
FORBIDDEN_CHARACTERS = {
    "\u00ad": "mjukt bindestreck (U+00AD)",
    "\u2011": "hårt bindestreck (U+2011)",
    "\u00a0": "hårt mellanslag (U+00A0)",
    "\u202f": "smalt hårt mellanslag (U+202F)",
    "\t": "tabb",
    "\u2022": "punkt (•)",
}


class ContentError(CommandError):
    """A content file is malformed. The message names the file and the key, for the maintainer to fix."""


def _fail(where, message):
    raise ContentError(f"{where}: {message}")


# --- Reading and checking the files ---

REQUIRED = object()


def _text(value, where):
    if not isinstance(value, str):
        _fail(where, _("ska vara en text"))
    value = value.strip()
    for character, name in FORBIDDEN_CHARACTERS.items():
        if character in value:
            _fail(where, _("innehåller %(name)s") % {"name": name})
    if "  " in value:
        _fail(where, _("innehåller dubbla mellanslag"))
    if value:
        for paragraph in value.split("\n\n"):
            if not paragraph or "\n" in paragraph or paragraph != paragraph.strip():
                _fail(
                    where,
                    _(
                        "radbrytning inne i ett stycke eller flera tomma rader; skriv varje stycke på en rad "
                        "och lämna en tom rad mellan stycken"
                    ),
                )
    return value


def _line(value, where):
    value = _text(value, where)
    if "\n" in value:
        _fail(where, _("ska vara en enda rad"))
    return value


def _int(value, where):
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(where, _("ska vara ett heltal"))
    return value


def _bool(value, where):
    if not isinstance(value, bool):
        _fail(where, _("ska vara true eller false"))
    return value


def _date(value, where):
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        _fail(where, _("ska vara ett datum utan citattecken, t.ex. 2023-03-03"))
    return value


def _datetime(value, where):
    """A TOML local date-time is Swedish time; one with an offset is taken as written."""
    if not isinstance(value, datetime.datetime):
        _fail(where, _("ska vara en tidpunkt utan citattecken, t.ex. 2016-02-27T12:00:00"))
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo(settings.TIME_ZONE))
    return value


def _coordinate(value, where):
    """Decimal degrees as a TOML number; stored as a Decimal of five places (about a metre)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(where, _("ska vara ett decimaltal i grader, t.ex. 64.2019"))
    return Decimal(str(value)).quantize(Decimal("0.00001"))


def _lines(value, where):
    if not isinstance(value, list):
        _fail(where, _("ska vara en lista med texter"))
    return [_line(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _tables(value, where):
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        _fail(where, _("ska vara en lista med tabeller ([[…]])"))
    return value


def _choice(choices):
    def convert(value, where):
        value = _line(value, where)
        if value not in choices.values:
            _fail(where, _("okänt värde ”%(value)s”; välj bland: %(allowed)s") % _allowed(value, choices.values))
        return value

    return convert


def _allowed(value, allowed):
    return {"value": value, "allowed": ", ".join(f"”{item}”" for item in allowed)}


def _fields(raw, where, spec):
    """Check a table against its spec: no unknown keys (a typo would otherwise be silently ignored)."""
    if not isinstance(raw, dict):
        _fail(where, _("ska vara en tabell"))
    for key in raw:
        if key not in spec:
            _fail(f"{where}.{key}", _("okänd nyckel; tillåtna är: %(allowed)s") % _allowed(key, spec))
    values = {}
    for key, (convert, default) in spec.items():
        if key in raw:
            values[key] = convert(raw[key], f"{where}.{key}")
        elif default is REQUIRED:
            _fail(f"{where}.{key}", _("saknas"))
        else:
            values[key] = list(default) if isinstance(default, list) else default
    return values


PLACES_SPEC = {
    "name": (_line, REQUIRED),
    "region": (_line, ""),
    "municipalities": (_tables, []),
}
MUNICIPALITY_SPEC = {
    "name": (_line, REQUIRED),
    "official_name": (_line, REQUIRED),
    "slug": (_line, REQUIRED),
    "code": (_line, REQUIRED),
    "county": (_line, REQUIRED),
    "map_latitude": (_coordinate, None),
    "map_longitude": (_coordinate, None),
}
THEME_SPEC = {
    "name": (_line, REQUIRED),
    "slug": (_line, REQUIRED),
    "description": (_text, ""),
    "name_en": (_line, ""),
    "description_en": (_text, ""),
}
PERIOD_SPEC = {
    "start_year": (_int, REQUIRED),
    "end_year": (_int, REQUIRED),
    "title": (_line, ""),
    "preamble": (_text, ""),
    "basis": (_text, ""),
    "feedback": (_text, ""),
    "easy_read": (_text, ""),
    "title_en": (_line, ""),
    "preamble_en": (_text, ""),
    "basis_en": (_text, ""),
    "feedback_en": (_text, ""),
    "extension_note": (_text, ""),
    "signed_place": (_line, ""),
    "signed_on": (_date, None),
    "source": (_text, ""),
    "source_en": (_text, ""),
    "publication": (_choice(Publication), Publication.DRAFT),
    "extends": (_int, None),
    "carry_over": (_bool, False),
    "parties": (_tables, []),
    "signatories": (_tables, []),
    "focus_areas": (_tables, []),
}
PARTY_SPEC = {
    "name": (_line, REQUIRED),
    "short_name": (_line, ""),
    "kind": (_choice(Party.Kind), REQUIRED),
    "role": (_choice(Party.Role), Party.Role.SIGNATORY),
    "contribution": (_text, ""),
    "name_en": (_line, ""),
    "short_name_en": (_line, ""),
    "contribution_en": (_text, ""),
}
SIGNATORY_SPEC = {"name": (_line, REQUIRED), "title": (_line, REQUIRED), "party": (_line, ""), "title_en": (_line, "")}
FOCUS_AREA_SPEC = {
    "title": (_line, REQUIRED),
    "heading_is_portal_own": (_bool, False),
    "description": (_text, ""),
    "title_en": (_line, ""),
    "description_en": (_text, ""),
    "themes": (_lines, []),
    "activities": (_tables, []),
}
ACTIVITY_SPEC = {
    "title": (_line, ""),
    "heading_is_portal_own": (_bool, True),
    "text": (_text, REQUIRED),
    "responsible": (_lines, []),
    "target": (_line, ""),
    "frequency": (_line, ""),
    "recurrence": (_choice(Recurrence), Recurrence.NOT_STATED),
    "added_in_extension": (_bool, False),
    "title_en": (_line, ""),
    "text_en": (_text, ""),
    "target_en": (_line, ""),
    "frequency_en": (_line, ""),
    "easy_read": (_text, ""),
}
FOLLOW_UP_SPEC = {
    "municipality_code": (_line, REQUIRED),
    "period": (_int, REQUIRED),
    "year": (_int, REQUIRED),
    "summary": (_text, REQUIRED),
    "summary_en": (_text, ""),
    "publication": (_choice(Publication), Publication.DRAFT),
    "published_on": (_date, None),
    "area_reports": (_tables, []),
    "reports": (_tables, []),
}
_REPORT_FIELDS = {
    "status": (_choice(ReportStatus), REQUIRED),
    "done": (_text, ""),
    "count": (_int, None),
    "count_label": (_line, ""),
    "reason": (_text, ""),
    "done_en": (_text, ""),
    "reason_en": (_text, ""),
    "evidence_url": (_line, ""),
}
AREA_REPORT_SPEC = {"focus_area": (_line, REQUIRED), **_REPORT_FIELDS}
REPORT_SPEC = {"activity": (_line, REQUIRED), **_REPORT_FIELDS}

DIALOGUE_SPEC = {
    "municipality_code": (_line, REQUIRED),
    "kind": (_choice(Dialogue.Kind), Dialogue.Kind.DIALOGUE),
    "title": (_line, REQUIRED),
    "starts_at": (_datetime, REQUIRED),
    "ends_at": (_datetime, None),
    "place": (_line, REQUIRED),
    "description": (_text, ""),
    "heard": (_text, ""),
    "not_taken_up": (_text, ""),
    "source": (_text, ""),
    "published": (_bool, True),
}


@dataclass
class ActivitySpec:
    where: str
    order: int
    values: dict
    responsible: list
    # (start_year, focus area title, order) of the activity in the extended period, when carried over.
    carried_from: tuple | None = None


@dataclass
class FocusAreaSpec:
    where: str
    title: str
    order: int
    values: dict
    themes: list  # slugs
    activities: list = field(default_factory=list)


@dataclass
class PeriodSpec:
    where: str
    municipality_code: str
    start_year: int
    values: dict
    extends: int | None
    carry_over: bool
    parties: list = field(default_factory=list)
    signatories: list = field(default_factory=list)
    focus_areas: list = field(default_factory=list)

    def activities_by_title(self):
        return {
            activity.values["title"]: (focus_area, activity)
            for focus_area in self.focus_areas
            for activity in focus_area.activities
            if activity.values["title"]
        }


@dataclass
class Content:
    places: list = field(default_factory=list)  # (where, police area values, [(where, municipality values)])
    themes: list = field(default_factory=list)  # (where, values)
    periods: list = field(default_factory=list)  # PeriodSpec, sorted by kommun and start year
    # (where, values, [(where, area report values)], [(where, activity report values)])
    follow_ups: list = field(default_factory=list)
    dialogues: list = field(default_factory=list)  # (where, values)


def _read_toml(path):
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        _fail(path.name, _("inte giltig TOML: %(error)s") % {"error": error})
    except OSError as error:
        _fail(path.name, _("kan inte läsas: %(error)s") % {"error": error})


def _read_content(content_dir, with_examples):
    content = Content()
    paths = sorted(path for path in content_dir.glob("*.toml") if path.name != EXAMPLES_FILE)
    if not paths:
        _fail(str(content_dir), _("hittade inga innehållsfiler (*.toml)"))
    for path in paths:
        _read_content_file(path, _read_toml(path), content)
    if with_examples:
        path = content_dir / EXAMPLES_FILE
        data = _read_toml(path)
        for key in data:
            if key != "follow_ups":
                _fail(f"{path.name}: {key}", _("okänd nyckel; tillåten är: ”follow_ups”"))
        for i, raw in enumerate(_tables(data.get("follow_ups", []), f"{path.name}: follow_ups")):
            where = f"{path.name}: follow_ups[{i}]"
            values = _fields(raw, where, FOLLOW_UP_SPEC)
            area_reports = [
                (f"{where}.area_reports[{j}]", _fields(report, f"{where}.area_reports[{j}]", AREA_REPORT_SPEC))
                for j, report in enumerate(values.pop("area_reports"))
            ]
            reports = [
                (f"{where}.reports[{j}]", _fields(report, f"{where}.reports[{j}]", REPORT_SPEC))
                for j, report in enumerate(values.pop("reports"))
            ]
            content.follow_ups.append((where, values, area_reports, reports))
    content.dialogues = _read_dialogues(DIALOGUES_FILE)
    content.periods.sort(key=lambda period: (period.municipality_code, period.start_year))
    _carry_over(content)
    _check_references(content)
    return content


def _read_dialogues(path):
    data = _read_toml(path)
    for key in data:
        if key != "dialogues":
            _fail(f"{path.name}: {key}", _("okänd nyckel; tillåten är: ”dialogues”"))
    return [
        (f"{path.name}: dialogues[{i}]", _fields(raw, f"{path.name}: dialogues[{i}]", DIALOGUE_SPEC))
        for i, raw in enumerate(_tables(data.get("dialogues", []), f"{path.name}: dialogues"))
    ]


def _read_content_file(path, data, content):
    name = path.name
    for key in data:
        if key not in ("police_area", "themes", "municipality_code", "periods"):
            _fail(
                f"{name}: {key}",
                _("okänd nyckel; tillåtna är: %(allowed)s")
                % _allowed(key, ("police_area", "themes", "municipality_code", "periods")),
            )
    if "police_area" in data:
        where = f"{name}: police_area"
        values = _fields(data["police_area"], where, PLACES_SPEC)
        municipalities = [
            (f"{where}.municipalities[{i}]", _fields(raw, f"{where}.municipalities[{i}]", MUNICIPALITY_SPEC))
            for i, raw in enumerate(values.pop("municipalities"))
        ]
        content.places.append((where, values, municipalities))
    for i, raw in enumerate(_tables(data.get("themes", []), f"{name}: themes")):
        content.themes.append((f"{name}: themes[{i}]", _fields(raw, f"{name}: themes[{i}]", THEME_SPEC)))
    periods = _tables(data.get("periods", []), f"{name}: periods")
    code = None
    if "municipality_code" in data:
        code = _line(data["municipality_code"], f"{name}: municipality_code")
    elif periods:
        _fail(f"{name}: municipality_code", _("saknas; perioderna måste höra till en kommun"))
    for i, raw in enumerate(periods):
        content.periods.append(_read_period(raw, f"{name}: periods[{i}]", code))


def _read_period(raw, where, code):
    values = _fields(raw, where, PERIOD_SPEC)
    where = f"{where.rsplit('[', 1)[0]}[start_year={values['start_year']}]"
    period = PeriodSpec(
        where=where,
        municipality_code=code,
        start_year=values["start_year"],
        extends=values.pop("extends"),
        carry_over=values.pop("carry_over"),
        values=values,
    )
    for i, party in enumerate(values.pop("parties"), start=1):
        party_where = f"{where}.parties[{i - 1}]"
        period.parties.append((party_where, {**_fields(party, party_where, PARTY_SPEC), "order": i}))
    for i, signatory in enumerate(values.pop("signatories"), start=1):
        signatory_where = f"{where}.signatories[{i - 1}]"
        period.signatories.append(
            (signatory_where, {**_fields(signatory, signatory_where, SIGNATORY_SPEC), "order": i})
        )
    for i, raw_focus_area in enumerate(values.pop("focus_areas"), start=1):
        focus_where = f"{where}.focus_areas[{i - 1}]"
        focus_values = _fields(raw_focus_area, focus_where, FOCUS_AREA_SPEC)
        focus_where = f'{where}.focus_areas[title="{focus_values["title"]}"]'
        focus_area = FocusAreaSpec(
            where=focus_where,
            title=focus_values.pop("title"),
            order=i,
            themes=focus_values.pop("themes"),
            values=focus_values,
        )
        for j, raw_activity in enumerate(focus_values.pop("activities"), start=1):
            activity_where = f"{focus_where}.activities[{j - 1}]"
            activity_values = _fields(raw_activity, activity_where, ACTIVITY_SPEC)
            focus_area.activities.append(
                ActivitySpec(
                    where=activity_where,
                    order=j,
                    responsible=activity_values.pop("responsible"),
                    values=activity_values,
                )
            )
        period.focus_areas.append(focus_area)
    return period


def _carry_over(content):
    """Put the extended period's focus areas and activities first in a period that carries them over."""
    by_key = {(period.municipality_code, period.start_year): period for period in content.periods}
    for period in content.periods:  # sorted by start year, so an origin is complete before it is copied
        if not period.carry_over:
            continue
        origin = by_key.get((period.municipality_code, period.extends))
        if origin is None:
            _fail(f"{period.where}.carry_over", _("kräver att extends pekar på en period i innehållsfilerna"))
        carried = _("överfört från")  # outside the f-strings, so that makemessages finds it
        copied = [
            FocusAreaSpec(
                where=f"{period.where} ({carried} {origin.where})",
                title=focus_area.title,
                order=focus_area.order,
                themes=list(focus_area.themes),
                values=dict(focus_area.values),
                activities=[
                    ActivitySpec(
                        where=f"{period.where} ({carried} {activity.where})",
                        order=activity.order,
                        values=dict(activity.values),
                        responsible=list(activity.responsible),
                        carried_from=(origin.start_year, focus_area.title, activity.order),
                    )
                    for activity in focus_area.activities
                ],
            )
            for focus_area in origin.focus_areas
        ]
        for focus_area in period.focus_areas:
            focus_area.order += len(copied)
        period.focus_areas = copied + period.focus_areas


def _check_references(content):
    """Every name a file points at must exist in the files themselves, not just somewhere in the database."""
    codes = set()
    for _where, _values, municipalities in content.places:
        for where, values in municipalities:
            if values["code"] in codes:
                _fail(f"{where}.code", _("kommunkoden ”%(value)s” finns redan") % {"value": values["code"]})
            codes.add(values["code"])
    theme_slugs = set()
    for where, values in content.themes:
        if values["slug"] in theme_slugs:
            _fail(f"{where}.slug", _("temat ”%(value)s” finns redan") % {"value": values["slug"]})
        theme_slugs.add(values["slug"])

    periods = {}
    for period in content.periods:
        key = (period.municipality_code, period.start_year)
        if period.municipality_code not in codes:
            _fail(
                f"{period.where.split(':')[0]}: municipality_code",
                _("okänd kommunkod ”%(value)s”") % {"value": period.municipality_code},
            )
        if key in periods:
            _fail(f"{period.where}.start_year", _("kommunen har redan en period som börjar det året"))
        if period.extends is not None and (period.municipality_code, period.extends) not in periods:
            _fail(
                f"{period.where}.extends",
                _("ingen tidigare period för kommunen börjar %(year)s") % {"year": period.extends},
            )
        periods[key] = period
        party_names = [values["name"] for _where, values in period.parties]
        for where, values in period.parties:
            if party_names.count(values["name"]) > 1:
                _fail(f"{where}.name", _("parten ”%(value)s” står två gånger") % {"value": values["name"]})
        for where, values in period.signatories:
            if values["party"] and values["party"] not in party_names:
                _fail(f"{where}.party", _unknown_party(values["party"], party_names))
        titles = [focus_area.title for focus_area in period.focus_areas]
        activity_titles = []
        for focus_area in period.focus_areas:
            if titles.count(focus_area.title) > 1:
                _fail(f"{focus_area.where}.title", _("rubriken finns två gånger i perioden"))
            for i, slug in enumerate(focus_area.themes):
                if slug not in theme_slugs:
                    _fail(
                        f"{focus_area.where}.themes[{i}]",
                        _("okänt tema ”%(value)s”; välj bland: %(allowed)s") % _allowed(slug, sorted(theme_slugs)),
                    )
                if slug in focus_area.themes[:i]:
                    _fail(f"{focus_area.where}.themes[{i}]", _("temat står två gånger"))
            for activity in focus_area.activities:
                for name in activity.responsible:
                    if name not in party_names:
                        _fail(f"{activity.where}.responsible", _unknown_party(name, party_names))
                title = activity.values["title"]
                if title and title in activity_titles:
                    _fail(f"{activity.where}.title", _("en annan aktivitet i perioden har samma rubrik"))
                activity_titles.append(title)

    follow_up_keys = set()
    for where, values, area_reports, reports in content.follow_ups:
        period = periods.get((values["municipality_code"], values["period"]))
        if period is None:
            _fail(
                f"{where}.period",
                _("ingen period för kommunkod ”%(code)s” börjar %(year)s")
                % {"code": values["municipality_code"], "year": values["period"]},
            )
        key = (values["municipality_code"], values["period"], values["year"])
        if key in follow_up_keys:
            _fail(f"{where}.year", _("det finns redan en uppföljning för det året"))
        follow_up_keys.add(key)
        area_titles = [focus_area.title for focus_area in period.focus_areas]
        for report_where, report in area_reports:
            if report["focus_area"] not in area_titles:
                _fail(
                    f"{report_where}.focus_area",
                    _("inget fokusområde i perioden har rubriken ”%(value)s”; välj bland: %(allowed)s")
                    % _allowed(report["focus_area"], area_titles),
                )
        reported_areas = [report["focus_area"] for _where, report in area_reports]
        for report_where, report in area_reports:
            if reported_areas.count(report["focus_area"]) > 1:
                _fail(f"{report_where}.focus_area", _("fokusområdet har redan en rapport i uppföljningen"))
        activities = period.activities_by_title()
        for report_where, report in reports:
            if report["activity"] not in activities:
                _fail(
                    f"{report_where}.activity",
                    _("ingen aktivitet i perioden har rubriken ”%(value)s”; välj bland: %(allowed)s")
                    % _allowed(report["activity"], activities),
                )
        reported = [report["activity"] for _where, report in reports]
        for report_where, report in reports:
            if reported.count(report["activity"]) > 1:
                _fail(f"{report_where}.activity", _("aktiviteten har redan en rapport i uppföljningen"))

    dialogue_keys = set()
    for where, values in content.dialogues:
        if values["municipality_code"] not in codes:
            _fail(
                f"{where}.municipality_code",
                _("okänd kommunkod ”%(value)s”") % {"value": values["municipality_code"]},
            )
        key = (values["municipality_code"], values["starts_at"], values["place"])
        if key in dialogue_keys:
            _fail(f"{where}.starts_at", _("kommunen har redan en dialog på samma plats och tid"))
        dialogue_keys.add(key)


def _unknown_party(name, party_names):
    return _("okänd part ”%(value)s”; perioden har: %(allowed)s") % _allowed(name, party_names)


# --- Writing ---


@dataclass
class LoadResult:
    update: bool
    with_examples: bool
    counts: dict = field(default_factory=lambda: {model: Counter() for model in CONTENT_MODELS})
    notes: list = field(default_factory=list)

    @property
    def changed(self):
        return any(counter["created"] or counter["updated"] for counter in self.counts.values())

    def summary(self):
        mode = (
            _("--update: filernas värden skrevs över befintliga rader")
            if self.update
            else _("befintliga rader lämnades orörda")
        )
        lines = [_("Innehåll inläst från promises/content/ och surveys/content/ (%(mode)s).") % {"mode": mode}]
        for model, counter in self.counts.items():
            if not sum(counter.values()):
                continue
            label = capfirst(model._meta.verbose_name_plural)
            if self.update:
                line = _("%(label)s: %(created)d nya, %(updated)d uppdaterade, %(unchanged)d oförändrade")
            else:
                line = _("%(label)s: %(created)d nya, %(kept)d fanns redan")
            lines.append("  " + line % {"label": label, **{key: counter[key] for key in _STATES}})
        lines.extend(f"  {note}" for note in self.notes)
        if not self.with_examples:
            lines.append(_("Exempeluppföljningar lästes inte in (lägg till --with-examples)."))
        if not self.changed:
            lines.append(_("Ingenting ändrades."))
        return "\n".join(lines)


_STATES = ("created", "updated", "unchanged", "kept")


class _Writer:
    def __init__(self, *, update, result):
        self.update = update
        self.result = result
        self.now = timezone.now()
        self.municipalities = {}
        self.themes = {}
        self.periods = {}
        self.activities = {}

    def write(self, content):
        for where, values, municipalities in content.places:
            police_area = self.save_counted(PoliceArea, where, {"name": values["name"]}, _without(values, "name"))
            for municipality_where, municipality_values in municipalities:
                municipality = self.save_counted(
                    Municipality,
                    municipality_where,
                    {"code": municipality_values["code"]},
                    {**_without(municipality_values, "code"), "police_area": police_area},
                )
                self.municipalities[municipality_values["code"]] = municipality
        for where, values in content.themes:
            self.themes[values["slug"]] = self.save_counted(
                Theme, where, {"slug": values["slug"]}, _without(values, "slug")
            )
        for period in content.periods:
            self.write_period(period)
        for where, values, area_reports, reports in content.follow_ups:
            self.write_follow_up(where, values, area_reports, reports, content)
        for where, values in content.dialogues:
            lookup = {
                "municipality": self.municipalities[values["municipality_code"]],
                "starts_at": values["starts_at"],
                "place": values["place"],
            }
            self.save_counted(Dialogue, where, lookup, _without(values, "municipality_code", "starts_at", "place"))

    def write_period(self, spec):
        municipality = self.municipalities[spec.municipality_code]
        lookup = {"municipality": municipality, "start_year": spec.start_year}
        values = _without(spec.values, "start_year")
        values["extends"] = self.periods[(spec.municipality_code, spec.extends)] if spec.extends else None
        existing = PromisePeriod.objects.filter(**lookup).first()
        # The first load sets when a period went public; later loads, --update included, keep that moment.
        if values["publication"] == Publication.PUBLISHED and (existing is None or existing.published_at is None):
            values["published_at"] = self.now
        period = self.save_counted(PromisePeriod, spec.where, lookup, values)
        self.periods[(spec.municipality_code, spec.start_year)] = period

        parties = {}
        for where, values in spec.parties:
            parties[values["name"]] = self.save_counted(
                Party, where, {"period": period, "name": values["name"]}, _without(values, "name")
            )
        for where, values in spec.signatories:
            self.save_counted(
                Signatory,
                where,
                {"period": period, "name": values["name"]},
                {**_without(values, "name"), "party": parties.get(values["party"])},
            )
        for focus_spec in spec.focus_areas:
            values = {**focus_spec.values, "order": focus_spec.order}
            focus_area, state = self.upsert(
                FocusArea, focus_spec.where, {"period": period, "title": focus_spec.title}, values
            )
            # Like an activity's responsible parties: set when created, and with --update when they differ.
            themes = {self.themes[slug].pk for slug in focus_spec.themes}
            if state == "created" or (self.update and set(focus_area.themes.values_list("pk", flat=True)) != themes):
                focus_area.themes.set(themes)
                if state == "unchanged":
                    state = "updated"
            self.count(FocusArea, state)
            for activity_spec in focus_spec.activities:
                activity = self.write_activity(activity_spec, focus_area, parties, spec)
                self.activities[(spec.municipality_code, spec.start_year, focus_spec.title, activity_spec.order)] = (
                    activity
                )

    def write_activity(self, spec, focus_area, parties, period_spec):
        carried_over_from = None
        if spec.carried_from:
            carried_over_from = self.activities[(period_spec.municipality_code, *spec.carried_from)]
        values = {**spec.values, "carried_over_from": carried_over_from}
        activity, state = self.upsert(Activity, spec.where, {"focus_area": focus_area, "order": spec.order}, values)
        responsible = {parties[name].pk for name in spec.responsible}
        if state == "created" or (
            self.update and set(activity.responsible.values_list("pk", flat=True)) != responsible
        ):
            activity.responsible.set(responsible)
            if state == "unchanged":
                state = "updated"
        self.count(Activity, state)
        return activity

    def write_follow_up(self, where, values, area_reports, reports, content):
        code, start_year = values["municipality_code"], values["period"]
        period = self.periods[(code, start_year)]
        lookup = {"period": period, "year": values["year"]}
        existing = FollowUp.objects.filter(**lookup).first()
        if existing is not None and not existing.is_example:
            # Never mix invented reports into a real follow-up that a coordinator has started.
            self.result.notes.append(
                _("Hoppade över exemplet för %(follow_up)s: det finns redan en riktig uppföljning.")
                % {"follow_up": existing}
            )
            return
        values = {**_without(values, "municipality_code", "period", "year"), "is_example": True}
        follow_up = self.save_counted(FollowUp, where, lookup, values)
        period_spec = next(p for p in content.periods if (p.municipality_code, p.start_year) == (code, start_year))
        focus_areas = {focus_area.title: focus_area for focus_area in period.focus_areas.all()}
        for report_where, report_values in area_reports:
            self.save_counted(
                FocusAreaReport,
                report_where,
                {"follow_up": follow_up, "focus_area": focus_areas[report_values["focus_area"]]},
                _without(report_values, "focus_area"),
            )
        activities = period_spec.activities_by_title()
        for report_where, report_values in reports:
            focus_spec, activity_spec = activities[report_values["activity"]]
            activity = self.activities[(code, start_year, focus_spec.title, activity_spec.order)]
            self.save_counted(
                ActivityReport,
                report_where,
                {"follow_up": follow_up, "activity": activity},
                _without(report_values, "activity"),
            )

    # The single place where rows are written.

    def save_counted(self, model, where, lookup, values):
        obj, state = self.upsert(model, where, lookup, values)
        self.count(model, state)
        return obj

    def count(self, model, state):
        self.result.counts[model][state] += 1

    def upsert(self, model, where, lookup, values):
        obj = model.objects.filter(**lookup).order_by("pk").first()
        if obj is None:
            obj = model(**lookup, **values)
            self.save(obj, where)
            return obj, "created"
        if not self.update:
            return obj, "kept"
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            return obj, "unchanged"
        for name in changed:
            setattr(obj, name, values[name])
        self.save(obj, where)
        return obj, "updated"

    def save(self, obj, where):
        try:
            obj.full_clean()
        except ValidationError as error:
            messages = "; ".join(
                f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                for name, errors in error.message_dict.items()
            )
            _fail(where, _("ogiltigt enligt modellens regler: %(messages)s") % {"messages": messages})
        obj.save()


def _without(values, *keys):
    return {key: value for key, value in values.items() if key not in keys}


def _differs(obj, name, value):
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _published_as_loaded():
    """A published record from the files is published as loaded: its snapshot is what the preview compares with."""
    for model in (PromisePeriod, FollowUp):
        for obj in model.objects.filter(publication=Publication.PUBLISHED, published_version__isnull=True):
            obj.published_version = obj.content_version
            obj.published_snapshot = content_snapshot(obj)
            obj.save(update_fields=["published_version", "published_snapshot"])


def content_load(*, with_examples=False, update=False, stdout=None):
    """Load the content files into the database, in one transaction; return what was created and updated.

    Raises ContentError (a CommandError) naming the file and key when a file is malformed.
    """
    content = _read_content(CONTENT_DIR, with_examples)
    result = LoadResult(update=update, with_examples=with_examples)
    # The files are the content as it stands, not coordinators' changes to it: no content versions are made.
    with transaction.atomic(), suspended():
        _Writer(update=update, result=result).write(content)
        _published_as_loaded()
    if stdout is not None:
        stdout.write(result.summary())
    return result
