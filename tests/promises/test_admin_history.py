"""History: who changed what and when, with the differences shown and a way back to an earlier version."""

import pytest
from django.urls import reverse

from promises.models import FollowUp
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_follow_up(client, vasterbotten, coordinator_vindeln):
    follow_up = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    client.force_login(coordinator_vindeln)
    for summary in ("Första versionen.", "Andra versionen."):
        client.post(url, {**admin_form_data(client.get(url)), "summary": summary})
    return follow_up


def test_history_shows_who_changed_what(client, edited_follow_up):
    response = client.get(reverse("admin:promises_followup_history", args=[edited_follow_up.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ändringshistorik" in content  # simple-history speaks Swedish through locale/sv
    assert "kommun-vindeln" in content
    assert "Första versionen." in content and "Andra versionen." in content  # the difference, old and new


def test_reverting_to_an_earlier_version(client, edited_follow_up):
    first = edited_follow_up.history.get(summary="Första versionen.")
    url = reverse("admin:promises_followup_simple_history", args=[edited_follow_up.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200

    response = client.post(url, admin_form_data(page))

    assert response.status_code == 302
    edited_follow_up.refresh_from_db()
    assert edited_follow_up.summary == "Första versionen."
    assert edited_follow_up.history.first().history_user.username == "kommun-vindeln"


def test_report_changes_on_the_follow_up_page_are_in_the_reports_history(client, edited_follow_up):
    report = edited_follow_up.reports.first()
    assert report.history.exists()
    assert report.history.first().history_user.username == "kommun-vindeln"
