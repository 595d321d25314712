"""The follow-up admin's "Exportera valda uppföljningar som CSV": a row per focus area, then its activities'."""

import csv
import io

import pytest
from django.urls import reverse

from promises.models import FollowUp, ReportStatus

pytestmark = pytest.mark.django_db


def exported(client, follow_ups):
    response = client.post(
        reverse("admin:promises_followup_changelist"),
        {"action": "export_csv", "_selected_action": [follow_up.pk for follow_up in follow_ups]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_each_focus_area_has_its_own_row_before_its_activities(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)
    follow_up = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2023)
    first_area = follow_up.period.focus_areas.order_by("order").first()
    report = follow_up.area_reports.get(focus_area=first_area)
    report.status, report.done, report.count, report.count_label = (
        ReportStatus.DONE,
        "=Tre vandringar.",
        3,
        "vandringar",
    )
    report.save()

    header, *rows = exported(client, [follow_up])

    assert header[4:7] == ["rapporten gäller", "fokusområde", "aktivitet"]
    assert [row[4] for row in rows] == ["fokusområde", "aktivitet", "aktivitet"] * 2
    area_row = rows[0]
    assert area_row[:3] == ["Vindeln", "2023–2025", "2023"]
    assert (area_row[5], area_row[6]) == (first_area.title, "")
    assert area_row[7:11] == ["Genomförd", "'=Tre vandringar.", "3", "vandringar"]  # formulas stay text
    activities = list(first_area.activities.order_by("order").values_list("text", flat=True))
    assert [row[6] for row in rows[1:3]] == activities
    assert {row[5] for row in rows[:3]} == {first_area.title}


def test_follow_ups_keep_their_rows_together(client, coordinator_vindeln, vasterbotten):
    from promises.services import follow_up_add_missing_reports

    client.force_login(coordinator_vindeln)
    follow_ups = list(FollowUp.objects.filter(period=vasterbotten["periods"]["vindeln"]).order_by("year"))
    follow_up_add_missing_reports(follow_up=follow_ups[1])

    _header, *rows = exported(client, follow_ups)

    assert [row[2] for row in rows] == ["2023"] * 6 + ["2024"] * 6
    assert [row[4] for row in rows[6:9]] == ["fokusområde", "aktivitet", "aktivitet"]


def test_query_count_does_not_grow_with_rows(client, national_admin, vasterbotten):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(national_admin)
    counts = []
    for slugs in (["vindeln"], ["vindeln", "umea"]):
        follow_ups = list(FollowUp.objects.filter(period__municipality__slug__in=slugs))
        with CaptureQueriesContext(connection) as queries:
            rows = exported(client, follow_ups)
        counts.append((len(rows), len(queries)))

    (small_rows, small_queries), (large_rows, large_queries) = counts
    assert large_rows > small_rows
    # The reports of every selected follow-up in two queries (areas, activities), however many rows they make.
    assert small_queries == large_queries
