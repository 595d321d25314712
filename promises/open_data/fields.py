"""The open-data fields: one definition of the follow-up format's columns and JSON keys.

The exporter, the documentation page at /oppna-data/, the DCAT catalogue and the admin's CSV import all read
``FIELDS``, so that the file, its documentation and its reader cannot drift apart.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from promises.models import ReportStatus


class Level:
    """Where a field sits in the nested JSON: municipality → periods → focus areas → activities → reports.

    Reports sit at two places with the same fields: a focus area's own yearly reports, and each activity's.
    ROW is the CSV's alone: what a row follows up, which the JSON says by where a report sits.
    """

    MUNICIPALITY = "municipality"
    PERIOD = "period"
    FOCUS_AREA = "focus_area"
    ROW = "row"
    ACTIVITY = "activity"
    REPORT = "report"

    LABELS = {
        MUNICIPALITY: _("kommun"),
        PERIOD: _("period"),
        FOCUS_AREA: _("fokusområde"),
        ROW: _("rad (bara i CSV-filen)"),
        ACTIVITY: _("aktivitet"),
        REPORT: _("årlig rapport, för fokusområdet och för varje aktivitet"),
    }


class RowType:
    """The CSV's row_type: a row follows up a focus area as a whole, or one activity in it."""

    FOCUS_AREA = "focus_area"
    ACTIVITY = "activity"


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
    # Read by the admin's import: "required" columns must be present, "key" columns name the row's focus area or
    # activity (one of them must be present), "optional" ones change the report when present; the others are
    # there for the reader and are ignored by the import.
    import_role: str = ""


REQUIRED = "required"
KEY = "key"
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
    Field(
        "focus_area_id",
        FieldType.INTEGER,
        Level.FOCUS_AREA,
        _("Fokusområdets nummer i portalen. Ändras aldrig, så att samma område kan följas mellan filer och år."),
        KEY,
    ),
    Field("focus_area", FieldType.TEXT, Level.FOCUS_AREA, _("Fokusområdets rubrik, som i det undertecknade löftet.")),
    Field(
        "themes",
        FieldType.CODE,
        Level.FOCUS_AREA,
        _(
            "De nationella teman som fokusområdet hör till (t.ex. ”trafik”), i bokstavsordning. I CSV-filen "
            "skilda med semikolon och mellanslag (”droger; grannsamverkan”), tomt om inget tema är valt; i JSON "
            "en lista, tom om inget tema är valt."
        ),
    ),
    Field(
        "row_type",
        FieldType.CODE,
        Level.ROW,
        _(
            "Vad raden följer upp: focus_area för fokusområdet som helhet (aktivitetens fält är då tomma) eller "
            "activity för en aktivitet. I JSON-filen står fokusområdets rapporter under focus_areas → reports och "
            "aktiviteternas under activities → reports."
        ),
        KEY,
    ),
    Field(
        "activity_id",
        FieldType.INTEGER,
        Level.ACTIVITY,
        _("Aktivitetens nummer i portalen. Ändras aldrig, så att samma aktivitet kan följas mellan filer och år."),
        KEY,
    ),
    Field("activity_title", FieldType.TEXT, Level.ACTIVITY, _("Aktivitetens korta rubrik, om den har någon.")),
    Field("activity_text", FieldType.TEXT, Level.ACTIVITY, _("Löftet ordagrant, som i det undertecknade dokumentet.")),
    Field(
        "responsible",
        FieldType.TEXT,
        Level.ACTIVITY,
        _("De parter som lovar aktiviteten. I CSV-filen skilda med semikolon, i JSON en lista."),
    ),
    Field(
        "added_after_signing",
        FieldType.BOOLEAN,
        Level.ACTIVITY,
        _(
            "true om aktiviteten lades till fokusområdet under perioden och alltså inte står i det undertecknade "
            "löftet, false om den gör det."
        ),
    ),
    Field(
        "added_on",
        FieldType.DATE,
        Level.ACTIVITY,
        _("Dagen då aktiviteten lades till, för en aktivitet som lagts till efter undertecknandet; annars tomt."),
    ),
    Field("activity_url", FieldType.URL, Level.ACTIVITY, _("Aktiviteten på medborgarlöftets sida.")),
    Field(
        "year",
        FieldType.YEAR,
        Level.REPORT,
        _("Året som rapporten gäller. Tomt om fokusområdet eller aktiviteten ännu inte har någon publicerad rapport."),
        REQUIRED,
    ),
    Field(
        "status",
        FieldType.CODE,
        Level.REPORT,
        _(
            "Fokusområdets eller aktivitetens status det året, som kod: %(codes)s. Tomt om det inte finns någon "
            "rapport."
        ),
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
        "done_en",
        FieldType.TEXT,
        Level.REPORT,
        _("Samma sak på engelska, om den är översatt; annars tomt. Den svenska texten är den officiella."),
        OPTIONAL,
    ),
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
        _("Skälet när fokusområdet eller aktiviteten är försenad, omförhandlad eller avbruten (krävs då)."),
        OPTIONAL,
    ),
    Field(
        "reason_en", FieldType.TEXT, Level.REPORT, _("Skälet på engelska, om det är översatt; annars tomt."), OPTIONAL
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
LEVELS = (Level.MUNICIPALITY, Level.PERIOD, Level.FOCUS_AREA, Level.ROW, Level.ACTIVITY, Level.REPORT)


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
