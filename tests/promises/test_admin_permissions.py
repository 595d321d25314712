"""The admin's permission matrix: who may list, open, add, delete and look up what, per model.

A coordinator's "own" rows belong to their kommun, "other" rows to a kommun they do not coordinate.
"""

import json

import pytest
from django.urls import reverse

from portal.models import Coordinator, Municipality, PoliceArea
from promises.models import Activity, ActivityReport, FocusArea, FollowUp, PromisePeriod, Theme
from tests.factories import make_theme

pytestmark = pytest.mark.django_db

MODELS = [
    PoliceArea,
    Municipality,
    Theme,
    PromisePeriod,
    FocusArea,
    Activity,
    FollowUp,
    ActivityReport,
    Coordinator,
]

# What a kommun coordinator gets, per model: list, open own, open other, add, delete own.
COORDINATOR = {
    PoliceArea: (200, 200, None, 403, 403),
    Municipality: (200, 200, 404, 403, 403),
    Theme: (200, 200, None, 403, 403),
    PromisePeriod: (200, 200, 404, 200, 403),
    FocusArea: (200, 200, 404, 200, 200),
    Activity: (200, 200, 404, 200, 200),
    FollowUp: (200, 200, 404, 200, 403),
    ActivityReport: (200, 200, 404, 403, 403),
    Coordinator: (403, 403, 403, 403, 403),
}
NATIONAL_ADMIN = {model: (200, 200, None if model in (PoliceArea, Theme) else 200, 200, 200) for model in MODELS}
NATIONAL_ADMIN[ActivityReport] = (200, 200, 200, 403, 200)  # reports are created by starting a follow-up
STAFF_WITHOUT_KOMMUN = {model: (403, 404, None if model in (PoliceArea, Theme) else 404, 403, 404) for model in MODELS}
STAFF_WITHOUT_KOMMUN[Theme] = (403, 403, None, 403, 403)
STAFF_WITHOUT_KOMMUN[Coordinator] = (403, 403, 403, 403, 403)

PERSONAS = {
    "coordinator_vindeln": ("vindeln", "umea", COORDINATOR),
    "police_coordinator_umea": ("umea", "vindeln", COORDINATOR),
    "national_admin": ("vindeln", "umea", NATIONAL_ADMIN),
    "staff_without_kommun": ("vindeln", "umea", STAFF_WITHOUT_KOMMUN),
}


def object_in(model, municipality, vasterbotten):
    period = vasterbotten["periods"][municipality.slug]
    return {
        PoliceArea: lambda: municipality.police_area,
        Municipality: lambda: municipality,
        Theme: lambda: Theme.objects.first(),
        PromisePeriod: lambda: period,
        FocusArea: lambda: period.focus_areas.first(),
        Activity: lambda: Activity.objects.filter(focus_area__period=period).first(),
        FollowUp: lambda: period.follow_ups.first(),
        ActivityReport: lambda: ActivityReport.objects.filter(follow_up__period=period).first(),
        Coordinator: lambda: Coordinator.objects.filter(municipalities=municipality).first(),
    }[model]()


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def everyone(vasterbotten, coordinator_vindeln, police_coordinator_vindeln, police_coordinator_umea):
    make_theme(name="Trafik", slug="trafik")
    return vasterbotten


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_permission_matrix(request, client, everyone, persona, model):
    own_slug, other_slug, matrix = PERSONAS[persona]
    client.force_login(request.getfixturevalue(persona))
    own = object_in(model, everyone[own_slug], everyone)
    other = object_in(model, everyone[other_slug], everyone)
    list_status, own_status, other_status, add_status, delete_status = matrix[model]

    assert client.get(admin_url(model, "changelist")).status_code == list_status
    assert client.get(admin_url(model, "change", own.pk)).status_code == own_status
    if other_status is not None:
        assert client.get(admin_url(model, "change", other.pk)).status_code == other_status
    assert client.get(admin_url(model, "add")).status_code == add_status
    assert client.get(admin_url(model, "delete", own.pk)).status_code == delete_status


@pytest.mark.parametrize("persona", ["coordinator_vindeln", "police_coordinator_umea"])
@pytest.mark.parametrize("model", [Municipality, PromisePeriod, FocusArea, Activity, FollowUp, ActivityReport])
def test_coordinator_lists_only_their_own_kommun(request, client, everyone, persona, model):
    own_slug = PERSONAS[persona][0]
    client.force_login(request.getfixturevalue(persona))
    response = client.get(admin_url(model, "changelist"))
    shown = list(response.context["cl"].result_list)
    assert shown
    for obj in shown:
        assert object_kommun(obj).slug == own_slug


def object_kommun(obj):
    if isinstance(obj, Municipality):
        return obj
    if isinstance(obj, PromisePeriod):
        return obj.municipality
    if isinstance(obj, (FocusArea, FollowUp)):
        return obj.period.municipality
    if isinstance(obj, Activity):
        return obj.focus_area.period.municipality
    return obj.follow_up.period.municipality


def test_coordinator_cannot_change_another_kommuns_period_by_post(client, everyone, coordinator_vindeln):
    umea_period = everyone["periods"]["umea"]
    client.force_login(coordinator_vindeln)
    response = client.post(admin_url(PromisePeriod, "change", umea_period.pk), {"title": "Kapad"})
    assert response.status_code == 404
    umea_period.refresh_from_db()
    assert umea_period.title != "Kapad"


def test_add_form_offers_only_own_kommuner_and_periods(client, everyone, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    period_form = client.get(admin_url(PromisePeriod, "add")).context["adminform"].form
    assert list(period_form.fields["municipality"].queryset) == [everyone["vindeln"]]
    follow_up_form = client.get(admin_url(FollowUp, "add")).context["adminform"].form
    assert list(follow_up_form.fields["period"].queryset) == [everyone["periods"]["vindeln"]]


def test_add_with_another_kommuns_period_is_refused(client, everyone, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    umea_period = everyone["periods"]["umea"]
    response = client.post(admin_url(FollowUp, "add"), {"period": umea_period.pk, "year": 2025})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["period"]
    assert not FollowUp.objects.filter(period=umea_period, year=2025).exists()


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("followup", "period"), ("promiseperiod", "municipality"), ("activity", "focus_area")],
)
def test_autocomplete_offers_only_own_kommun(client, everyone, coordinator_vindeln, model_name, field_name):
    client.force_login(coordinator_vindeln)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "promises", "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert results
    assert all("Umeå" not in result["text"] for result in results)


def test_history_of_another_kommuns_record_is_404(client, everyone, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    own = everyone["periods"]["vindeln"]
    other = everyone["periods"]["umea"]
    assert client.get(admin_url(PromisePeriod, "history", own.pk)).status_code == 200
    assert client.get(admin_url(PromisePeriod, "history", other.pk)).status_code == 404
    version = other.history.first().history_id
    assert client.get(admin_url(PromisePeriod, "simple_history", other.pk, version)).status_code == 404


def test_export_contains_only_own_kommun_even_if_other_ids_are_posted(client, everyone, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    response = client.post(
        admin_url(FollowUp, "changelist"),
        {"action": "export_csv", "_selected_action": [f.pk for f in FollowUp.objects.all()]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    assert "Vindeln" in content
    assert "Umeå" not in content


def test_resident_is_sent_to_the_login_page(client, everyone):
    response = client.get(admin_url(FollowUp, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
