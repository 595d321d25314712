"""One unsafe place's public page: only once approved, with its status and the activities that address it."""

import pytest
from django.urls import reverse

from surveys.models import Moderation, UnsafePlace
from tests.factories import make_activity, make_focus_area, make_period
from tests.surveys.test_unsafe_place_list import make_place, map_data

pytestmark = pytest.mark.django_db


def test_approved_place_has_a_page(resident, vasterbotten):
    place = make_place(
        vasterbotten["vindeln"],
        title="Busshållplatsen vid kyrkan",
        description="Hållplatsen mot Umeå, norr om kyrkan.",
        why="Ingen belysning och ingen som ser en.",
        status=UnsafePlace.Status.ACTION_PLANNED,
        status_note="Kommunen sätter upp belysning i höst.",
        source=UnsafePlace.Source.SAFETY_WALK,
    )

    response = resident.get(place.get_absolute_url())

    assert response.status_code == 200
    assert place.get_absolute_url() == reverse("unsafe_place_detail", kwargs={"pk": place.pk})
    page = response.content.decode()
    for text in [
        "<h1>Busshållplatsen vid kyrkan",
        "Vindeln",
        "Hållplatsen mot Umeå, norr om kyrkan.",
        "Ingen belysning och ingen som ser en.",
        "Åtgärd planerad",
        "Kommunen sätter upp belysning i höst.",
        "trygghetsvandring",
        "Kväll",
    ]:
        assert text in page, text
    assert [item["title"] for item in map_data(response)] == ["Busshållplatsen vid kyrkan"]


@pytest.mark.parametrize("moderation", [Moderation.PENDING, Moderation.REJECTED])
def test_place_not_approved_is_not_found(resident, vasterbotten, moderation):
    place = make_place(vasterbotten["umea"], moderation=moderation)

    assert resident.get(place.get_absolute_url()).status_code == 404


def test_unknown_place_is_not_found(resident, db):
    assert resident.get(reverse("unsafe_place_detail", kwargs={"pk": 987654})).status_code == 404


def test_fixed_place_keeps_its_page(resident, vasterbotten):
    place = make_place(vasterbotten["umea"], status=UnsafePlace.Status.FIXED, status_note="Buskarna är borta.")

    page = resident.get(place.get_absolute_url()).content.decode()

    assert "Åtgärdad" in page
    assert "Buskarna är borta." in page


def test_place_without_position_has_no_map(resident, vasterbotten):
    place = make_place(vasterbotten["umea"], latitude=None, longitude=None)

    page = resident.get(place.get_absolute_url()).content.decode()

    assert 'id="place-map"' not in page
    assert "leaflet.js" not in page
    assert "Nej, platsen har ingen angiven position" in page


def test_shows_activities_of_published_promises_only(resident, vasterbotten):
    umea = vasterbotten["umea"]
    place = make_place(umea)
    published = vasterbotten["periods"]["umea"].focus_areas.first().activities.first()
    published.addresses_places.add(place)
    draft_period = make_period(municipality=umea, start_year=2026, end_year=2027, published=False)
    draft = make_activity(make_focus_area(draft_period), title="Hemligt utkast")
    draft.addresses_places.add(place)

    page = resident.get(place.get_absolute_url()).content.decode()

    assert f"{published.focus_area.period.get_absolute_url()}#activity-{published.pk}" in page
    assert "Hemligt utkast" not in page


def test_place_without_activities_says_so(resident, vasterbotten):
    place = make_place(vasterbotten["umea"])

    page = resident.get(place.get_absolute_url()).content.decode()

    assert "Ingen aktivitet i ett medborgarlöfte är kopplad till platsen ännu." in page


@pytest.mark.parametrize("linked", [0, 4])
def test_detail_query_count_does_not_grow_with_data(resident, django_assert_num_queries, vasterbotten, linked):
    place = make_place(vasterbotten["umea"])
    period = vasterbotten["periods"]["umea"]
    activities = [activity for area in period.focus_areas.all() for activity in area.activities.all()]
    assert len(activities) >= linked
    for activity in activities[:linked]:
        activity.addresses_places.add(place)

    # The place with its kommun, and its activities of published promises.
    with django_assert_num_queries(2):
        response = resident.get(place.get_absolute_url())
    assert response.status_code == 200
