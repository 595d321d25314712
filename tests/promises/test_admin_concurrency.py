"""No lost updates: of two coordinators editing the same record, the second save is refused, nothing lost."""

import pytest
from django.test import Client
from django.urls import reverse

from promises.models import ActivityReport, FollowUp, ReportStatus
from tests.admin_forms import admin_form_data, inline_prefix

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(vasterbotten):
    return FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_input(
    follow_up, coordinator_vindeln, police_coordinator_vindeln
):
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    kim, pia = Client(), Client()
    kim.force_login(coordinator_vindeln)
    pia.force_login(police_coordinator_vindeln)
    kims_page, pias_page = kim.get(url), pia.get(url)  # both open the same version

    kims_data = admin_form_data(kims_page)
    kims_data["summary"] = "Kims sammanfattning."
    assert kim.post(url, kims_data).status_code == 302

    pias_data = admin_form_data(pias_page)
    prefix = inline_prefix(pias_page)
    pias_data["summary"] = "Pias sammanfattning."
    pias_data[f"{prefix}-done"] = "Pias text om vad som gjordes."
    response = pia.post(url, pias_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "sparade den här posten" in content
    assert "Kim" in content  # who saved in between
    assert "sammanfattning" in content.lower()  # which field they changed
    assert "Pias sammanfattning." in content  # her input is still in the form
    assert "Pias text om vad som gjordes." in content
    follow_up.refresh_from_db()
    assert follow_up.summary == "Kims sammanfattning."
    assert not ActivityReport.objects.filter(done="Pias text om vad som gjordes.").exists()


def test_after_the_refusal_a_deliberate_second_save_goes_through(
    follow_up, coordinator_vindeln, police_coordinator_vindeln
):
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    kim, pia = Client(), Client()
    kim.force_login(coordinator_vindeln)
    pia.force_login(police_coordinator_vindeln)
    kims_page, pias_page = kim.get(url), pia.get(url)
    kim.post(url, {**admin_form_data(kims_page), "summary": "Kims."})

    refused = pia.post(url, {**admin_form_data(pias_page), "summary": "Pias."})
    retry = pia.post(url, admin_form_data(refused))

    assert retry.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.summary == "Pias."


def test_double_submit_of_the_same_form_saves_once(follow_up, coordinator_vindeln):
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    client = Client()
    client.force_login(coordinator_vindeln)
    page = client.get(url)
    data = admin_form_data(page)
    prefix = inline_prefix(page)
    data.update({"summary": "En gång.", f"{prefix}-status": ReportStatus.DONE})

    first, second = client.post(url, data), client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 200  # refused as stale, with a message, nothing saved twice
    assert follow_up.history.filter(summary="En gång.").count() == 1


def test_period_edits_are_protected_too(vasterbotten, coordinator_vindeln, police_coordinator_vindeln):
    period = vasterbotten["periods"]["vindeln"]
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    kim, pia = Client(), Client()
    kim.force_login(coordinator_vindeln)
    pia.force_login(police_coordinator_vindeln)
    kims_page, pias_page = kim.get(url), pia.get(url)
    assert kim.post(url, {**admin_form_data(kims_page), "title": "Kims rubrik"}).status_code == 302
    response = pia.post(url, {**admin_form_data(pias_page), "title": "Pias rubrik"})
    assert response.status_code == 200
    period.refresh_from_db()
    assert period.title == "Kims rubrik"
