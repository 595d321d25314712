"""The yearly follow-up in the admin: start it, fill it in, approve it from both sides, publish it."""

import pytest
from django.urls import reverse

from promises.models import ActivityReport, FocusAreaReport, FollowUp, Publication, ReportStatus
from promises.services import follow_up_add_missing_reports
from tests.admin_forms import admin_form_data, inline_prefix

pytestmark = pytest.mark.django_db


def change_url(follow_up):
    return reverse("admin:promises_followup_change", args=[follow_up.pk])


def approve_url(follow_up):
    return reverse("admin:promises_followup_approve", args=[follow_up.pk])


def approve(client, obj, url=None):
    """What a coordinator does: open the approval page, read what is shown, confirm that version."""
    url = url or approve_url(obj)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"version": page.context["original"].content_version}, follow=True)


def fill_in(follow_up):
    """Every focus area's report written, as a coordinator would before approving."""
    follow_up_add_missing_reports(follow_up=follow_up)
    for report in follow_up.area_reports.all():
        report.status = ReportStatus.IN_PROGRESS
        report.done = f"Arbete inom {report.focus_area.title}."
        report.save()
    follow_up.refresh_from_db()
    return follow_up


@pytest.fixture
def draft_vindeln(vasterbotten):
    return fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))


def test_starting_a_follow_up_creates_one_report_per_focus_area_and_activity(client, vasterbotten, coordinator_vindeln):
    period = vasterbotten["periods"]["vindeln"]
    client.force_login(coordinator_vindeln)

    response = client.post(reverse("admin:promises_followup_add"), {"period": period.pk, "year": 2025})

    follow_up = FollowUp.objects.get(period=period, year=2025)
    assert response.status_code == 302
    assert response["Location"] == change_url(follow_up)
    assert follow_up.area_reports.count() == 2
    assert follow_up.reports.count() == 4
    assert set(follow_up.area_reports.values_list("status", flat=True)) == {ReportStatus.NOT_STARTED}
    assert set(follow_up.reports.values_list("status", flat=True)) == {ReportStatus.NOT_STARTED}
    assert follow_up.publication == Publication.DRAFT
    assert follow_up.history.first().history_user == coordinator_vindeln


def test_start_form_prefills_from_the_start_page_link(client, vasterbotten, coordinator_vindeln):
    period = vasterbotten["periods"]["vindeln"]
    client.force_login(coordinator_vindeln)
    response = client.get(reverse("admin:promises_followup_add"), {"period": period.pk, "year": 2025})
    form = response.context["adminform"].form
    assert str(form["period"].value()) == str(period.pk)
    assert str(form["year"].value()) == "2025"


@pytest.mark.parametrize("year", [2022, 2026, 99999, "tjugo"])
def test_a_year_outside_the_period_is_refused_with_a_message(client, vasterbotten, coordinator_vindeln, year):
    period = vasterbotten["periods"]["vindeln"]
    client.force_login(coordinator_vindeln)
    response = client.post(reverse("admin:promises_followup_add"), {"period": period.pk, "year": year})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not FollowUp.objects.filter(period=period).exclude(year__in=[2023, 2024]).exists()


def test_a_second_follow_up_for_the_same_year_is_refused(client, vasterbotten, coordinator_vindeln):
    period = vasterbotten["periods"]["vindeln"]
    client.force_login(coordinator_vindeln)
    response = client.post(reverse("admin:promises_followup_add"), {"period": period.pk, "year": 2024})
    assert response.status_code == 200
    assert "Det finns redan en uppföljning för det året." in response.content.decode()
    assert FollowUp.objects.filter(period=period, year=2024).count() == 1


def test_reports_are_filled_in_on_the_follow_up_page(client, draft_vindeln, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    data = admin_form_data(page)
    area = inline_prefix(page)
    activity = page.context["inline_admin_formsets"][1].formset.forms[0].prefix
    data.update(
        {
            f"{area}-status": ReportStatus.PARTLY_DONE,
            f"{area}-done": "Två av tre trygghetsvandringar.",
            f"{activity}-status": ReportStatus.DONE,
            f"{activity}-done": "Tre utbildningar.",
            f"{activity}-count": "3",
            f"{activity}-count_label": "utbildningar",
        }
    )

    response = client.post(change_url(draft_vindeln), data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    formsets = page.context["inline_admin_formsets"]
    area_report = FocusAreaReport.objects.get(pk=formsets[0].formset.forms[0].instance.pk)
    assert (area_report.status, area_report.done) == (ReportStatus.PARTLY_DONE, "Två av tre trygghetsvandringar.")
    report = ActivityReport.objects.get(pk=formsets[1].formset.forms[0].instance.pk)
    assert (report.status, report.done, report.count) == (ReportStatus.DONE, "Tre utbildningar.", 3)


def test_a_number_without_what_it_counts_is_refused(client, draft_vindeln, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    data = admin_form_data(page)
    prefix = inline_prefix(page)
    data.update({f"{prefix}-count": "12", f"{prefix}-count_label": ""})
    response = client.post(change_url(draft_vindeln), data)
    assert response.status_code == 200
    assert "Skriv vad antalet avser" in response.content.decode()


@pytest.mark.parametrize("status", [ReportStatus.DELAYED, ReportStatus.RENEGOTIATED, ReportStatus.STOPPED])
def test_status_needing_a_reason_cannot_be_saved_without_one(client, draft_vindeln, coordinator_vindeln, status):
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    data = admin_form_data(page)
    prefix = inline_prefix(page)
    data.update({f"{prefix}-status": status, f"{prefix}-reason": "", f"{prefix}-done": "Skrivet men inte sparat."})

    response = client.post(change_url(draft_vindeln), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ange ett skäl" in content
    assert "Skrivet men inte sparat." in content  # what was typed is still in the form
    assert not ActivityReport.objects.filter(status=status).exists()


def test_one_approval_does_not_publish_and_the_second_does(
    client, resident, draft_vindeln, coordinator_vindeln, police_coordinator_vindeln
):
    public_url = draft_vindeln.get_absolute_url()

    client.force_login(coordinator_vindeln)
    approve(client, draft_vindeln)
    draft_vindeln.refresh_from_db()
    assert draft_vindeln.publication == Publication.DRAFT
    assert draft_vindeln.municipality_approved_by == coordinator_vindeln
    assert draft_vindeln.municipality_approved_version == draft_vindeln.content_version
    assert resident.get(public_url).status_code == 404

    client.force_login(police_coordinator_vindeln)
    response = approve(client, draft_vindeln)
    draft_vindeln.refresh_from_db()
    assert response.redirect_chain[-1][0] == change_url(draft_vindeln)
    assert draft_vindeln.publication == Publication.PUBLISHED
    assert draft_vindeln.published_version == draft_vindeln.content_version
    assert ["summary", "Sammanfattning", "Utkast för Vindeln."] in draft_vindeln.published_snapshot
    assert draft_vindeln.published_on is not None
    assert resident.get(public_url).status_code == 200


def test_the_same_side_cannot_approve_twice(client, draft_vindeln, coordinator_vindeln, vasterbotten):
    from portal.models import Organisation
    from tests.factories import make_coordinator

    colleague = make_coordinator([vasterbotten["vindeln"]], Organisation.MUNICIPALITY).user
    client.force_login(coordinator_vindeln)
    approve(client, draft_vindeln)
    client.force_login(colleague)
    response = client.post(approve_url(draft_vindeln), {"version": draft_vindeln.content_version}, follow=True)
    draft_vindeln.refresh_from_db()
    assert draft_vindeln.publication == Publication.DRAFT
    assert "Din organisation har redan godkänt den här versionen." in response.content.decode()


def test_approval_by_a_coordinator_of_another_kommun_is_404(client, draft_vindeln, police_coordinator_umea):
    client.force_login(police_coordinator_umea)
    assert client.get(approve_url(draft_vindeln)).status_code == 404
    assert client.post(approve_url(draft_vindeln), {"version": draft_vindeln.content_version}).status_code == 404
    draft_vindeln.refresh_from_db()
    assert draft_vindeln.police_approved_at is None


def test_approval_needs_a_post_naming_the_version(client, draft_vindeln, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    assert client.put(approve_url(draft_vindeln)).status_code == 405
    for bad in ({}, {"version": "tjugo"}, {"version": "99999999999999999999"}):
        response = client.post(approve_url(draft_vindeln), bad, follow=True)
        assert response.status_code == 200
    draft_vindeln.refresh_from_db()
    assert draft_vindeln.municipality_approved_at is None


def test_a_change_after_approval_withdraws_it(client, draft_vindeln, coordinator_vindeln, police_coordinator_vindeln):
    client.force_login(police_coordinator_vindeln)
    approve(client, draft_vindeln)

    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    data = admin_form_data(page)
    data["summary"] = "Ny sammanfattning efter polisens godkännande."
    response = client.post(change_url(draft_vindeln), data, follow=True)

    draft_vindeln.refresh_from_db()
    assert draft_vindeln.police_approved_at is None
    assert not draft_vindeln.police_approval_counts
    assert draft_vindeln.publication == Publication.DRAFT
    assert "godkännandena gäller inte längre" in response.content.decode()


def test_a_change_after_publication_is_recorded_and_shown(
    client, resident, draft_vindeln, coordinator_vindeln, police_coordinator_vindeln
):
    for user in (coordinator_vindeln, police_coordinator_vindeln):
        client.force_login(user)
        approve(client, draft_vindeln)
    draft_vindeln.refresh_from_db()
    # Published some time ago.
    FollowUp.objects.filter(pk=draft_vindeln.pk).update(published_on=draft_vindeln.published_on.replace(year=2025))

    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    data = admin_form_data(page)
    data["summary"] = "Rättad sammanfattning."
    client.post(change_url(draft_vindeln), data)

    draft_vindeln.refresh_from_db()
    assert draft_vindeln.publication == Publication.PUBLISHED
    assert draft_vindeln.content_updated_at is not None
    assert draft_vindeln.history.filter(summary="Rättad sammanfattning.", history_user=coordinator_vindeln).exists()
    content = resident.get(draft_vindeln.get_absolute_url()).content.decode()
    assert "Rättad sammanfattning." in content
    assert "Uppdaterad efter publiceringen" in content


def test_coordinators_cannot_publish_directly(client, draft_vindeln, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(draft_vindeln))
    assert "publication" not in page.context["adminform"].form.fields
    data = admin_form_data(page)
    data.update({"publication": Publication.PUBLISHED, "published_on": "2025-01-01"})
    client.post(change_url(draft_vindeln), data)
    draft_vindeln.refresh_from_db()
    assert draft_vindeln.publication == Publication.DRAFT


def test_draft_follow_up_is_not_public_anywhere(resident, draft_vindeln):
    period = draft_vindeln.period
    pages = [
        reverse("home"),
        period.municipality.get_absolute_url(),
        period.get_absolute_url(),
    ]
    for url in pages:
        assert "Utkast för Vindeln." not in resident.get(url).content.decode()
    assert resident.get(draft_vindeln.get_absolute_url()).status_code == 404


def test_start_page_lists_what_needs_doing(client, vasterbotten, draft_vindeln, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    content = client.get(reverse("admin:index")).content.decode()
    assert "Att göra" in content
    assert "Vindelns kommun" in content
    assert "Umeå kommun" not in content
    assert "Uppföljningen för 2024 är inte publicerad. Utkast: ingen har godkänt ännu." in content
    assert "Uppföljningen för 2025 saknas." in content
    period = vasterbotten["periods"]["vindeln"]
    assert f"?period={period.pk}&amp;year=2025" in content


def test_start_page_says_whose_approval_is_awaited(
    client, draft_vindeln, coordinator_vindeln, police_coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    approve(client, draft_vindeln)
    client.force_login(police_coordinator_vindeln)
    content = client.get(reverse("admin:index")).content.decode()
    assert "Godkänd av kommunen, väntar på polisens godkännande." in content
    assert "Granska och godkänn" in content


def test_activities_added_after_the_start_get_a_report(client, draft_vindeln, coordinator_vindeln):
    from tests.factories import make_activity

    activity = make_activity(draft_vindeln.period.focus_areas.first())
    client.force_login(coordinator_vindeln)
    client.get(change_url(draft_vindeln))
    assert draft_vindeln.reports.filter(activity=activity).exists()


def test_a_draft_promise_period_is_published_by_two_approvals(
    client, resident, vasterbotten, coordinator_vindeln, police_coordinator_vindeln
):
    from tests.factories import make_focus_area, make_period

    draft = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2028, published=False)
    make_focus_area(draft)
    url = reverse("admin:promises_promiseperiod_approve", args=[draft.pk])

    client.force_login(coordinator_vindeln)
    approve(client, draft, url)
    assert resident.get(draft.get_absolute_url()).status_code == 404

    client.force_login(police_coordinator_vindeln)
    approve(client, draft, url)
    draft.refresh_from_db()
    assert draft.publication == Publication.PUBLISHED
    assert draft.published_at is not None
    assert resident.get(draft.get_absolute_url()).status_code == 200


def test_editing_an_activity_withdraws_the_periods_approvals(client, vasterbotten, coordinator_vindeln):
    from tests.factories import make_activity, make_focus_area, make_period

    draft = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2028, published=False)
    activity = make_activity(make_focus_area(draft))
    client.force_login(coordinator_vindeln)
    approve(client, draft, reverse("admin:promises_promiseperiod_approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.municipality_approved_at is not None

    url = reverse("admin:promises_activity_change", args=[activity.pk])
    data = admin_form_data(client.get(url))
    data["text"] = "Polisen lovar något annat än det som godkändes."
    client.post(url, data)

    draft.refresh_from_db()
    assert draft.municipality_approved_at is None
