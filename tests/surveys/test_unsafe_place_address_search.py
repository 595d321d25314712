"""Address search for the report map, through the geocoder setting: off by default, never an outside call in tests.

Every test here replaces urllib's urlopen in surveys.geocoding: a test that reached the network would fail on the
closed network, and must not depend on someone else's server anyway.
"""

import io
import json
import urllib.error
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys import geocoding

pytestmark = pytest.mark.django_db

URL = reverse("unsafe_place_address_search")
GEOCODER = "https://geocoder.example/search"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calls(monkeypatch):
    """The requests the geocoder would have received; answer with `calls.answer` (a list, bytes or an exception)."""

    class Calls(list):
        answer = []

    recorded = Calls()

    def fake_urlopen(request, timeout=None):
        recorded.append((request, timeout))
        if isinstance(recorded.answer, Exception):
            raise recorded.answer
        body = recorded.answer if isinstance(recorded.answer, bytes) else json.dumps(recorded.answer).encode()
        return io.BytesIO(body)

    monkeypatch.setattr(geocoding.urllib.request, "urlopen", fake_urlopen)
    return recorded


@pytest.fixture
def vindeln(vasterbotten):
    municipality = vasterbotten["vindeln"]
    municipality.code = "2404"
    municipality.save()
    return municipality


def search(client, municipality, q="Kyrkogatan 1"):
    return client.get(URL, {"q": q, "kommun": municipality.pk if municipality else ""})


def test_off_by_default_the_search_is_a_404_and_nothing_is_asked(resident, vindeln, calls, settings):
    assert settings.GEOCODER_URL == ""

    response = search(resident, vindeln)

    assert response.status_code == 404
    assert calls == []


def test_results_inside_the_kommun_are_returned(resident, vindeln, calls, settings):
    settings.GEOCODER_URL = GEOCODER
    calls.answer = [
        {"display_name": "Kyrkogatan 1, Vindeln", "lat": "64.2019", "lon": "19.7166"},
        {"display_name": "Kyrkogatan 1, Malmö", "lat": "55.605", "lon": "13.0038"},  # outside: left out
        {"display_name": "Trasig", "lat": "norr"},
    ]

    response = search(resident, vindeln)

    assert response.status_code == 200
    assert response.json()["results"] == [{"name": "Kyrkogatan 1, Vindeln", "lat": 64.2019, "lng": 19.7166}]
    ((request, timeout),) = calls
    assert timeout == settings.GEOCODER_TIMEOUT
    asked = parse_qs(urlsplit(request.full_url).query)
    assert asked["q"] == ["Kyrkogatan 1"]
    assert asked["bounded"] == ["1"]
    west, north, east, south = (float(v) for v in asked["viewbox"][0].split(","))
    assert west < 19.7166 < east and south < 64.2019 < north
    assert request.get_header("User-agent") == settings.GEOCODER_USER_AGENT


def test_no_results_says_so(resident, vindeln, calls, settings):
    settings.GEOCODER_URL = GEOCODER

    data = search(resident, vindeln).json()

    assert data["results"] == []
    assert data["message"].startswith("Inga träffar.")


@pytest.mark.parametrize(
    "failure",
    [urllib.error.URLError("refused"), TimeoutError("timed out"), TimeoutError(), b"<html>not json</html>"],
)
def test_a_geocoder_that_fails_gets_a_swedish_message(resident, vindeln, calls, settings, failure):
    settings.GEOCODER_URL = GEOCODER
    calls.answer = failure

    response = search(resident, vindeln)

    assert response.status_code == 502
    assert "Klicka på kartan i stället" in response.json()["error"]


def test_a_too_short_query_is_refused_without_asking(resident, vindeln, calls, settings):
    settings.GEOCODER_URL = GEOCODER

    response = search(resident, vindeln, q=" a ")

    assert response.status_code == 400
    assert "minst tre tecken" in response.json()["error"]
    assert calls == []


def test_searches_are_rate_limited(resident, vindeln, calls, settings):
    settings.GEOCODER_URL = GEOCODER
    for _ in range(10):
        assert search(resident, vindeln).status_code == 200

    response = search(resident, vindeln)

    assert response.status_code == 429
    assert len(calls) == 10


def test_the_policy_never_lets_the_browser_reach_the_geocoder(resident, vindeln, settings):
    settings.GEOCODER_URL = GEOCODER

    policy = resident.get(reverse("unsafe_place_report")).headers["Content-Security-Policy"]

    assert "geocoder.example" not in policy
