"""The approval page (admin:promises_followup_approve): approving is its own step, of what is saved and shown."""

import pytest
from django.urls import reverse

from promises.models import FollowUp, Publication
from tests.admin_forms import admin_form_data, inline_prefix
from tests.promises.test_follow_up_workflow import approve, fill_in

pytestmark = pytest.mark.django_db


def change_url(follow_up):
    return reverse("admin:promises_followup_change", args=[follow_up.pk])


def approve_url(follow_up):
    return reverse("admin:promises_followup_approve", args=[follow_up.pk])


@pytest.fixture
def empty_draft(vasterbotten):
    return FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)


def test_approve_with_unsaved_text_keeps_the_text_and_approves_nothing(client, empty_draft, coordinator_vindeln):
    """The reported loss: "Godkänn" with typed but unsaved text threw the text away and approved the empty report."""
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(empty_draft))
    data = admin_form_data(page)
    data[f"{inline_prefix(page)}-done"] = "Skrivet men inte sparat."
    data["_approve"] = "1"

    response = client.post(change_url(empty_draft), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Du har ändringar som inte är sparade, så inget är godkänt." in content
    assert "Skrivet men inte sparat." in content  # still in the form
    empty_draft.refresh_from_db()
    assert empty_draft.municipality_approved_at is None
    assert not empty_draft.area_reports.filter(done="Skrivet men inte sparat.").exists()


def test_approve_with_nothing_unsaved_leads_to_the_approval_page(client, vasterbotten, coordinator_vindeln):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(change_url(follow_up)))
    data["_approve"] = "1"
    response = client.post(change_url(follow_up), data)
    assert response.status_code == 302
    assert response["Location"] == approve_url(follow_up)
    follow_up.refresh_from_db()
    assert follow_up.municipality_approved_at is None  # not yet: the approval page asks


def test_the_approval_page_shows_what_is_approved(client, vasterbotten, coordinator_vindeln):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    client.force_login(coordinator_vindeln)
    response = client.get(approve_url(follow_up))
    content = response.content.decode()
    assert "Det här godkänner du" in content
    for report in follow_up.area_reports.select_related("focus_area"):
        assert report.focus_area.title in content
        assert report.done in content
    assert f'name="version" value="{follow_up.content_version}"' in content
    assert f"Godkänn version {follow_up.content_version} för kommunen" in content


def test_an_empty_follow_up_cannot_be_approved(client, empty_draft, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    client.get(change_url(empty_draft))  # starts its reports, all empty
    empty_draft.refresh_from_db()
    page = client.get(approve_url(empty_draft)).content.decode()
    assert "Det går inte att godkänna ännu" in page
    assert "Skriv vad som gjordes inom fokusområdet" in page

    response = client.post(approve_url(empty_draft), {"version": empty_draft.content_version}, follow=True)

    assert "Skriv vad som gjordes inom fokusområdet" in response.content.decode()
    empty_draft.refresh_from_db()
    assert empty_draft.municipality_approved_at is None


def test_an_approval_from_a_page_opened_before_a_change_is_refused(client, vasterbotten, coordinator_vindeln):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    client.force_login(coordinator_vindeln)
    seen = client.get(approve_url(follow_up)).context["original"].content_version
    report = follow_up.area_reports.first()
    report.done = "Ändrat av en kollega under tiden."
    report.save()

    response = client.post(approve_url(follow_up), {"version": seen}, follow=True)

    assert "Innehållet har ändrats sedan du öppnade sidan" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.municipality_approved_at is None


def test_both_sides_approving_the_same_version_publishes_it(
    client, vasterbotten, coordinator_vindeln, police_coordinator_vindeln
):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    for user in (coordinator_vindeln, police_coordinator_vindeln):
        client.force_login(user)
        approve(client, follow_up)
    follow_up.refresh_from_db()
    assert follow_up.publication == Publication.PUBLISHED
    assert follow_up.municipality_approved_version == follow_up.police_approved_version == follow_up.published_version
