"""The admin: every model is registered with Swedish labels, inlines, filters and search that work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.models import Municipality, PoliceArea
from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FollowUp,
    Party,
    PromisePeriod,
    ReportStatus,
    Signatory,
    Theme,
)
from tests.factories import make_full_period, make_theme

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [PoliceArea, Municipality, Theme, PromisePeriod, FocusArea, Activity, FollowUp, ActivityReport]


def test_every_model_is_registered_or_edited_inline():
    registered = set(admin.site._registry)
    assert set(ADMIN_MODELS) <= registered
    # Parties and signatories belong to their period and are edited on its page.
    period_inlines = {inline.model for inline in admin.site._registry[PromisePeriod].inlines}
    assert {Party, Signatory, FocusArea} <= period_inlines
    assert Activity in {inline.model for inline in admin.site._registry[FocusArea].inlines}
    assert ActivityReport in {inline.model for inline in admin.site._registry[FollowUp].inlines}


@pytest.fixture
def content():
    make_theme(name="Trafik", slug="trafik")
    return make_full_period(focus_areas=2, activities=2, follow_up_years=(2023,))


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_change_pages_open(admin_client_for, content, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    response = admin_client_for.get(changelist)
    assert response.status_code == 200
    assert str(opts.verbose_name_plural).lower() in response.content.decode().lower()
    assert admin_client_for.get(changelist, {"q": "Polisen"}).status_code == 200

    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client_for.get(change).status_code == 200
    # Reports are created by starting a follow-up, never added by hand (see test_admin_permissions).
    expected_add = 403 if model is ActivityReport else 200
    assert admin_client_for.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected_add


def test_admin_speaks_swedish(admin_client_for):
    content = admin_client_for.get(reverse("admin:index")).content.decode()
    assert "Medborgarlöften – administration" in content
    assert "Årliga uppföljningar" in content


def test_report_without_required_reason_is_refused_with_a_message(admin_client_for, content):
    report = ActivityReport.objects.first()
    url = reverse("admin:promises_activityreport_change", args=[report.pk])
    response = admin_client_for.post(
        url,
        {
            "follow_up": report.follow_up_id,
            "activity": report.activity_id,
            "status": ReportStatus.DELAYED,
            "done": "Påbörjat.",
            "reason": "",
            "count": "",
            "count_label": "",
            "evidence_url": "",
        },
    )
    assert response.status_code == 200
    assert "Ange ett skäl" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_unknown_object_in_admin_is_not_a_server_error(admin_client_for):
    response = admin_client_for.get(reverse("admin:promises_promiseperiod_change", args=[999999]))
    assert response.status_code in (302, 404)


# --- Activities added during the period ---


def test_an_activity_added_to_a_signed_promise_is_marked_as_added(client, vasterbotten, coordinator_vindeln):
    """The seed: "Till varje område kommer det kopplas aktiviteter" — added later, never part of the signed text."""
    import datetime

    from promises.models import Activity

    focus_area = vasterbotten["periods"]["vindeln"].focus_areas.first()
    client.force_login(coordinator_vindeln)
    response = client.post(
        reverse("admin:promises_activity_add"),
        {
            "focus_area": focus_area.pk,
            "order": 9,
            "text": "Kommunen ordnar en trygghetsvandring i centrum.",
            "recurrence": "one_off",
            "added_after_signing": "",  # a coordinator cannot unmark it: the field is read-only for them
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    activity = Activity.objects.get(text="Kommunen ordnar en trygghetsvandring i centrum.")
    assert activity.added_after_signing
    assert activity.added_on == datetime.date.today()


def test_an_activity_added_to_an_unsigned_draft_is_part_of_the_promise(client, vasterbotten, coordinator_vindeln):
    from promises.models import Activity
    from tests.factories import make_focus_area, make_period

    draft = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2028, published=False)
    client.force_login(coordinator_vindeln)
    client.post(
        reverse("admin:promises_activity_add"),
        {
            "focus_area": make_focus_area(draft).pk,
            "order": 1,
            "text": "Polisen lovar en insats.",
            "recurrence": "one_off",
        },
    )
    assert not Activity.objects.get(text="Polisen lovar en insats.").added_after_signing
