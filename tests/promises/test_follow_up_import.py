"""The follow-up admin's CSV import: the open-data format read back, checked row by row, saved all or nothing."""

import codecs
import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from promises.models import ActivityReport, FocusAreaReport, FollowUp, Publication, ReportStatus
from promises.open_data.fields import FIELD_NAMES
from promises.services import follow_up_add_missing_reports
from tests.factories import make_report

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/promises/followup/importera/"


@pytest.fixture
def vindeln_coordinator_client(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    return client


def exported_rows(client, slug="vindeln", years=(2023, 2025), row_type="activity"):
    """The public CSV of a period, as dictionaries: the file a coordinator starts from.

    Its activities' rows by default, the focus areas' with row_type="focus_area", every row with None.
    """
    response = client.get(reverse("open_data_period_csv", args=[slug, *years]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline=""), delimiter=";"))
    return [row for row in rows if row_type is None or row["row_type"] == row_type]


def to_csv(rows, header=FIELD_NAMES, *, bom=True, delimiter=";"):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header] if isinstance(row, dict) else row)
    data = out.getvalue().encode("utf-8")
    return codecs.BOM_UTF8 + data if bom else data


def preview(client, data, name="uppfoljning.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, "text/csv"), "preview": "Granska"})


def save(client, response):
    return client.post(IMPORT_URL, {"save": "Spara", "token": response.context["token"]})


def import_file(client, data, name="uppfoljning.csv"):
    response = preview(client, data, name)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "token" in response.context, response.context.get("errors")
    return save(client, response)


def errors(response):
    return [(e.line, e.column, e.message) for e in response.context["errors"]]


def reports_by_activity(follow_up):
    return {report.activity_id: report for report in follow_up.reports.all()}


def vindeln_follow_up(vasterbotten, year):
    return FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=year)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


# --- The page and how to reach it ---


def test_import_is_linked_from_the_follow_up_list_and_the_start_page(vindeln_coordinator_client):
    changelist = vindeln_coordinator_client.get(reverse("admin:promises_followup_changelist"))
    index = vindeln_coordinator_client.get(reverse("admin:index"))

    assert f'href="{IMPORT_URL}"' in changelist.content.decode()
    assert f'href="{IMPORT_URL}"' in index.content.decode()


def test_import_page_explains_the_format(vindeln_coordinator_client):
    response = vindeln_coordinator_client.get(IMPORT_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "CSV UTF-8" in html and "Granska" in html
    for column in ("activity_id", "year", "status", "done", "count", "count_label", "reason", "evidence_url"):
        assert f"<code>{column}</code>" in html


def test_the_public_and_staff_without_a_kommun_cannot_use_the_import(client, resident, staff_without_kommun):
    assert resident.get(IMPORT_URL).status_code == 302  # to the login page
    client.force_login(staff_without_kommun)
    assert client.get(IMPORT_URL).status_code in (302, 403)


# --- The round trip: export, change, import ---


def test_round_trip_export_change_and_import_changes_the_reports(vindeln_coordinator_client, vasterbotten):
    client = vindeln_coordinator_client
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(client)
    first, second = rows[0], rows[1]
    first.update(
        status="delayed",
        status_label="Försenad",
        reason="Vädret stoppade två insatser.",
        count="3",
        count_label="insatser",
    )
    second.update(status="", status_label="Delvis genomförd", done="Hälften blev gjord; resten i vår.")

    response = preview(client, to_csv(rows), name="vindeln.csv")

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 rapporter ändras i 1 uppföljning." in html
    assert "Vädret stoppade två insatser." in html
    assert reports_by_activity(follow_up)[int(first["activity_id"])].status == ReportStatus.DONE  # not saved yet

    response = save(client, response)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:promises_followup_changelist")
    reports = reports_by_activity(follow_up)
    changed = reports[int(first["activity_id"])]
    assert (changed.status, changed.reason, changed.count) == (ReportStatus.DELAYED, "Vädret stoppade två insatser.", 3)
    partly = reports[int(second["activity_id"])]
    assert (partly.status, partly.done) == (ReportStatus.PARTLY_DONE, "Hälften blev gjord; resten i vår.")
    assert "2 rapporter uppdaterade i 1 uppföljning." in " ".join(messages_of(response))


def test_a_published_follow_up_stays_public_and_is_shown_as_updated(vindeln_coordinator_client, vasterbotten):
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Rättad text efter publiceringen."

    response = import_file(vindeln_coordinator_client, to_csv(rows))

    follow_up.refresh_from_db()
    assert follow_up.publication == Publication.PUBLISHED
    assert follow_up.content_updated_at is not None
    assert "visas som en uppdatering" in " ".join(messages_of(response))
    page = vindeln_coordinator_client.get(follow_up.get_absolute_url())
    assert "Rättad text efter publiceringen." in page.content.decode()


def test_importing_the_export_unchanged_changes_nothing(vindeln_coordinator_client, vasterbotten):
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    version = follow_up.version
    history = ActivityReport.history.count(), FocusAreaReport.history.count(), FollowUp.history.count()

    response = preview(vindeln_coordinator_client, to_csv(exported_rows(vindeln_coordinator_client, row_type=None)))

    html = response.content.decode()
    assert "Filen innehåller inga ändringar." in html
    assert 'name="save"' not in html
    follow_up.refresh_from_db()
    assert follow_up.version == version and follow_up.content_updated_at is None
    assert (ActivityReport.history.count(), FocusAreaReport.history.count(), FollowUp.history.count()) == history


def test_unchanged_rows_write_nothing_beside_a_changed_one(vindeln_coordinator_client, vasterbotten):
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(vindeln_coordinator_client)
    rows[2].update(count="7", count_label="insatser")
    before = {r.pk: r.history.count() for r in follow_up.reports.all()}

    import_file(vindeln_coordinator_client, to_csv(rows))

    after = {r.pk: r.history.count() for r in follow_up.reports.all()}
    grew = [pk for pk in after if after[pk] != before[pk]]
    assert len(grew) == 1


def test_rows_for_a_year_without_a_follow_up_start_it(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)[:1]
    rows[0].update(year="2025", status="in_progress", status_label="", done="Vi har börjat.")

    response = import_file(vindeln_coordinator_client, to_csv(rows))

    follow_up = vindeln_follow_up(vasterbotten, 2025)
    assert follow_up.reports.count() == 4  # one per activity, as when it is started in the admin
    report = reports_by_activity(follow_up)[int(rows[0]["activity_id"])]
    assert (report.status, report.done) == (ReportStatus.IN_PROGRESS, "Vi har börjat.")
    assert follow_up.publication == Publication.DRAFT
    assert "Startade uppföljningar: Vindeln 2023–2025, 2025." in " ".join(messages_of(response))


def test_a_draft_follow_ups_approvals_are_withdrawn(
    vindeln_coordinator_client, vasterbotten, police_coordinator_vindeln
):
    draft = vindeln_follow_up(vasterbotten, 2024)
    follow_up_add_missing_reports(follow_up=draft)
    # Approved as promises/services.py records it: of the current content version.
    FollowUp.objects.filter(pk=draft.pk).update(
        police_approved_at=timezone.now(),
        police_approved_by=police_coordinator_vindeln,
        police_approved_version=F("content_version"),
    )
    rows = exported_rows(vindeln_coordinator_client)[:1]
    rows[0].update(year="2024", status="done", status_label="", done="Klart.")

    response = import_file(vindeln_coordinator_client, to_csv(rows))

    draft.refresh_from_db()
    assert draft.police_approved_at is None and draft.police_approved_by is None
    assert "Godkännandena togs bort för Vindeln 2023–2025, 2024." in " ".join(messages_of(response))


def test_history_rows_name_the_user_and_the_file(vindeln_coordinator_client, vasterbotten, coordinator_vindeln):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Ändrat via fil."

    import_file(vindeln_coordinator_client, to_csv(rows), name="vindeln-2023.csv")

    report = ActivityReport.objects.get(
        follow_up=vindeln_follow_up(vasterbotten, 2023), activity=rows[0]["activity_id"]
    )
    latest = report.history.first()
    assert latest.history_user == coordinator_vindeln
    assert latest.history_change_reason == "Inläst från CSV-filen vindeln-2023.csv"
    assert latest.done == "Ändrat via fil."
    follow_up_history = vindeln_follow_up(vasterbotten, 2023).history.first()
    assert follow_up_history.history_user == coordinator_vindeln


def test_status_may_be_given_as_code_or_swedish_label_in_any_case(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0].update(status="", status_label="löpande")
    rows[1].update(status="Pågår", status_label="")
    rows[2].update(status="STOPPED", status_label="Avbruten", reason="Projektet lades ned.")

    import_file(vindeln_coordinator_client, to_csv(rows))

    reports = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))
    statuses = [reports[int(row["activity_id"])].status for row in rows[:3]]
    assert statuses == [ReportStatus.CONTINUOUS, ReportStatus.IN_PROGRESS, ReportStatus.STOPPED]


def test_a_link_without_a_scheme_is_taken_as_https_like_in_the_admin(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["evidence_url"] = "www.vindeln.se/trygghet"

    import_file(vindeln_coordinator_client, to_csv(rows))

    report = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))[int(rows[0]["activity_id"])]
    assert report.evidence_url == "https://www.vindeln.se/trygghet"


def test_comma_separated_files_without_a_byte_order_mark_are_read_too(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Från en kommaseparerad fil, med å, ä och ö."

    import_file(vindeln_coordinator_client, to_csv(rows, bom=False, delimiter=","))

    report = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))[int(rows[0]["activity_id"])]
    assert report.done == "Från en kommaseparerad fil, med å, ä och ö."


def test_only_the_import_columns_are_needed(vindeln_coordinator_client, vasterbotten):
    activity_id = exported_rows(vindeln_coordinator_client)[0]["activity_id"]
    data = to_csv([[activity_id, "2023", "partly_done"]], header=["activity_id", "year", "status"])

    import_file(vindeln_coordinator_client, data)

    report = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))[int(activity_id)]
    assert report.status == ReportStatus.PARTLY_DONE
    assert report.done == "Insatsen genomfördes."  # a column that is not there leaves the field alone


# --- Errors: one report per row, and nothing saved ---


def test_errors_are_reported_per_row_and_column_and_nothing_is_saved(vindeln_coordinator_client, vasterbotten):
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(vindeln_coordinator_client)
    good = dict(rows[0], done="Den här raden är rätt men sparas inte.")
    # Skipped, as the export writes an activity without a published report: nothing to import.
    ok_too = dict(rows[1], year="", status="", status_label="", done="", published_on="", follow_up_url="")
    bad = [
        dict(rows[1], status="klar", status_label=""),  # line 4: unknown status
        dict(rows[2], status="delayed", status_label="Försenad", reason=""),  # 5: reason required
        dict(rows[3], count="-3"),  # 6: negative
        dict(rows[3], year="2024", count="tre"),  # 7: not a number
        dict(rows[3], year="2025", evidence_url="javascript:alert(1)"),  # 8: not a link
        dict(rows[0], year="2030"),  # 9: outside the period
        dict(rows[0], activity_id=""),  # 10: no activity
        dict(good),  # 11: the same activity and year again
        dict(rows[1], status="done", status_label="Försenad"),  # 12: status and label disagree
    ]
    history = ActivityReport.history.count()

    response = preview(vindeln_coordinator_client, to_csv([good, ok_too, *bad]))

    assert response.status_code == 400
    found = errors(response)
    assert [(line, column) for line, column, _message in found] == [
        (4, "status"),
        (5, "reason"),
        (6, "count"),
        (7, "count"),
        (8, "evidence_url"),
        (9, "year"),
        (10, "activity_id"),
        (11, "year"),
        (12, "status_label"),
    ]
    messages = {(line, column): message for line, column, message in found}
    assert messages[(5, "reason")] == "Ange ett skäl när statusen är försenad, omförhandlad eller avbruten."
    assert messages[(6, "count")] == "Antalet kan inte vara negativt."
    assert messages[(9, "year")] == "Året måste ligga inom perioden 2023–2025."
    assert messages[(11, "year")] == "Samma aktivitet och år står redan på rad 2."
    html = response.content.decode()
    assert "Filen har fel på 9 rader, så inget sparades." in html
    assert "2 rader är i ordning." in html
    assert "R (status)" in html  # the column as Excel names it
    assert "token" not in response.context
    assert reports_by_activity(follow_up)[int(good["activity_id"])].done == "Insatsen genomfördes."
    assert not FollowUp.objects.filter(year__in=[2025, 2030]).exists()
    assert ActivityReport.history.count() == history


def test_a_coordinator_cannot_import_rows_for_another_kommun(vindeln_coordinator_client, vasterbotten):
    umea_rows = exported_rows(vindeln_coordinator_client, slug="umea")
    umea_rows[0]["done"] = "Vindeln försöker ändra Umeå."
    umea_follow_up = FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2023)
    missing_id = max(int(row["activity_id"]) for row in umea_rows) + 1000
    nonexistent = dict(umea_rows[1], activity_id=str(missing_id))

    response = preview(vindeln_coordinator_client, to_csv([umea_rows[0], nonexistent]))

    assert response.status_code == 400
    [(line_2, column_2, other_kommun), (line_3, column_3, no_such)] = errors(response)
    assert (line_2, column_2, line_3, column_3) == (2, "activity_id", 3, "activity_id")
    # The same words as for an activity that does not exist: nothing is told about Umeå.
    assert other_kommun.replace(umea_rows[0]["activity_id"], "N") == no_such.replace(str(missing_id), "N")
    html = response.content.decode()
    assert "Umeå" not in html.replace("Vindeln försöker ändra Umeå.", "")
    assert umea_rows[0]["activity_text"] not in html
    report = reports_by_activity(umea_follow_up)[int(umea_rows[0]["activity_id"])]
    assert report.done == "Insatsen genomfördes."


def test_a_national_administrator_may_import_for_every_kommun(admin_client_for, vasterbotten):
    rows = exported_rows(admin_client_for, slug="umea")
    rows[0]["done"] = "Rättat av en nationell administratör."

    import_file(admin_client_for, to_csv(rows))

    report = reports_by_activity(FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2023))
    assert report[int(rows[0]["activity_id"])].done == "Rättat av en nationell administratör."


# --- Hostile and broken files ---


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom."),
        (codecs.BOM_UTF8 + b"  \r\n", "Filen är tom."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "Filen ser inte ut att vara en textfil."),
        (b"PK\x03\x04\x14\x00\x06\x00", "Det här är en Excel-fil, inte en CSV-fil."),
        ("activity_id;year;status\n1;2023;Genomförd\n".encode("cp1252"), "Filen är inte sparad som UTF-8"),
        ("activity_id;year;status\n1;2023;Påbörjad\n".encode("utf-16"), "Filen är inte sparad som UTF-8"),
        (b"activity_id;year;status\n", "Filen har bara en rubrikrad och inga rader att läsa in."),
        (b"activity_id;year;stauts\n1;2023;done\n", "Okänd kolumn: ”stauts”."),
        (b"activity_id;status\n1;done\n", "Kolumn saknas: ”year”."),
        (b"activity_id;year;year;status\n1;2023;2023;done\n", "finns flera gånger"),
        (b'activity_id;year;status\n1;2023;"done\n', "Filen går inte att läsa som CSV"),
    ],
    ids=["empty", "blank", "binary", "xlsx", "cp1252", "utf16", "header-only", "unknown", "missing", "twice", "quote"],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(vindeln_coordinator_client, data, message):
    response = preview(vindeln_coordinator_client, data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])


def test_the_line_of_a_wrong_encoding_is_named(vindeln_coordinator_client):
    data = b"activity_id;year;status\n1;2023;done\n2;2023;" + "Genomförd".encode("cp1252") + b"\n"
    response = preview(vindeln_coordinator_client, data)
    assert "Rad 3 går inte att läsa." in response.context["form"].errors["file"][0]


def test_a_file_over_2_mb_is_refused_without_being_stored(vindeln_coordinator_client):
    data = b"activity_id;year;status\n" + b"1;2023;done\n" * 250_000  # 3 MB

    response = preview(vindeln_coordinator_client, data)

    assert response.status_code == 413
    assert "Filen är för stor" in response.context["form"].errors["file"][0]


def test_formula_cells_are_stored_as_text_and_exported_escaped(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = '=HYPERLINK("http://evil.example","Klicka")'
    rows[1]["done"] = "'@SUM(A1:A9)"  # as the export escapes it: the apostrophe is dropped again

    import_file(vindeln_coordinator_client, to_csv(rows))

    reports = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))
    assert reports[int(rows[0]["activity_id"])].done == '=HYPERLINK("http://evil.example","Klicka")'
    assert reports[int(rows[1]["activity_id"])].done == "@SUM(A1:A9)"
    again = exported_rows(vindeln_coordinator_client)
    assert again[0]["done"] == '\'=HYPERLINK("http://evil.example","Klicka")'
    assert again[1]["done"] == "'@SUM(A1:A9)"


def test_hostile_text_in_an_error_is_escaped_on_the_page(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["status"] = "<script>alert(1)</script>"

    html = preview(vindeln_coordinator_client, to_csv(rows)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_line_break_inside_a_cell_keeps_the_row_numbers_as_in_excel(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Första raden.\nAndra raden.\nTredje raden."
    rows[1]["status"] = "okänd"

    response = preview(vindeln_coordinator_client, to_csv(rows))

    assert errors(response)[0][:2] == (3, "status")


def test_ten_thousand_rows_are_checked_quickly_with_a_capped_error_list(
    vindeln_coordinator_client, vasterbotten, django_assert_max_num_queries
):
    rows = [[str(900_000 + n), "2023", "done", "Genomfördes enligt plan."] for n in range(10_000)]
    data = to_csv(rows, header=["activity_id", "year", "status", "done"])
    assert len(data) < 2 * 1024 * 1024

    started = time.monotonic()
    with django_assert_max_num_queries(60):
        response = preview(vindeln_coordinator_client, data)
    elapsed = time.monotonic() - started

    assert response.status_code == 400
    assert len(response.context["result"].errors) == 10_000
    assert len(response.context["errors"]) == 200
    assert "…och 9800 fel till." in response.content.decode()
    assert elapsed < 20


def test_more_rows_than_allowed_are_refused(vindeln_coordinator_client):
    data = b"activity_id;year;status\n" + b"1;2023;done\n" * 20_001
    response = preview(vindeln_coordinator_client, data)
    assert "Filen har fler än 20\u00a0000 rader." in response.context["form"].errors["file"][0]


# --- Between the preview and the save ---


def test_saving_twice_saves_once(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "En gång."
    response = preview(vindeln_coordinator_client, to_csv(rows))

    first = save(vindeln_coordinator_client, response)
    history = ActivityReport.history.count(), FollowUp.history.count()
    second = save(vindeln_coordinator_client, response)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == IMPORT_URL
    assert "Det finns ingen granskad fil att spara" in " ".join(messages_of(second))
    assert (ActivityReport.history.count(), FollowUp.history.count()) == history


def test_a_follow_up_changed_after_the_preview_is_not_overwritten(
    vindeln_coordinator_client, vasterbotten, police_coordinator_vindeln
):
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Från filen."
    response = preview(vindeln_coordinator_client, to_csv(rows))
    follow_up.summary = "Polisen ändrade sammanfattningen under tiden."
    follow_up._history_user = police_coordinator_vindeln
    follow_up.save()

    saved = save(vindeln_coordinator_client, response)

    assert saved["Location"] == IMPORT_URL
    assert "Någon annan har ändrat en av uppföljningarna" in " ".join(messages_of(saved))
    assert reports_by_activity(follow_up)[int(rows[0]["activity_id"])].done == "Insatsen genomfördes."


def test_a_save_without_the_previewed_files_token_saves_nothing(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Granskad."
    preview(vindeln_coordinator_client, to_csv(rows))

    response = vindeln_coordinator_client.post(IMPORT_URL, {"save": "Spara", "token": "0" * 64})

    assert response["Location"] == IMPORT_URL
    report = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))[int(rows[0]["activity_id"])]
    assert report.done == "Insatsen genomfördes."


def test_cancel_forgets_the_previewed_file(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Avbruten import."
    response = preview(vindeln_coordinator_client, to_csv(rows))

    vindeln_coordinator_client.post(IMPORT_URL, {"cancel": "Avbryt"})
    saved = save(vindeln_coordinator_client, response)

    assert saved["Location"] == IMPORT_URL
    report = reports_by_activity(vindeln_follow_up(vasterbotten, 2023))[int(rows[0]["activity_id"])]
    assert report.done == "Insatsen genomfördes."


# --- Exporting drafts in the import format ---


def test_the_admin_exports_selected_follow_ups_drafts_too_in_the_import_format(
    vindeln_coordinator_client, vasterbotten
):
    draft = vindeln_follow_up(vasterbotten, 2024)
    follow_up_add_missing_reports(follow_up=draft)
    report = draft.reports.first()
    report.done = "Utkast som bara samordnare ser."
    report.save()
    umea = FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2024)
    make_report(umea, vasterbotten["periods"]["umea"].focus_areas.first().activities.first(), done="Umeås utkast.")

    response = vindeln_coordinator_client.post(
        reverse("admin:promises_followup_changelist"),
        {"action": "export_import_format", "_selected_action": [draft.pk, umea.pk]},
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline=""), delimiter=";"))
    assert {row["year"] for row in rows} == {"2024"}
    assert [row["row_type"] for row in rows] == ["focus_area", "activity", "activity"] * 2
    assert "Utkast som bara samordnare ser." in body
    assert "Umeå" not in body
    activity_row, area_row = rows[1], rows[3]
    activity_row["done"] = "Ändrat i utkastet."
    area_row.update(status="", status_label="Löpande", done="Området, ändrat i utkastet.")
    import_file(vindeln_coordinator_client, to_csv(rows))
    assert reports_by_activity(draft)[int(activity_row["activity_id"])].done == "Ändrat i utkastet."
    area_report = draft.area_reports.get(focus_area_id=area_row["focus_area_id"])
    assert (area_report.status, area_report.done) == (ReportStatus.CONTINUOUS, "Området, ändrat i utkastet.")


def test_the_save_is_in_the_admins_own_log(vindeln_coordinator_client, vasterbotten, coordinator_vindeln):
    from django.contrib.admin.models import LogEntry

    rows = exported_rows(vindeln_coordinator_client)
    rows[0]["done"] = "Loggat."
    rows[1]["done"] = "Också loggat."

    import_file(vindeln_coordinator_client, to_csv(rows), name="vindeln.csv")

    entry = LogEntry.objects.get(user=coordinator_vindeln)
    assert entry.object_id == str(vindeln_follow_up(vasterbotten, 2023).pk)
    assert entry.get_change_message() == "2 rapporter ändrade från CSV-filen vindeln.csv."


@pytest.mark.parametrize("changed", [3, 12])
def test_each_changed_report_costs_one_update_and_nothing_more(national_admin, vasterbotten, changed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from promises.open_data.follow_up_import import follow_up_import
    from tests.factories import make_activity

    period = vasterbotten["periods"]["vindeln"]
    focus_area = period.focus_areas.first()
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    for n in range(10):
        make_report(follow_up, make_activity(focus_area, text=f"Extra aktivitet {n}."))
    activities = sorted(follow_up.reports.values_list("activity_id", flat=True))
    data = to_csv(
        [[pk, "2023", "in_progress" if i < changed else "done"] for i, pk in enumerate(activities)],
        header=["activity_id", "year", "status"],
    )

    with CaptureQueriesContext(connection) as queries:
        result = follow_up_import(data=data, user=national_admin, commit=True)

    assert len(result.changes) == changed
    updates = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "promises_activityreport"')]
    assert len(updates) == changed
    assert len(queries) - changed == FIXED_IMPORT_QUERIES, "\n".join(q["sql"][:90] for q in queries.captured_queries)


# Three savepoints and their releases; loading the activities, the follow-ups and the reports (no focus areas: the
# file has no focus area rows); the reports' history rows in one insert; the follow-up's new content version (read
# under a lock, updated, read back: promises/versions.py), its save with its history row, and the kommun it belongs
# to, whose cached pages the save makes stale (portal/invalidation.py).
FIXED_IMPORT_QUERIES = 16


def test_the_import_still_checks_the_csrf_token(coordinator_vindeln, vasterbotten):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_vindeln)
    rows = exported_rows(client)
    rows[0]["done"] = "Från en annan webbplats."

    response = preview(client, to_csv(rows))

    assert response.status_code == 403
    page = client.get(IMPORT_URL)
    token = page.cookies["csrftoken"].value
    response = client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("a.csv", to_csv(rows), "text/csv"), "preview": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200 and "token" in response.context


def test_a_report_is_added_when_the_activity_has_none_in_the_years_follow_up(
    vindeln_coordinator_client, vasterbotten, coordinator_vindeln
):
    draft = vindeln_follow_up(vasterbotten, 2024)  # started, but without reports
    rows = exported_rows(vindeln_coordinator_client)[:1]
    rows[0].update(year="2024", status="in_progress", status_label="", done="Ny rapport från filen.")

    import_file(vindeln_coordinator_client, to_csv(rows))

    report = draft.reports.get(activity_id=rows[0]["activity_id"])
    assert (report.status, report.done) == (ReportStatus.IN_PROGRESS, "Ny rapport från filen.")
    assert report.history.get().history_type == "+"
    assert report.history.get().history_user == coordinator_vindeln
    assert draft.reports.count() == 1


# --- Focus areas: every area is followed up as a whole, by file too ---


def area_reports_by_focus_area(follow_up):
    return {report.focus_area_id: report for report in follow_up.area_reports.all()}


def test_round_trip_changes_a_focus_areas_report(vindeln_coordinator_client, vasterbotten, coordinator_vindeln):
    client = vindeln_coordinator_client
    follow_up = vindeln_follow_up(vasterbotten, 2023)
    rows = exported_rows(client, row_type=None)
    area_row = next(row for row in rows if row["row_type"] == "focus_area")
    area_row.update(status="", status_label="Försenad", reason="Personalbrist.", reason_en="Staff shortage.")
    area_row.update(done="Två av tre trygghetsvandringar.", done_en="Two of three safety walks.")
    area_row.update(count="2", count_label="trygghetsvandringar", evidence_url="www.vindeln.se/vandringar")

    response = preview(client, to_csv(rows), name="vindeln.csv")

    html = response.content.decode()
    assert "1 rapport ändras i 1 uppföljning." in html
    focus_area = follow_up.period.focus_areas.get(pk=area_row["focus_area_id"])
    assert f"Vindeln: Fokusområdet ”{focus_area.title}”" in html
    save(client, response)
    report = area_reports_by_focus_area(follow_up)[focus_area.pk]
    assert (report.status, report.reason, report.reason_en) == (
        ReportStatus.DELAYED,
        "Personalbrist.",
        "Staff shortage.",
    )
    assert (report.done, report.done_en) == ("Två av tre trygghetsvandringar.", "Two of three safety walks.")
    assert (report.count, report.count_label) == (2, "trygghetsvandringar")
    assert report.evidence_url == "https://www.vindeln.se/vandringar"
    latest = report.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator_vindeln,
        "Inläst från CSV-filen vindeln.csv",
    )


def test_an_import_that_changes_a_focus_area_report_makes_an_earlier_approval_stop_counting(
    vindeln_coordinator_client, vasterbotten, coordinator_vindeln
):
    from promises.services import approval_record
    from tests.factories import make_area_report

    draft = vindeln_follow_up(vasterbotten, 2024)
    for focus_area in draft.period.focus_areas.all():
        make_area_report(draft, focus_area, done="Skrivet före godkännandet.")
    approval_record(obj=draft, user=coordinator_vindeln)
    draft.refresh_from_db()
    assert draft.municipality_approval_counts
    version = draft.content_version
    rows = exported_rows(vindeln_coordinator_client, row_type="focus_area")[:1]
    rows[0].update(year="2024", status="done", status_label="", done="Ändrat efter godkännandet.")

    response = import_file(vindeln_coordinator_client, to_csv(rows))

    draft.refresh_from_db()
    assert draft.content_version > version
    assert not draft.municipality_approval_counts
    assert "Godkännandena togs bort för Vindeln 2023–2025, 2024." in " ".join(messages_of(response))


def test_an_unchanged_focus_area_row_keeps_the_approval(vindeln_coordinator_client, vasterbotten, coordinator_vindeln):
    from promises.services import approval_record
    from tests.factories import make_area_report

    draft = vindeln_follow_up(vasterbotten, 2024)
    for focus_area in draft.period.focus_areas.all():
        make_area_report(draft, focus_area, done="Skrivet före godkännandet.")
    approval_record(obj=draft, user=coordinator_vindeln)
    rows = exported_rows(vindeln_coordinator_client, row_type="focus_area")[:1]
    rows[0].update(year="2024", status="in_progress", status_label="", done="Skrivet före godkännandet.")

    response = preview(vindeln_coordinator_client, to_csv(rows))

    assert "Filen innehåller inga ändringar." in response.content.decode()
    draft.refresh_from_db()
    assert draft.municipality_approval_counts


def test_a_focus_area_row_for_a_year_without_a_follow_up_starts_it(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client, row_type="focus_area")[:1]
    rows[0].update(year="2025", status="in_progress", status_label="", done="Området har kommit i gång.")

    import_file(vindeln_coordinator_client, to_csv(rows))

    follow_up = vindeln_follow_up(vasterbotten, 2025)
    reports = area_reports_by_focus_area(follow_up)
    assert len(reports) == 2 and follow_up.reports.count() == 4  # every area and activity, as the admin's start
    report = reports[int(rows[0]["focus_area_id"])]
    assert (report.status, report.done) == (ReportStatus.IN_PROGRESS, "Området har kommit i gång.")


def test_a_focus_area_report_is_added_when_the_follow_up_has_none(
    vindeln_coordinator_client, vasterbotten, coordinator_vindeln
):
    draft = vindeln_follow_up(vasterbotten, 2024)  # started, but without reports
    focus_area_id = exported_rows(vindeln_coordinator_client, row_type="focus_area")[0]["focus_area_id"]
    data = to_csv(
        [[focus_area_id, "2024", "continuous", "Löpande arbete."]], header=["focus_area_id", "year", "status", "done"]
    )

    import_file(vindeln_coordinator_client, data)

    report = draft.area_reports.get(focus_area_id=focus_area_id)
    assert (report.status, report.done) == (ReportStatus.CONTINUOUS, "Löpande arbete.")
    assert report.history.get().history_type == "+"
    assert report.history.get().history_user == coordinator_vindeln


def test_focus_area_rows_are_checked_like_activity_rows(vindeln_coordinator_client, vasterbotten):
    rows = exported_rows(vindeln_coordinator_client, row_type="focus_area")
    umea_area = exported_rows(vindeln_coordinator_client, slug="umea", row_type="focus_area")[0]
    bad = [
        dict(rows[0], status="delayed", status_label="", reason=""),  # line 2: reason required
        dict(rows[1], row_type="område"),  # 3: unknown row type
        dict(rows[1], activity_id="1"),  # 4: an area row with an activity
        dict(rows[1], focus_area_id=""),  # 5: which area?
        dict(umea_area, done="Vindeln försöker ändra Umeå."),  # 6: another kommun's area
        dict(rows[0]),  # 7: the same area and year again
    ]

    response = preview(vindeln_coordinator_client, to_csv(bad))

    assert response.status_code == 400
    found = {(line, column): message for line, column, message in errors(response)}
    assert list(found) == [
        (2, "reason"),
        (3, "row_type"),
        (4, "activity_id"),
        (5, "focus_area_id"),
        (6, "focus_area_id"),
        (7, "year"),
    ]
    assert found[(5, "focus_area_id")] == "focus_area_id saknas: vilket fokusområde gäller raden?"
    assert found[(6, "focus_area_id")].startswith("Det finns inget fokusområde nummer")
    assert found[(7, "year")] == "Samma fokusområde och år står redan på rad 2."
    assert "Umeå" not in response.content.decode().replace("Vindeln försöker ändra Umeå.", "")


def test_a_file_needs_an_activity_id_or_a_focus_area_id_column(vindeln_coordinator_client):
    response = preview(vindeln_coordinator_client, b"year;status\n2023;done\n")

    assert response.status_code == 400
    assert "Kolumn saknas: ”activity_id”." in " ".join(response.context["form"].errors["file"])
