"""A kommun's map: its centre and boundary, uploaded as GeoJSON by a national administrator or SCB's shipped one."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal import geography
from portal.models import Municipality
from tests.admin_forms import admin_form_data

# A square around Vindeln's centralort: small enough that most of the kommun lies outside it.
SQUARE = {"type": "Polygon", "coordinates": [[[19.6, 64.1], [19.9, 64.1], [19.9, 64.3], [19.6, 64.3], [19.6, 64.1]]]}
INSIDE_SQUARE = (64.2019, 19.7166)  # Vindeln's church
OUTSIDE_SQUARE_INSIDE_KOMMUN = (64.6, 19.3)  # the kommun's north, outside the square
MALMO = (55.605, 13.0038)

SEEDED = {
    "2480": "Umeå",
    "2404": "Vindeln",
    "2409": "Robertsfors",
    "2401": "Nordmaling",
    "2403": "Bjurholm",
    "2460": "Vännäs",
}


def geojson(geometry):
    return json.dumps(geometry)


def polygon(*points):
    return geojson({"type": "Polygon", "coordinates": [[list(point) for point in points]]})


class TestParseBoundary:
    def test_a_polygon_is_accepted_as_it_is(self):
        assert geography.parse_boundary(geojson(SQUARE)) == SQUARE

    def test_a_feature_or_a_collection_of_one_feature_gives_its_geometry(self):
        feature = {"type": "Feature", "properties": {"kommun": "Vindeln"}, "geometry": SQUARE}

        assert geography.parse_boundary(geojson(feature)) == SQUARE
        collection = {"type": "FeatureCollection", "features": [feature]}
        assert geography.parse_boundary(geojson(collection)) == SQUARE

    def test_a_multipolygon_is_accepted(self):
        multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}

        assert geography.parse_boundary(geojson(multi))["type"] == "MultiPolygon"

    def test_bytes_with_a_byte_order_mark_are_read(self):
        assert geography.parse_boundary(b"\xef\xbb\xbf" + geojson(SQUARE).encode()) == SQUARE

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("{not json", "inte giltig JSON"),
            ("[1, 2]", "ska vara ett objekt"),
            (geojson({"type": "Point", "coordinates": [19.7, 64.2]}), "Polygon eller MultiPolygon, inte Point"),
            (geojson({"type": "LineString", "coordinates": [[19.7, 64.2], [19.8, 64.3]]}), "inte LineString"),
            (geojson({"type": "FeatureCollection", "features": []}), "exakt en Feature"),
            (geojson({"type": "Polygon", "coordinates": []}), "saknas eller har fel form"),
            (geojson({"type": "Polygon", "coordinates": [[["a", "b"]]]}), "[longitud, latitud]"),
            # SWEREF 99 TM metres instead of degrees.
            (
                geojson(
                    {
                        "type": "Polygon",
                        "coordinates": [[[700000, 7120000], [710000, 7120000], [710000, 7130000], [700000, 7120000]]],
                    }
                ),
                "SWEREF 99 TM",
            ),
            # Latitude and longitude swapped: degrees, but in the Indian Ocean.
            (
                polygon((64.1, 19.6), (64.1, 19.9), (64.3, 19.9), (64.1, 19.6)),
                "omkastade",
            ),
            # A bow tie: the ring crosses itself.
            (
                geojson(
                    {
                        "type": "Polygon",
                        "coordinates": [[[19.6, 64.1], [19.9, 64.3], [19.9, 64.1], [19.6, 64.3], [19.6, 64.1]]],
                    }
                ),
                "ingen giltig polygon: gränsen korsar sig själv nära longitud 19.75, latitud 64.2",
            ),
            (
                geojson({"type": "Polygon", "coordinates": [[[19.6, 64.1], [19.9, 64.3], [19.6, 64.1]]]}),
                "minst fyra punkter",
            ),
        ],
    )
    def test_what_cannot_be_a_kommun_boundary_is_refused_in_swedish(self, text, message):
        with pytest.raises(geography.BoundaryError) as refused:
            geography.parse_boundary(text)

        assert message in str(refused.value)

    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self):
        with pytest.raises(geography.BoundaryError, match="högst 1500 kB"):
            geography.parse_boundary(b" " * (geography.MAX_BOUNDARY_BYTES + 1))

    def test_too_many_points_are_refused(self, settings, monkeypatch):
        monkeypatch.setattr(geography, "MAX_BOUNDARY_POINTS", 4)

        with pytest.raises(geography.BoundaryError, match="5 punkter; högst 4"):
            geography.parse_boundary(geojson(SQUARE))


class TestMunicipalityBoundary:
    @pytest.fixture
    def vindeln(self, vasterbotten):
        municipality = vasterbotten["vindeln"]
        municipality.code = "2404"
        municipality.save()
        return municipality

    def test_without_an_upload_the_shipped_scb_outline_decides(self, vindeln):
        assert vindeln.boundary_source == "scb"
        assert vindeln.contains_point(*OUTSIDE_SQUARE_INSIDE_KOMMUN) is True
        assert vindeln.contains_point(*MALMO) is False

    def test_an_uploaded_boundary_replaces_scb_s(self, vindeln):
        vindeln.boundary = SQUARE
        vindeln.full_clean()
        vindeln.save()
        vindeln = Municipality.objects.get(pk=vindeln.pk)

        assert vindeln.boundary_source == "uploaded"
        assert vindeln.contains_point(*INSIDE_SQUARE) is True
        assert vindeln.contains_point(*OUTSIDE_SQUARE_INSIDE_KOMMUN) is False

    def test_a_kommun_without_any_outline_knows_nothing(self, vasterbotten):
        unknown = vasterbotten["umea"]  # the fixture's code is no real kommun's

        assert unknown.boundary_source is None
        assert unknown.contains_point(*MALMO) is None
        assert unknown.map_view() is None

    def test_model_validation_refuses_a_bad_boundary_in_swedish(self, vindeln):
        vindeln.boundary = {"type": "Point", "coordinates": [19.7, 64.2]}

        with pytest.raises(ValidationError) as refused:
            vindeln.full_clean()

        assert "Polygon eller MultiPolygon" in refused.value.message_dict["boundary"][0]

    def test_the_centre_must_lie_inside_the_boundary_and_come_in_pairs(self, vindeln):
        vindeln.map_latitude, vindeln.map_longitude = Decimal("55.605"), Decimal("13.0038")
        with pytest.raises(ValidationError) as outside:
            vindeln.full_clean()
        assert "utanför kommungränsen" in outside.value.message_dict["map_latitude"][0]

        vindeln.map_longitude = None
        with pytest.raises(ValidationError) as half:
            vindeln.full_clean()
        assert "både latitud och longitud" in half.value.message_dict["map_longitude"][0]

    def test_the_database_refuses_half_a_centre(self, vindeln):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Municipality.objects.filter(pk=vindeln.pk).update(map_latitude=Decimal("64.2"))

    def test_map_view_fits_the_outline_and_centres_on_the_given_centre(self, vindeln):
        vindeln.map_latitude, vindeln.map_longitude = Decimal("64.20190"), Decimal("19.71660")

        view = vindeln.map_view()

        (south, west), (north, east) = view["bounds"]
        assert south < 64.2019 < north and west < 19.7166 < east
        assert 64.0 < south < 64.1 and 64.7 < north < 64.8
        assert view["centre"] == [64.2019, 19.7166]


def test_the_six_vasterbotten_kommuner_ship_with_a_centre_inside_them(content):
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=SEEDED)}

    assert {code: m.name for code, m in municipalities.items()} == SEEDED
    for code, municipality in municipalities.items():
        assert municipality.map_latitude is not None, municipality.name
        assert municipality.contains_point(municipality.map_latitude, municipality.map_longitude) is True
        # The centre is the centroid of SCB's outline, as vasterbotten.toml says.
        outline = geography._shipped_shape(code)
        assert abs(float(municipality.map_latitude) - outline.centroid.y) < 0.001
        assert abs(float(municipality.map_longitude) - outline.centroid.x) < 0.001
        # And the bounding box the map opens on comes with SCB's outline.
        assert len(geography.kommun(code)["bbox"]) == 4


class TestAdmin:
    @pytest.fixture
    def change_url(self, vasterbotten):
        vindeln = vasterbotten["vindeln"]
        vindeln.code = "2404"
        vindeln.save()
        return reverse("admin:portal_municipality_change", args=[vindeln.pk])

    def test_national_admin_uploads_a_boundary_file(self, admin_client_for, change_url, vasterbotten):
        data = admin_form_data(admin_client_for.get(change_url))
        data["boundary_file"] = SimpleUploadedFile("vindeln.geojson", geojson(SQUARE).encode(), "application/geo+json")

        response = admin_client_for.post(change_url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Municipality.objects.get(pk=vasterbotten["vindeln"].pk).boundary == SQUARE

    def test_national_admin_pastes_a_boundary_and_can_go_back_to_scb(self, admin_client_for, change_url, vasterbotten):
        data = admin_form_data(admin_client_for.get(change_url))
        data["boundary_text"] = geojson({"type": "Feature", "properties": {}, "geometry": SQUARE})
        assert admin_client_for.post(change_url, data).status_code == 302
        page = admin_client_for.get(change_url).content.decode()
        assert "Uppladdad gräns: 1 delar, 5 punkter." in page

        data = admin_form_data(admin_client_for.get(change_url))
        data["remove_boundary"] = "on"
        assert admin_client_for.post(change_url, data).status_code == 302
        assert Municipality.objects.get(pk=vasterbotten["vindeln"].pk).boundary is None
        assert "SCB:s kommungräns" in admin_client_for.get(change_url).content.decode()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("boundary_text", "{not json", "Det här är inte giltig JSON"),
            ("boundary_text", geojson({"type": "Point", "coordinates": [19.7, 64.2]}), "inte Point"),
            ("boundary_file", b"\xff\xfe not utf-8", "inte text i UTF-8"),
        ],
    )
    def test_a_bad_boundary_is_refused_with_a_swedish_message(
        self, admin_client_for, change_url, vasterbotten, field, value, message
    ):
        data = admin_form_data(admin_client_for.get(change_url))
        data[field] = SimpleUploadedFile("grans.geojson", value) if field == "boundary_file" else value

        response = admin_client_for.post(change_url, data)

        assert response.status_code == 200
        assert message in str(response.context["adminform"].form.errors[field])
        assert Municipality.objects.get(pk=vasterbotten["vindeln"].pk).boundary is None

    def test_a_coordinator_cannot_change_the_boundary(self, client, coordinator_vindeln, change_url):
        client.force_login(coordinator_vindeln)

        response = client.post(change_url, {"boundary_text": geojson(SQUARE)})

        assert response.status_code in (302, 403)
        assert not Municipality.objects.exclude(boundary=None).exists()
