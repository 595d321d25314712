"""Every path that changes content makes a new version, so an approval given before it no longer counts.

The paths are the ones a coordinator or an administrator has: edit, inline edit, add, delete, move, import (in
test_follow_up_import.py), history revert and bulk action. Each test approves first, changes by one path, and checks
that the approval stopped counting toward publication (and, for follow-ups, that the other side's approval then
cannot publish).
"""

import pytest
from django.urls import reverse

from promises.models import Activity, FollowUp, Publication
from promises.services import approval_record
from tests.admin_forms import admin_form_data, inline_prefix
from tests.factories import make_activity, make_focus_area, make_period
from tests.promises.test_follow_up_workflow import fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_follow_up(vasterbotten, coordinator_vindeln):
    """Vindeln's 2024 follow-up, filled in and approved by the kommun."""
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    approval_record(obj=follow_up, user=coordinator_vindeln, version=follow_up.content_version)
    follow_up.refresh_from_db()
    assert follow_up.municipality_approval_counts
    return follow_up


def _draft_period(municipality, start_year):
    period = make_period(municipality=municipality, start_year=start_year, end_year=start_year + 1, published=False)
    focus_area = make_focus_area(period, title=f"Trygg skolväg {start_year}")
    make_activity(focus_area, text=f"Kommunen lovar att se över skolvägarna {start_year}.")
    return period


@pytest.fixture
def draft_periods(vasterbotten, coordinator_vindeln):
    """Two draft periods of Vindeln, each approved by the kommun."""
    periods = [_draft_period(vasterbotten["vindeln"], 2026), _draft_period(vasterbotten["vindeln"], 2028)]
    for period in periods:
        approval_record(obj=period, user=coordinator_vindeln, version=period.content_version)
        period.refresh_from_db()
        assert period.municipality_approval_counts
    return periods


def _counts(obj):
    obj.refresh_from_db()
    return obj.municipality_approval_counts


def test_edit_of_the_follow_up_itself(client, draft_follow_up, coordinator_vindeln):
    url = reverse("admin:promises_followup_change", args=[draft_follow_up.pk])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url))
    data["summary"] = "En annan sammanfattning."
    assert client.post(url, data).status_code == 302
    assert not _counts(draft_follow_up)


def test_inline_edit_of_a_focus_area_report(client, draft_follow_up, coordinator_vindeln, police_coordinator_vindeln):
    version = draft_follow_up.content_version
    url = reverse("admin:promises_followup_change", args=[draft_follow_up.pk])
    client.force_login(coordinator_vindeln)
    page = client.get(url)
    data = admin_form_data(page)
    data[f"{inline_prefix(page)}-done"] = "Ändrat efter kommunens godkännande."
    assert client.post(url, data).status_code == 302
    assert not _counts(draft_follow_up)
    assert draft_follow_up.content_version > version
    # The police approving now approve the new version alone: nothing is published.
    approval_record(obj=draft_follow_up, user=police_coordinator_vindeln, version=draft_follow_up.content_version)
    draft_follow_up.refresh_from_db()
    assert draft_follow_up.publication == Publication.DRAFT


def test_an_approval_of_an_old_version_is_refused(draft_follow_up, police_coordinator_vindeln):
    from django.core.exceptions import ValidationError

    old = draft_follow_up.content_version
    report = draft_follow_up.area_reports.first()
    report.done = "Ändrat i en annan flik."
    report.save()
    with pytest.raises(ValidationError, match="Innehållet har ändrats"):
        approval_record(obj=draft_follow_up, user=police_coordinator_vindeln, version=old)


def test_edit_of_the_period_itself(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url))
    data["preamble"] = "En ny inledning."
    assert client.post(url, data).status_code == 302
    assert not _counts(period)


def test_inline_edit_of_a_focus_area_on_the_period_page(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    client.force_login(coordinator_vindeln)
    page = client.get(url)
    data = admin_form_data(page)
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.prefix == "focus_areas")
    data[f"{formset.forms[0].prefix}-title"] = "Ny rubrik"
    assert client.post(url, data).status_code == 302
    assert not _counts(period)


def test_add_of_an_activity(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    focus_area = period.focus_areas.get()
    client.force_login(coordinator_vindeln)
    response = client.post(
        reverse("admin:promises_activity_add"),
        {"focus_area": focus_area.pk, "order": 5, "text": "Polisen lovar en insats till.", "recurrence": "one_off"},
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert not _counts(period)


def test_delete_of_an_activity(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    activity = Activity.objects.get(focus_area__period=period)
    client.force_login(coordinator_vindeln)
    response = client.post(reverse("admin:promises_activity_delete", args=[activity.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not _counts(period)


def test_delete_of_a_focus_area(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    focus_area = period.focus_areas.get()
    client.force_login(coordinator_vindeln)
    response = client.post(reverse("admin:promises_focusarea_delete", args=[focus_area.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not _counts(period)


def test_move_of_an_activity_to_another_period_withdraws_both(client, draft_periods, coordinator_vindeln):
    leaving, receiving = draft_periods
    activity = Activity.objects.get(focus_area__period=leaving)
    url = reverse("admin:promises_activity_change", args=[activity.pk])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url))
    data["focus_area"] = receiving.focus_areas.get().pk
    assert client.post(url, data).status_code == 302
    assert not _counts(leaving)
    assert not _counts(receiving)


def test_bulk_delete_action(client, draft_periods, coordinator_vindeln, national_admin):
    period = draft_periods[0]
    activity = Activity.objects.get(focus_area__period=period)
    client.force_login(national_admin)
    response = client.post(
        reverse("admin:promises_activity_changelist"),
        {"action": "delete_selected", "_selected_action": [activity.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not _counts(period)


def test_revert_counts_as_a_change_and_copies_content_only(
    client, vasterbotten, coordinator_vindeln, police_coordinator_vindeln, national_admin
):
    """The two bypasses found: a revert republished what an administrator took down, and restored approvals."""
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    for user in (coordinator_vindeln, police_coordinator_vindeln):
        approval_record(obj=follow_up, user=user, version=FollowUp.objects.get(pk=follow_up.pk).content_version)
    follow_up.refresh_from_db()
    assert follow_up.is_published
    published_record = follow_up.history.latest()

    # A national administrator takes it down.
    client.force_login(national_admin)
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    data = admin_form_data(client.get(url))
    data["publication"] = Publication.DRAFT
    assert client.post(url, data).status_code == 302
    follow_up.refresh_from_db()
    assert not follow_up.is_published
    version = follow_up.content_version

    # The coordinator reverts to the record as it was when published, with its approvals.
    client.force_login(coordinator_vindeln)
    revert_url = reverse("admin:promises_followup_simple_history", args=[follow_up.pk, published_record.history_id])
    data = admin_form_data(client.get(revert_url))
    data["summary"] = "Texten som den var, och lite till."
    response = client.post(revert_url, data)
    assert response.status_code == 302

    follow_up.refresh_from_db()
    assert follow_up.summary == "Texten som den var, och lite till."
    assert follow_up.publication == Publication.DRAFT
    assert follow_up.content_version > version
    assert not follow_up.municipality_approval_counts
    assert not follow_up.police_approval_counts


def test_linking_evidence_is_not_a_change_to_the_promise(client, draft_periods, coordinator_vindeln):
    period = draft_periods[0]
    version = period.content_version
    activity = Activity.objects.get(focus_area__period=period)
    url = reverse("admin:promises_activity_change", args=[activity.pk])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url))
    assert client.post(url, data).status_code == 302  # saved as it was: nothing changed
    period.refresh_from_db()
    assert period.content_version == version
    assert period.municipality_approval_counts


def test_a_national_administrator_cannot_publish_without_approvals(client, vasterbotten, national_admin):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    client.force_login(national_admin)
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    data = admin_form_data(client.get(url))
    data.update({"publication": Publication.PUBLISHED, "published_on": "2025-02-01"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "inte publicera utan godkännanden" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.publication == Publication.DRAFT
