"""/oppna-data/datapackage.json: the CSV files' fields and types as a Frictionless Table Schema.

The schema is made from the same field list that writes the CSV, and here a generated CSV, with every kind of row
and hostile text in it, is read against it: its header must be the schema's fields in order, and every cell must
be valid for its declared type and constraints (https://datapackage.org/standard/table-schema/). The validator is
a few lines of the standard library, so the check needs no extra dependency.
"""

import csv
import datetime
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from promises.models import ReportStatus
from promises.open_data import fields
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db

URL = "/oppna-data/datapackage.json"


def package(client):
    response = client.get(reverse("open_data_datapackage"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def csv_file(client, url):
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))


def cell_errors(value, field, missing_values):
    """What is wrong with one CSV cell under a Table Schema field (types used by the portal), or []."""
    constraints = field.get("constraints", {})
    if value in missing_values:
        return ["required but missing"] if constraints.get("required") else []
    kind = field["type"]
    try:
        if kind == "integer":
            assert re.fullmatch(r"-?[0-9]+", value)
            number = int(value)
            if "minimum" in constraints:
                assert number >= constraints["minimum"], f"below {constraints['minimum']}"
        elif kind == "year":
            assert re.fullmatch(r"[0-9]{4}", value)
        elif kind == "date":
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
            datetime.date.fromisoformat(value)
        elif kind == "boolean":
            assert value in field["trueValues"] + field["falseValues"]
        elif kind == "string":
            if field.get("format") == "uri":
                parts = urlsplit(value)
                assert parts.scheme in ("http", "https") and parts.netloc, "not an absolute address"
        else:
            return [f"unknown type {kind}"]
        if "enum" in constraints:
            assert value in constraints["enum"], "not one of the codes"
        if "pattern" in constraints:
            assert re.fullmatch(constraints["pattern"], value), "does not match the pattern"
    except (AssertionError, ValueError) as error:
        return [f"{value!r} is not a valid {kind}: {error}"]
    return []


@pytest.fixture
def every_kind_of_row(vasterbotten):
    """Besides vasterbotten's rows: a period without focus areas, an area without activities, empty and full
    report fields, an activity added after signing, an example follow-up and text that looks like a formula."""
    make_period(municipality=make_municipality(name="Bjurholm", slug="bjurholm", code="2403"), start_year=2024)
    period = make_period(municipality=make_municipality(name="Nordmaling", slug="nordmaling", code="2401"))
    make_focus_area(period, title="Utan aktiviteter")
    focus_area = make_focus_area(period, title="=SUMMA(A1)")
    added = make_activity(focus_area, title="", added_after_signing=True, added_on=datetime.date(2024, 3, 1))
    signed = make_activity(focus_area, title="Trygghetsvandring", text='-1; "citat"\nny rad')
    follow_up = make_follow_up(period, year=2023, is_example=True)
    make_report(follow_up, added, status=ReportStatus.DONE, count=3, count_label="vandringar")
    make_report(
        follow_up,
        signed,
        status=ReportStatus.DELAYED,
        done="",
        reason="Vädret",
        reason_en="The weather",
        evidence_url="https://example.se/underlag",
    )
    make_area_report(follow_up, focus_area, status=ReportStatus.IN_PROGRESS, done="@hela året")
    return period


def test_address_is_stable_and_the_page_and_the_catalogue_link_it(resident, vasterbotten):
    assert reverse("open_data_datapackage") == URL
    assert URL in resident.get(reverse("open_data")).content.decode()
    assert f"http://testserver{URL}".encode() in resident.get(reverse("open_data_catalogue")).content


def test_the_schema_lists_the_csv_fields_in_order_with_their_descriptions(resident, vasterbotten):
    document = package(resident)
    [resource] = document["resources"]
    schema = resource["schema"]

    assert [field["name"] for field in schema["fields"]] == list(fields.FIELD_NAMES)
    assert all(field["description"] for field in schema["fields"])
    assert resource["path"] == "http://testserver/oppna-data/medborgarloften.csv"
    assert resource["dialect"]["delimiter"] == ";"
    assert document["licenses"][0]["path"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    types = {field["name"]: field["type"] for field in schema["fields"]}
    assert types["year"] == "year" and types["count"] == "integer" and types["published_on"] == "date"
    assert types["added_after_signing"] == "boolean" and types["status"] == "string"
    by_name = {field["name"]: field for field in schema["fields"]}
    assert by_name["status"]["constraints"]["enum"] == list(ReportStatus.values)
    assert by_name["period_url"]["format"] == "uri"


@pytest.mark.parametrize("which", ["all", "kommun", "period"])
def test_every_value_of_a_generated_csv_is_valid_for_its_declared_type(resident, every_kind_of_row, which):
    url = {
        "all": reverse("open_data_all_csv"),
        "kommun": reverse("open_data_municipality_csv", args=["nordmaling"]),
        "period": reverse("open_data_period_csv", args=["nordmaling", 2023, 2025]),
    }[which]
    schema = package(resident)["resources"][0]["schema"]

    header, *rows = csv_file(resident, url)

    assert header == [field["name"] for field in schema["fields"]]
    assert len(rows) >= 4
    errors = [
        f"row {number}, {field['name']}: {error}"
        for number, row in enumerate(rows, start=2)
        for value, field in zip(row, schema["fields"], strict=True)
        for error in cell_errors(value, field, schema["missingValues"])
    ]
    assert errors == []


def test_the_validator_would_catch_a_wrong_value(resident, vasterbotten):
    schema = {field["name"]: field for field in package(resident)["resources"][0]["schema"]["fields"]}

    assert cell_errors("tre", schema["count"], [""])
    assert cell_errors("-1", schema["count"], [""])
    assert cell_errors("2023-02-30", schema["published_on"], [""])
    assert cell_errors("ja", schema["added_after_signing"], [""])
    assert cell_errors("klar", schema["status"], [""])
    assert cell_errors("/relativ/", schema["period_url"], [""])
    assert cell_errors("", schema["municipality"], [""])
    assert cell_errors("", schema["count"], [""]) == []


def test_the_schema_takes_no_query_and_any_page_may_read_it(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = resident.get(URL)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
