"""/oppna-data/…csv and …json: every published promise and yearly report, for everything, a kommun or a period."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from promises.models import ReportStatus
from promises.open_data import export, fields
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db


def content(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    body = content(response)
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def json_body(response):
    return json.loads(content(response))


def activity_rows(rows):
    return [row for row in rows if row["row_type"] == "activity"]


def area_rows(rows):
    return [row for row in rows if row["row_type"] == "focus_area"]


def all_urls():
    return [reverse("open_data_all_csv"), reverse("open_data_all_json")]


def municipality_urls(slug):
    return [reverse(f"open_data_municipality_{kind}", args=[slug]) for kind in ("csv", "json")]


def period_urls(slug, start, end):
    return [reverse(f"open_data_period_{kind}", args=[slug, start, end]) for kind in ("csv", "json")]


def every_url(vasterbotten):
    return [*all_urls(), *municipality_urls("vindeln"), *period_urls("vindeln", 2023, 2025)]


# --- The CSV ---


def test_csv_has_one_row_per_focus_area_and_activity_and_published_report(resident, vasterbotten):
    rows = csv_rows(resident.get(reverse("open_data_all_csv")))

    # Two kommuner × two focus areas, each area with its own report and two activities, one published year each.
    assert len(rows) == 2 * 2 * (1 + 2)
    assert len(area_rows(rows)) == 4 and len(activity_rows(rows)) == 8
    assert list(rows[0]) == list(fields.FIELD_NAMES)
    # A focus area's own row first, then its activities'.
    assert [row["row_type"] for row in rows[:3]] == ["focus_area", "activity", "activity"]
    first = activity_rows(rows)[0]
    assert first["municipality"] == "Umeå"  # kommuner in alphabetical order
    assert first["period_start_year"] == "2023" and first["period_end_year"] == "2025"
    assert first["year"] == "2023"
    assert first["status"] == "done" and first["status_label"] == "Genomförd"
    assert first["is_example"] == "false"
    assert first["published_on"] == "2024-02-15"
    assert first["follow_up_url"] == "http://testserver/umea/2023-2025/uppfoljning/2023/"
    assert first["period_url"] == "http://testserver/umea/2023-2025/"
    assert first["activity_url"] == f"http://testserver/umea/2023-2025/#activity-{first['activity_id']}"
    assert first["responsible"] == "Umeå kommun; Lokalpolisområde Test"


def test_csv_is_utf8_with_a_byte_order_mark_semicolons_and_served_as_an_attachment(resident, vasterbotten):
    response = resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="medborgarloften-vindeln-2023-2025.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    body = content(response)
    assert body.startswith("\ufeffmunicipality;municipality_code;".encode())
    assert b"Vindeln" in body


@pytest.mark.parametrize(
    ("name", "args", "filename"),
    [
        ("open_data_all_csv", [], "medborgarloften.csv"),
        ("open_data_all_json", [], "medborgarloften.json"),
        ("open_data_municipality_csv", ["vindeln"], "medborgarloften-vindeln.csv"),
        ("open_data_municipality_json", ["vindeln"], "medborgarloften-vindeln.json"),
        ("open_data_period_json", ["vindeln", 2023, 2025], "medborgarloften-vindeln-2023-2025.json"),
    ],
)
def test_files_are_named_for_what_they_hold(resident, vasterbotten, name, args, filename):
    response = resident.get(reverse(name, args=args))
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_kommun_and_period_files_hold_only_their_own_rows(resident, vasterbotten):
    kommun = csv_rows(resident.get(reverse("open_data_municipality_csv", args=["vindeln"])))
    period = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    assert {row["municipality"] for row in kommun} == {"Vindeln"}
    assert len(kommun) == len(period) == 6


def test_an_activity_without_a_published_report_is_listed_with_empty_report_fields(resident, vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    focus_area = period.focus_areas.first()
    activity = make_activity(focus_area, text="Kommunen lovar en ny insats i år.")

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    row = next(row for row in rows if row["activity_id"] == str(activity.pk))
    assert row["activity_text"] == "Kommunen lovar en ny insats i år."
    assert row["year"] == row["status"] == row["status_label"] == row["follow_up_url"] == ""


def test_a_focus_area_without_activities_has_a_row_of_its_own(resident, vasterbotten):
    make_focus_area(vasterbotten["periods"]["vindeln"], title="Otrygga platser", order=99)

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    [row] = [row for row in rows if row["focus_area"] == "Otrygga platser"]
    assert row["row_type"] == "focus_area"
    assert row["activity_id"] == row["activity_text"] == row["year"] == ""


def test_focus_area_reports_have_rows_of_their_own_with_every_report_field(resident, vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    focus_area = make_focus_area(period, title="Otrygga platser", order=99)
    make_area_report(
        period.follow_ups.get(year=2023),
        focus_area,
        status=ReportStatus.DELAYED,
        done="Två trygghetsvandringar.",
        done_en="Two safety walks.",
        count=2,
        count_label="trygghetsvandringar",
        reason="Sjukdom.",
        reason_en="Illness.",
        evidence_url="https://www.vindeln.se/trygghet",
    )

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    [row] = [row for row in rows if row["focus_area"] == "Otrygga platser"]
    assert row["row_type"] == "focus_area"
    assert row["focus_area_id"] == str(focus_area.pk)
    assert row["activity_id"] == row["activity_text"] == row["added_after_signing"] == row["added_on"] == ""
    assert (row["year"], row["status"], row["status_label"]) == ("2023", "delayed", "Försenad")
    assert (row["done"], row["done_en"]) == ("Två trygghetsvandringar.", "Two safety walks.")
    assert (row["count"], row["count_label"]) == ("2", "trygghetsvandringar")
    assert (row["reason"], row["reason_en"]) == ("Sjukdom.", "Illness.")
    assert row["evidence_url"] == "https://www.vindeln.se/trygghet"
    assert row["follow_up_url"] == "http://testserver/vindeln/2023-2025/uppfoljning/2023/"
    assert row["published_on"] == "2024-02-15" and row["is_example"] == "false"


def test_activities_say_whether_they_were_added_after_signing(resident, vasterbotten):
    focus_area = vasterbotten["periods"]["vindeln"].focus_areas.first()
    added = make_activity(focus_area, added_after_signing=True, added_on=datetime.date(2024, 5, 2))

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))
    document = json_body(resident.get(reverse("open_data_period_json", args=["vindeln", 2023, 2025])))

    by_id = {row["activity_id"]: row for row in activity_rows(rows)}
    assert (by_id[str(added.pk)]["added_after_signing"], by_id[str(added.pk)]["added_on"]) == ("true", "2024-05-02")
    signed = next(pk for pk in by_id if pk != str(added.pk))
    assert (by_id[signed]["added_after_signing"], by_id[signed]["added_on"]) == ("false", "")
    activities = {
        activity["activity_id"]: activity
        for focus_area in document["municipalities"][0]["periods"][0]["focus_areas"]
        for activity in focus_area["activities"]
    }
    assert activities[added.pk]["added_after_signing"] is True
    assert activities[added.pk]["added_on"] == "2024-05-02"
    assert activities[int(signed)]["added_after_signing"] is False
    assert activities[int(signed)]["added_on"] is None  # absent is null in JSON, as the documentation says


def test_status_codes_and_swedish_labels_are_the_same_on_the_english_address(resident, vasterbotten):
    rows = activity_rows(csv_rows(resident.get("/en" + reverse("open_data_all_csv"))))

    assert rows[0]["status_label"] == "Genomförd"
    assert rows[0]["period_url"] == "http://testserver/umea/2023-2025/"


def test_text_with_separators_quotes_and_line_breaks_survives(resident, vasterbotten):
    report = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2023).reports.first()
    report.done = 'Två insatser; en "stor" och en liten.\nOch en till på en ny rad.'
    report.save()

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    assert report.done in [row["done"] for row in rows]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example")', "+1", "-1", "@SUM(A1)", "\tx", "'=1+1"])
def test_formula_like_text_is_escaped_and_the_escape_can_be_undone(resident, vasterbotten, text):
    report = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2023).reports.first()
    report.done = text
    report.save()

    rows = csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    cell = next(row["done"] for row in rows if row["activity_id"] == str(report.activity_id))
    assert cell == "'" + text
    assert export.csv_uncell(cell) == text


def test_formula_like_text_in_a_focus_area_report_is_escaped_too(resident, vasterbotten):
    report = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2023).area_reports.first()
    report.done = '=HYPERLINK("http://evil.example")'
    report.done_en = "@SUM(A1)"
    report.save()

    rows = area_rows(csv_rows(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025]))))

    row = next(row for row in rows if row["focus_area_id"] == str(report.focus_area_id))
    assert (row["done"], row["done_en"]) == ('\'=HYPERLINK("http://evil.example")', "'@SUM(A1)")


def test_a_formula_in_the_header_row_would_be_escaped_too(resident, vasterbotten, monkeypatch):
    # The header is the fixed field names today; it goes through the same writer as every other row, so that a
    # field name can never become a formula either.
    rows = export.iter_csv_rows

    def with_formula_header(*args, **kwargs):
        header, *data = rows(*args, **kwargs)
        return iter([["=cmd|' /C calc'!A0", *header[1:]], *data])

    monkeypatch.setattr(export, "iter_csv_rows", with_formula_header)

    body = content(resident.get(reverse("open_data_period_csv", args=["vindeln", 2023, 2025])))

    assert body.startswith("\ufeff'=cmd|' /C calc'!A0;municipality_code;".encode())


def test_example_follow_ups_are_included_and_flagged(resident, vasterbotten):
    follow_up = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2023)
    follow_up.is_example = True
    follow_up.save()

    rows = csv_rows(resident.get(reverse("open_data_all_csv")))
    document = json_body(resident.get(reverse("open_data_all_json")))

    flags = {row["municipality"]: row["is_example"] for row in rows}
    assert flags == {"Vindeln": "true", "Umeå": "false"}
    vindeln = next(m for m in document["municipalities"] if m["municipality"] == "Vindeln")
    report = vindeln["periods"][0]["focus_areas"][0]["activities"][0]["reports"][0]
    assert report["is_example"] is True


# --- Drafts are never exported ---


def test_draft_follow_up_reports_are_in_no_file(resident, vasterbotten):
    draft = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2024)
    focus_area = vasterbotten["periods"]["vindeln"].focus_areas.first()
    activity = focus_area.activities.first()
    make_report(draft, activity, done="Hemligt utkast som inte får synas.", status=ReportStatus.DELAYED, reason="x")
    make_area_report(draft, focus_area, done="Hemligt utkast för området.", done_en="Hemligt på engelska.")

    for url in every_url(vasterbotten):
        body = content(resident.get(url))
        assert b"Hemligt utkast" not in body, url
        assert b"2024" not in body.replace(b"2024-02-15", b""), url


def test_draft_period_is_in_no_file_and_its_own_files_are_404(resident, vasterbotten):
    draft = make_period(published=False, municipality=vasterbotten["vindeln"], start_year=2026, end_year=2027)
    make_activity(make_focus_area(draft, title="Hemligt område"), text="Hemligt löfte i ett utkast.")

    for url in [*all_urls(), *municipality_urls("vindeln")]:
        assert b"Hemligt" not in content(resident.get(url)), url
    for url in period_urls("vindeln", 2026, 2027):
        assert resident.get(url).status_code == 404


def test_kommun_with_only_a_draft_period_or_none_has_no_files(resident, vasterbotten):
    draft_only = make_municipality(slug="bjurholm")
    make_period(published=False, municipality=draft_only)
    without = make_municipality(slug="nordmaling")

    for municipality in (draft_only, without):
        for url in municipality_urls(municipality.slug):
            assert resident.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/oppna-data/finns-inte.csv",
        "/oppna-data/finns-inte.json",
        "/oppna-data/vindeln/2022-2025.csv",
        "/oppna-data/vindeln/2023-2024.json",
        "/oppna-data/finns-inte/2023-2025.csv",
        "/oppna-data/vindeln/99999999999-1.csv",
        "/oppna-data/vindeln.xml",
    ],
)
def test_unknown_kommun_or_period_is_404(resident, vasterbotten, path):
    assert resident.get(path).status_code == 404


# --- JSON ---


def test_json_nests_kommun_periods_focus_areas_activities_and_reports(resident, vasterbotten):
    response = resident.get(reverse("open_data_municipality_json", args=["vindeln"]))

    assert response["Content-Type"] == "application/json"
    document = json_body(response)
    assert document["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert document["source"] == "http://testserver/oppna-data/vindeln.json"
    assert document["documentation"] == "http://testserver/oppna-data/"
    assert document["generated_at"][:2] == "20"
    [municipality] = document["municipalities"]
    assert municipality["municipality"] == "Vindeln"
    [period] = municipality["periods"]
    assert period["period_url"] == "http://testserver/vindeln/2023-2025/"
    assert len(period["focus_areas"]) == 2
    activity = period["focus_areas"][0]["activities"][0]
    assert activity["responsible"] == ["Vindelns kommun", "Lokalpolisområde Test"]
    [report] = activity["reports"]
    assert report["year"] == 2023
    assert report["status"] == "done" and report["status_label"] == "Genomförd"
    assert report["count"] is None
    assert report["follow_up_url"] == "http://testserver/vindeln/2023-2025/uppfoljning/2023/"
    focus_area = period["focus_areas"][0]
    assert focus_area["focus_area_id"] == vasterbotten["periods"]["vindeln"].focus_areas.first().pk
    [area_report] = focus_area["reports"]
    assert area_report["year"] == 2023
    assert area_report["status"] == "in_progress" and area_report["status_label"] == "Pågår"
    assert area_report["done"] == "Arbetet inom området pågår enligt plan."
    assert area_report["count"] is None


def test_json_uses_the_same_fields_at_each_level_as_the_documentation(resident, vasterbotten):
    document = json_body(resident.get(reverse("open_data_all_json")))

    def keys(level):
        return {f.name for f in fields.FIELDS if f.level == level}

    municipality = document["municipalities"][0]
    period = municipality["periods"][0]
    focus_area = period["focus_areas"][0]
    activity = focus_area["activities"][0]
    report = activity["reports"][0]
    assert set(municipality) == keys("municipality") | {"periods"}
    assert set(period) == keys("period") | {"focus_areas"}
    assert set(focus_area) == keys("focus_area") | {"reports", "activities"}
    assert set(activity) == keys("activity") | {"reports"}
    assert set(report) == keys("report")
    assert set(focus_area["reports"][0]) == keys("report")
    # The row's type is the CSV's alone: the JSON says it by where a report sits.
    assert keys("row") == {"row_type"}


def test_json_and_csv_hold_the_same_reports(resident, vasterbotten):
    rows = csv_rows(resident.get(reverse("open_data_all_csv")))
    document = json_body(resident.get(reverse("open_data_all_json")))

    focus_areas = [
        focus_area
        for municipality in document["municipalities"]
        for period in municipality["periods"]
        for focus_area in period["focus_areas"]
    ]
    from_json = {
        (activity["activity_id"], report["year"], report["done"] or "")
        for focus_area in focus_areas
        for activity in focus_area["activities"]
        for report in activity["reports"]
    }
    assert from_json == {(int(row["activity_id"]), int(row["year"]), row["done"]) for row in activity_rows(rows)}
    areas_from_json = {
        (focus_area["focus_area_id"], report["year"], report["status"], report["done"] or "")
        for focus_area in focus_areas
        for report in focus_area["reports"]
    }
    from_csv = {(int(row["focus_area_id"]), int(row["year"]), row["status"], row["done"]) for row in area_rows(rows)}
    assert areas_from_json == from_csv and len(from_csv) == 4


def _json_values(node, path=""):
    """Every (path, value) in a JSON document, lists and objects walked through."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _json_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _json_values(value, f"{path}[{index}]")
    else:
        yield path, node


REPORT_FIELDS = {field.name for field in fields.FIELDS if field.level == fields.Level.REPORT}
# The fields that may be missing, and are then null in the JSON as /oppna-data/ says ("tomma uppgifter är null").
MAY_BE_MISSING = {
    "activity_title",
    "added_on",
    "done",
    "done_en",
    "count",
    "count_label",
    "reason",
    "reason_en",
    "evidence_url",
}


def test_missing_values_are_null_in_the_json_never_an_empty_string(resident, db):
    period = make_period(municipality=make_municipality(name="Nordmaling", slug="nordmaling"))
    focus_area = make_focus_area(period, theme=None)
    activity = make_activity(focus_area, title="", added_on=None)
    follow_up = make_follow_up(period, year=2023)
    make_report(follow_up, activity, done="", done_en="", count=None, count_label="", reason="", evidence_url="")
    make_area_report(follow_up, focus_area, done="", count_label="", evidence_url="")

    document = json_body(resident.get(reverse("open_data_all_json")))

    values = list(_json_values(document))
    assert [path for path, value in values if value == ""] == []
    period_json = document["municipalities"][0]["periods"][0]
    area_json = period_json["focus_areas"][0]
    activity_json = area_json["activities"][0]
    missing = {
        **{name: activity_json[name] for name in ("activity_title", "added_on")},
        **{name: activity_json["reports"][0][name] for name in MAY_BE_MISSING & REPORT_FIELDS},
    }
    assert missing == dict.fromkeys(missing)
    assert area_json["themes"] == []  # a list, never null: no theme is an empty list
    for name in MAY_BE_MISSING & REPORT_FIELDS:
        assert area_json["reports"][0][name] is None, name
    # Every field the documentation lists appears, filled in or null; nothing undocumented is null by accident.
    documented = {field.name for field in fields.FIELDS}
    nulls = {path.rsplit(".", 1)[-1] for path, value in values if value is None}
    assert nulls <= MAY_BE_MISSING, nulls - MAY_BE_MISSING
    assert nulls <= documented
    # The CSV has the same fields empty, as its documentation says ("ett tomt fält betyder att uppgiften saknas").
    rows = csv_rows(resident.get(reverse("open_data_all_csv")))
    assert {name for name in MAY_BE_MISSING if rows[0][name] != ""} == set()


def test_json_is_valid_with_hostile_text(resident, vasterbotten):
    report = vasterbotten["periods"]["umea"].follow_ups.get(year=2023).reports.first()
    report.done = '"]}, {"hacked": true, </script> \u2028 \\'
    report.save()

    document = json_body(resident.get(reverse("open_data_all_json")))

    texts = json.dumps(document, ensure_ascii=False)
    assert "hacked" in texts and len(document["municipalities"]) == 2


def test_json_with_no_published_promise_is_an_empty_list(resident, db):
    document = json_body(resident.get(reverse("open_data_all_json")))
    assert document["municipalities"] == []
    rows = csv_rows(resident.get(reverse("open_data_all_csv")))
    assert rows == []


# --- Query budget: streamed in chunks, never a query per row ---


def _nation(kommuner):
    for n in range(kommuner):
        municipality = make_municipality(name=f"Kommun {n:02d}", slug=f"kommun-{n:02d}")
        make_full_period(municipality=municipality, focus_areas=2, activities=3, follow_up_years=[2023, 2024])
        make_follow_up(make_period(municipality=municipality, start_year=2026, end_year=2027), year=2026)


@pytest.mark.parametrize("kommuner", [3, 12])
def test_the_everything_files_take_six_queries_however_large(resident, django_assert_num_queries, kommuner):
    _nation(kommuner)
    for url in all_urls():
        # periods, focus areas, the areas' reports, activities, parties, the activities' reports
        with django_assert_num_queries(6):
            body = content(resident.get(url))
        assert f"Kommun {kommuner - 1:02d}".encode() in body


@pytest.mark.parametrize("kommuner", [3, 12])
def test_kommun_and_period_files_take_seven_queries_however_large(resident, django_assert_num_queries, kommuner):
    _nation(kommuner)
    for url in [*municipality_urls("kommun-01"), *period_urls("kommun-01", 2023, 2025)]:
        with django_assert_num_queries(7):  # the kommun or period, then the six of the file
            content(resident.get(url))


def test_large_files_grow_by_chunks_of_periods_not_by_rows(resident, django_assert_num_queries, monkeypatch):
    _nation(5)  # ten periods, two per kommun
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)
    with django_assert_num_queries(1 + 5 * 5):  # one streamed query, five prefetches per chunk of two periods
        rows = csv_rows(resident.get(reverse("open_data_all_csv")))
    # Per kommun: two areas with two reports and six activities with two reports, and a row for the period
    # without areas.
    assert len(rows) == 5 * (2 * 2 + 6 * 2 + 1)
