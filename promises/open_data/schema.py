"""The CSV files described for machines: a Frictionless Data Package with a Table Schema (datapackage.json).

Made from promises/open_data/fields.py, the same field list that writes the CSV, so that the file and its schema
cannot drift apart (tests/promises/test_open_data_schema.py reads a generated CSV against it). Specifications:
https://datapackage.org/standard/table-schema/ and https://datapackage.org/standard/csv-dialect/.

Like the catalogue, the descriptions are Swedish whatever the visitor's language: the files are the same for all.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from promises.models import ReportStatus
from promises.open_data import export
from promises.open_data.fields import FIELDS, FieldType, RowType, field_description

TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

# The fields that every row has (a period is listed even when it has nothing below it).
ALWAYS_PRESENT = ("municipality", "municipality_code", "period_start_year", "period_end_year", "period_url")
# Text that is one of a fixed set of codes, or has a fixed shape.
ENUMS = {
    "row_type": [RowType.FOCUS_AREA, RowType.ACTIVITY],
    "status": list(ReportStatus.values),
}
PATTERNS = {"municipality_code": "[0-9]{4}"}
# Counts and the portal's ids are never negative (the database constrains the count; ids start at 1).
MINIMUMS = {"count": 0, "focus_area_id": 1, "activity_id": 1}


def _type(field_type):
    """The Table Schema type and format for one of fields.FieldType (lazy texts: compared by identity)."""
    if field_type is FieldType.INTEGER:
        return {"type": "integer"}
    if field_type is FieldType.YEAR:
        return {"type": "year"}
    if field_type is FieldType.DATE:
        return {"type": "date"}  # the default format: ISO 8601, YYYY-MM-DD
    if field_type is FieldType.BOOLEAN:
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if field_type is FieldType.URL:
        return {"type": "string", "format": "uri"}
    return {"type": "string"}


def table_schema():
    """The CSV's columns as a Table Schema, in the order of the file's header."""
    columns = []
    with translation.override(settings.LANGUAGE_CODE):
        for field in FIELDS:
            column = {"name": field.name, **_type(field.type), "description": field_description(field)}
            constraints = {}
            if field.name in ALWAYS_PRESENT:
                constraints["required"] = True
            if field.name in ENUMS:
                constraints["enum"] = ENUMS[field.name]
            if field.name in PATTERNS:
                constraints["pattern"] = PATTERNS[field.name]
            if field.name in MINIMUMS:
                constraints["minimum"] = MINIMUMS[field.name]
            if constraints:
                column["constraints"] = constraints
            columns.append(column)
    return {
        "$schema": TABLE_SCHEMA_PROFILE,
        "fields": columns,
        # An empty cell is a missing value (the JSON's null).
        "missingValues": [""],
        "fieldsMatch": "equal",
    }


def data_package(*, base_url):
    """datapackage.json: the national CSV file as a resource with its dialect, licence and schema."""
    base_url = base_url.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        documentation = base_url + reverse("open_data")
        csv_url = base_url + reverse("open_data_all_csv")
    return {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": "medborgarloften",
        "title": "Medborgarlöften och deras årliga uppföljning",
        "description": (
            "Alla publicerade medborgarlöften: en rad per fokusområde och år och en per aktivitet och år. Samma "
            "schema gäller filerna för en kommun och för en period. Fälten beskrivs också på " + documentation
        ),
        "homepage": documentation,
        "licenses": [{"name": "CC0-1.0", "path": export.LICENSE_URL, "title": export.LICENSE_NAME}],
        "resources": [
            {
                "name": "medborgarloften",
                "path": csv_url,
                "format": "csv",
                "mediatype": "text/csv",
                # UTF-8 with a byte-order mark for Excel (portal/csv_export.py); readers skip the mark.
                "encoding": "utf-8",
                "dialect": {"delimiter": export.CSV_DELIMITER, "header": True, "quoteChar": '"'},
                "schema": table_schema(),
            }
        ],
    }
