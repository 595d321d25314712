"""The unsafe places admin: scoped to the coordinator's kommuner, moderation actions, coordinates checked."""

import pytest
from django.contrib import admin
from django.urls import reverse

from surveys.models import Moderation, UnsafePlace
from tests.surveys.test_unsafe_place_list import make_place

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:surveys_unsafeplace_changelist")
ADD = reverse("admin:surveys_unsafeplace_add")


def change_url(place):
    return reverse("admin:surveys_unsafeplace_change", args=[place.pk])


@pytest.fixture
def places(vasterbotten):
    return {
        "vindeln": make_place(vasterbotten["vindeln"], title="Vindeln väntar", moderation=Moderation.PENDING),
        "umea": make_place(vasterbotten["umea"], title="Umeå väntar", moderation=Moderation.PENDING),
    }


def add_form(vasterbotten, **fields):
    data = {
        "municipality": vasterbotten["vindeln"].pk,
        "title": "Skolgården",
        "source": UnsafePlace.Source.SAFETY_WALK,
        "reported_on": "2025-05-14",
        "description": "",
        "why": "Skymd sikt.",
        "time_of_day": "evening",
        "latitude": "",
        "longitude": "",
        "moderation": Moderation.APPROVED,
        "status": UnsafePlace.Status.REPORTED,
        "status_note": "",
    }
    data.update(fields)
    return data


def test_admin_is_registered_with_filters_search_and_actions():
    model_admin = admin.site._registry[UnsafePlace]

    assert {"moderation", "status"} <= set(model_admin.list_display)
    filters = [item[0] if isinstance(item, tuple) else item for item in model_admin.list_filter]
    assert filters == ["municipality", "moderation", "status", "time_of_day", "source"]
    assert model_admin.search_fields
    assert {"approve", "reject"} <= set(model_admin.actions)


def test_coordinator_lists_only_their_own_kommuns_places(client, coordinator_vindeln, places):
    client.force_login(coordinator_vindeln)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [places["vindeln"]]
    page = response.content.decode()
    assert "Umeå väntar" not in page
    # The kommun filter offers only the coordinator's own kommuner (with one, Django leaves it out).
    offered = [
        label
        for spec in response.context["cl"].filter_specs
        if spec.title == "kommun"
        for _pk, label in spec.lookup_choices
    ]
    assert set(offered) <= {"Vindeln"}


def test_national_admin_filters_by_every_kommun_with_places(admin_client_for, places):
    response = admin_client_for.get(CHANGELIST)

    spec = next(spec for spec in response.context["cl"].filter_specs if spec.title == "kommun")
    assert [label for _pk, label in spec.lookup_choices] == ["Umeå", "Vindeln"]


def test_coordinator_cannot_open_another_kommuns_place(client, coordinator_vindeln, places):
    client.force_login(coordinator_vindeln)

    assert client.get(change_url(places["umea"])).status_code == 404
    assert client.post(change_url(places["umea"]), {"title": "Kapad"}).status_code == 404
    assert client.get(change_url(places["vindeln"])).status_code == 200
    assert UnsafePlace.objects.get(pk=places["umea"].pk).title == "Umeå väntar"


def test_coordinator_adds_a_place_only_in_their_own_kommun(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    refused = client.post(ADD, add_form(vasterbotten, municipality=vasterbotten["umea"].pk))
    accepted = client.post(ADD, add_form(vasterbotten))

    assert refused.status_code == 200
    assert "municipality" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    place = UnsafePlace.objects.get()
    assert (place.municipality, place.source) == (vasterbotten["vindeln"], UnsafePlace.Source.SAFETY_WALK)


def test_a_new_place_needs_its_source_chosen(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    response = client.post(ADD, add_form(vasterbotten, source=""))

    assert response.status_code == 200
    assert "source" in response.context["adminform"].form.errors
    assert not UnsafePlace.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("63.8", "", "longitude"), ("48.85", "2.35", "latitude"), ("64,1", "45", "longitude")],
)
def test_admin_checks_coordinates(client, coordinator_vindeln, vasterbotten, latitude, longitude, field):
    client.force_login(coordinator_vindeln)

    response = client.post(ADD, add_form(vasterbotten, latitude=latitude, longitude=longitude))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not UnsafePlace.objects.exists()


def test_approve_action_publishes_only_places_in_scope(client, coordinator_vindeln, places):
    client.force_login(coordinator_vindeln)

    response = client.post(
        CHANGELIST,
        {"action": "approve", "_selected_action": [places["vindeln"].pk, places["umea"].pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 plats godkändes" in response.content.decode()
    assert UnsafePlace.objects.get(pk=places["vindeln"].pk).moderation == Moderation.APPROVED
    assert UnsafePlace.objects.get(pk=places["umea"].pk).moderation == Moderation.PENDING
    assert client.get(places["vindeln"].get_absolute_url()).status_code == 200


def test_reject_action_keeps_the_place_off_the_site(client, coordinator_vindeln, places):
    approved = make_place(places["vindeln"].municipality, title="Var godkänd")
    client.force_login(coordinator_vindeln)

    client.post(CHANGELIST, {"action": "reject", "_selected_action": [places["vindeln"].pk, approved.pk]})

    assert set(UnsafePlace.objects.filter(moderation=Moderation.REJECTED)) == {places["vindeln"], approved}
    assert client.get(approved.get_absolute_url()).status_code == 404


def test_filters_and_search_work(admin_client_for, places):
    for query in [
        {"moderation__exact": "pending"},
        {"status__exact": "fixed"},
        {"time_of_day__exact": "night"},
        {"source__exact": "public_report"},
        {"municipality__id__exact": places["umea"].municipality_id},
        {"q": "Umeå"},
    ]:
        assert admin_client_for.get(CHANGELIST, query).status_code == 200, query
    response = admin_client_for.get(CHANGELIST, {"q": "Vindeln väntar"})
    assert list(response.context["cl"].result_list) == [places["vindeln"]]


def test_change_page_lists_the_activities_that_address_the_place(admin_client_for, vasterbotten, places):
    activity = vasterbotten["periods"]["umea"].focus_areas.first().activities.first()
    activity.addresses_places.add(places["umea"])

    page = admin_client_for.get(change_url(places["umea"])).content.decode()

    assert reverse("admin:promises_activity_change", args=[activity.pk]) in page
    assert "Kopplingen görs på aktivitetens sida" in page
    assert "Ingen aktivitet är kopplad" in admin_client_for.get(change_url(places["vindeln"])).content.decode()
