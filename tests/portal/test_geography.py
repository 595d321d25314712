"""portal.geography: every kommun's outline, and whether a point lies inside it (SCB's boundaries)."""

import pytest

from portal import geography

VINDELN = "2404"
MALMO_CENTRE = (55.6050, 13.0038)
VINDELN_CENTRE = (64.2019, 19.7166)


def test_every_kommun_has_an_outline_keyed_by_its_four_digit_code():
    kommuner = geography._kommuner()

    assert len(kommuner) == 290
    assert all(len(code) == 4 and code.isdigit() for code in kommuner)
    assert kommuner[VINDELN]["name"] == "Vindeln"
    assert kommuner["1280"]["name"] == "Malmö"
    assert kommuner["2480"]["name"] == "Umeå"


def test_a_point_in_vindeln_is_inside_vindeln_and_not_inside_umea():
    assert geography.contains(VINDELN, *VINDELN_CENTRE) is True
    assert geography.contains("2480", *VINDELN_CENTRE) is False


def test_a_point_in_malmo_is_outside_vindeln():
    assert geography.contains(VINDELN, *MALMO_CENTRE) is False
    assert geography.contains("1280", *MALMO_CENTRE) is True


def test_a_point_just_outside_the_box_is_outside():
    west, _south, east, north = geography.kommun(VINDELN)["bbox"]

    assert geography.contains(VINDELN, north + 0.1, (west + east) / 2) is False


@pytest.mark.parametrize(("code", "lat", "lon"), [("9999", 64.2, 19.7), (VINDELN, None, 19.7)])
def test_unknown_kommun_or_missing_point_is_not_known(code, lat, lon):
    assert geography.contains(code, lat, lon) is None


def test_accepts_decimals_as_the_model_stores_them():
    from decimal import Decimal

    assert geography.contains(VINDELN, Decimal("64.201900"), Decimal("19.716600")) is True


def test_outline_is_geojson_for_the_map():
    outline = geography.outline_geojson(VINDELN)

    assert outline["type"] == "MultiPolygon"
    lon, lat = outline["coordinates"][0][0][0]
    assert 18.9 < lon < 20.2 and 64.0 < lat < 64.8
    assert geography.outline_geojson("9999") is None
