"""The report map's data for one kommun: its outline in force, the view to open on and the refusal's words."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[19.6, 64.1], [19.9, 64.1], [19.9, 64.3], [19.6, 64.3], [19.6, 64.1]]]}


def boundary(client, municipality):
    return client.get(reverse("unsafe_place_boundary", kwargs={"pk": municipality.pk}))


def test_the_shipped_scb_outline_and_its_bounds(resident, content):
    from portal.models import Municipality

    vindeln = Municipality.objects.get(code="2404")

    data = boundary(resident, vindeln).json()

    assert data["name"] == "Vindelns kommun"
    assert data["boundary"]["type"] == "MultiPolygon"
    (south, west), (north, east) = data["bounds"]
    assert 64.0 < south < 64.1 and 64.7 < north < 64.8 and 18.9 < west < 19.0 and 20.1 < east < 20.2
    assert data["centre"] == [float(vindeln.map_latitude), float(vindeln.map_longitude)]
    assert data["outsideMessage"].startswith("Positionen ligger utanför Vindelns kommun.")


def test_an_uploaded_outline_is_the_one_sent(resident, vasterbotten):
    vindeln = vasterbotten["vindeln"]
    vindeln.boundary = SQUARE
    vindeln.save()

    data = boundary(resident, vindeln).json()

    assert data["boundary"] == SQUARE
    assert data["bounds"] == [[64.1, 19.6], [64.3, 19.9]]


def test_a_kommun_without_an_outline_has_none(resident, vasterbotten):
    data = boundary(resident, vasterbotten["umea"]).json()

    assert data["boundary"] is None and data["bounds"] is None


def test_an_unknown_kommun_is_a_404(resident, db):
    assert resident.get(reverse("unsafe_place_boundary", kwargs={"pk": 999999})).status_code == 404


def test_boundary_query_count(resident, vasterbotten, django_assert_num_queries):
    with django_assert_num_queries(1):
        boundary(resident, vasterbotten["vindeln"])
