"""The public list and map of unsafe places: moderated places only, filters, and the map's data."""

import json
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from surveys.forms.unsafe_places import UnsafePlaceFilterForm
from surveys.models import Moderation, TimeOfDay, UnsafePlace
from tests.factories import make_activity, make_focus_area, make_municipality, make_period
from tests.factories.dialogues import make_unsafe_place

pytestmark = pytest.mark.django_db

URL = reverse("unsafe_place_list")


def make_place(municipality, **fields):
    """An approved place in the middle of Umeå unless told otherwise."""
    fields.setdefault("title", "Gångtunneln vid stationen")
    fields.setdefault("why", "Dålig belysning.")
    fields.setdefault("time_of_day", TimeOfDay.EVENING)
    fields.setdefault("moderation", Moderation.APPROVED)
    fields.setdefault("latitude", Decimal("63.825800"))
    fields.setdefault("longitude", Decimal("20.263000"))
    return make_unsafe_place(municipality=municipality, **fields)


def map_data(response):
    """The places the map's script gets, as the browser reads them."""
    match = re.search(r'<script id="place-map-data" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1)) if match else []


def titles(response):
    return [place.title for place in response.context["places"]]


def test_only_approved_places_are_public(resident, vasterbotten):
    umea = vasterbotten["umea"]
    make_place(umea, title="Godkänd plats")
    make_place(umea, title="Väntande plats", moderation=Moderation.PENDING)
    make_place(umea, title="Avvisad plats", moderation=Moderation.REJECTED)

    response = resident.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Godkänd plats"]
    page = response.content.decode()
    assert "Väntande plats" not in page
    assert "Avvisad plats" not in page
    assert [place["title"] for place in map_data(response)] == ["Godkänd plats"]


def test_fixed_places_are_hidden_unless_asked_for(resident, vasterbotten):
    umea = vasterbotten["umea"]
    make_place(umea, title="Parken", status=UnsafePlace.Status.ACTION_PLANNED)
    make_place(umea, title="Tunneln", status=UnsafePlace.Status.FIXED)

    hidden = resident.get(URL)
    shown = resident.get(URL, {"visa_atgardade": "on"})

    assert titles(hidden) == ["Parken"]
    assert "Visa även åtgärdade platser" in hidden.content.decode()
    assert [place["title"] for place in map_data(hidden)] == ["Parken"]
    assert titles(shown) == ["Parken", "Tunneln"]


def test_choosing_the_fixed_status_shows_fixed_places(resident, vasterbotten):
    umea = vasterbotten["umea"]
    make_place(umea, title="Parken")
    make_place(umea, title="Tunneln", status=UnsafePlace.Status.FIXED)

    response = resident.get(URL, {"status": UnsafePlace.Status.FIXED})

    assert titles(response) == ["Tunneln"]


def test_filters_by_kommun_time_of_day_and_status(resident, vasterbotten):
    umea, vindeln = vasterbotten["umea"], vasterbotten["vindeln"]
    make_place(umea, title="Umeå kväll", time_of_day=TimeOfDay.EVENING)
    make_place(umea, title="Umeå natt", time_of_day=TimeOfDay.NIGHT, status=UnsafePlace.Status.UNDER_REVIEW)
    make_place(vindeln, title="Vindeln natt", time_of_day=TimeOfDay.NIGHT)

    assert titles(resident.get(URL, {"kommun": "vindeln"})) == ["Vindeln natt"]
    assert titles(resident.get(URL, {"tid": TimeOfDay.NIGHT})) == ["Umeå natt", "Vindeln natt"]
    assert titles(resident.get(URL, {"status": UnsafePlace.Status.UNDER_REVIEW})) == ["Umeå natt"]
    assert titles(resident.get(URL, {"kommun": "umea", "tid": TimeOfDay.NIGHT})) == ["Umeå natt"]


def test_filter_form_has_real_labels(resident, vasterbotten):
    page = resident.get(URL).content.decode()

    for field_id, label in [
        ("id_kommun", "Kommun"),
        ("id_tid", "Tid på dygnet"),
        ("id_status", "Status"),
        ("id_visa_atgardade", "Visa även åtgärdade platser"),
    ]:
        assert re.search(rf'<label\s+for="{field_id}"[^>]*>\s*{label}\s*</label>', page), label
    assert '<form method="get"' in page


@pytest.mark.parametrize(
    "query",
    [
        {"kommun": "finns-inte"},
        {"tid": "middag"},
        {"status": "<script>"},
        {"kommun": "umea\x00", "tid": "natt"},
        {"visa_atgardade": "kanske"},
    ],
)
def test_invalid_filter_values_are_ignored(resident, vasterbotten, query):
    make_place(vasterbotten["umea"], title="Parken")
    make_place(vasterbotten["vindeln"], title="Torget")

    response = resident.get(URL, query)

    assert response.status_code == 200
    assert set(titles(response)) >= {"Parken"}


def test_an_unknown_kommun_says_so_in_swedish(resident, vasterbotten):
    make_place(vasterbotten["umea"], title="Parken")

    response = resident.get(URL, {"kommun": "finns-inte", "tid": TimeOfDay.EVENING})

    assert titles(response) == ["Parken"]
    assert "Kommunen finns inte i listan, så platser i alla kommuner visas." in response.content.decode()


def test_the_list_says_everything_the_map_shows(resident, vasterbotten):
    make_place(
        vasterbotten["umea"],
        title="Rådhusparken",
        why="Berusade personer på kvällarna.",
        time_of_day=TimeOfDay.NIGHT,
        status=UnsafePlace.Status.ACTION_PLANNED,
        status_note="Ny belysning monteras under våren.",
    )

    page = resident.get(URL).content.decode()

    for text in ["Rådhusparken", "Umeå", "Natt", "Berusade personer på kvällarna.", "Åtgärd planerad"]:
        assert text in page
    assert "Ny belysning monteras under våren." in page
    assert "Kartan visar samma platser som listan nedan." in page
    assert 'href="#platser"' in page and 'id="platser"' in page


def test_map_gets_only_places_with_coordinates_and_the_tile_server_from_settings(resident, vasterbotten, settings):
    settings.MAP_TILE_URL = "https://kartor.example.invalid/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Exempelkartor"
    place = make_place(vasterbotten["umea"], title="Med position")
    make_place(vasterbotten["umea"], title="Utan position", latitude=None, longitude=None)

    response = resident.get(URL)

    assert titles(response) == ["Med position", "Utan position"]
    assert map_data(response) == [
        {
            "id": place.pk,
            "title": "Med position",
            "lat": 63.8258,
            "lng": 20.263,
            "url": place.get_absolute_url(),
            "municipality": "Umeå",
            "timeOfDay": "Kväll",
            "status": "Rapporterad",
        }
    ]
    page = response.content.decode()
    assert 'data-tile-url="https://kartor.example.invalid/{z}/{x}/{y}.png"' in page
    assert 'data-tile-attribution="© Exempelkartor"' in page
    assert 'aria-label="Karta över otrygga platser"' in page
    # No inline script: only data (json_script) and files.
    assert not re.search(r"<script(?![^>]*(type=\"application/json\"|src=))", page)


def test_no_map_without_any_place_with_coordinates(resident, vasterbotten):
    make_place(vasterbotten["umea"], latitude=None, longitude=None)

    page = resident.get(URL).content.decode()

    assert 'id="place-map"' not in page
    assert "leaflet.js" not in page
    assert "Ingen av platserna har en angiven position" in page


def test_links_activities_of_published_promises_that_address_the_place(resident, vasterbotten):
    umea = vasterbotten["umea"]
    place = make_place(umea)
    published = vasterbotten["periods"]["umea"].focus_areas.first().activities.first()
    published.title = "Trygghetsvandringar"
    published.save()
    published.addresses_places.add(place)
    draft_period = make_period(municipality=umea, start_year=2026, end_year=2027, published=False)
    draft = make_activity(make_focus_area(draft_period), title="Hemligt utkast")
    draft.addresses_places.add(place)

    page = resident.get(URL).content.decode()

    period = published.focus_area.period
    assert f'<a href="{period.get_absolute_url()}#activity-{published.pk}">Trygghetsvandringar</a>' in page
    assert "Hemligt utkast" not in page


@pytest.mark.parametrize("size", [1, 12])
def test_list_query_count_does_not_grow_with_data(resident, django_assert_num_queries, vasterbotten, size):
    activities = list(vasterbotten["periods"]["umea"].focus_areas.first().activities.all())
    for n in range(size):
        municipality = make_municipality() if n % 3 == 2 else vasterbotten["umea"]
        position = {"latitude": None, "longitude": None} if n % 4 == 0 else {}
        place = make_place(municipality, title=f"Plats {n}", **position)
        for activity in activities[: n % 3]:
            activity.addresses_places.add(place)
        make_place(municipality, title=f"Väntar {n}", moderation=Moderation.PENDING)

    # The number of matching places, the page's places with their kommun, their activities of published promises
    # (with period and kommun), the map's rows and the kommuner for the filter; a chosen kommun adds one lookup.
    with django_assert_num_queries(5):
        response = resident.get(URL, {"visa_atgardade": "on"})
    assert len(response.context["places"]) == size
    with django_assert_num_queries(6):
        resident.get(URL, {"kommun": "umea", "tid": TimeOfDay.EVENING})


def test_empty_list_says_so_and_invites_a_report(resident, vasterbotten):
    make_place(vasterbotten["umea"], moderation=Moderation.PENDING)

    page = resident.get(URL).content.decode()
    filtered = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert "Det finns inga granskade platser att visa ännu." in page
    assert "Inga platser matchar valen." in filtered
    assert 'id="place-map"' not in page


@pytest.fixture
def five_places_a_page(monkeypatch):
    monkeypatch.setattr("surveys.views.unsafe_places.UNSAFE_PLACES_PER_PAGE", 5)


def test_long_list_is_shown_a_page_at_a_time_and_says_which(resident, vasterbotten, five_places_a_page):
    for n in range(12):
        make_place(vasterbotten["umea"], title=f"Plats {n:02}")

    first = resident.get(URL)
    second = resident.get(URL, {"sida": "2"})

    assert titles(first) == [f"Plats {n:02}" for n in range(5)]
    assert titles(second) == [f"Plats {n:02}" for n in range(5, 10)]
    page = second.content.decode()
    assert "12 platser matchar valen." in page
    assert "Listan visar plats 6–10, på sida 2 av 3." in page
    assert "<title>Otrygga platser – Sida 2 av 3 – " in page
    # The map is not paged: it shows every matching place, and says so.
    assert len(map_data(first)) == len(map_data(second)) == 12
    assert "Kartan visar alla platser som matchar valen" in page
    assert "Kartan visar samma platser som listan nedan." not in page


def test_page_links_are_a_labelled_nav_marking_the_current_page(resident, vasterbotten, five_places_a_page):
    for n in range(12):
        make_place(vasterbotten["umea"], title=f"Plats {n:02}")

    page = resident.get(URL, {"sida": "2"}).content.decode()

    nav = re.search(r'<nav aria-label="Sidor i listan över platser"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert "Sida 2 av 3" in nav
    assert re.search(r'<a href="\?sida=2#platser" aria-current="page">', nav)
    assert nav.count("aria-current") == 1
    assert '<a href="?sida=1#platser" rel="prev">Föregående sida</a>' in nav
    assert '<a href="?sida=3#platser" rel="next">Nästa sida</a>' in nav


def test_page_links_keep_the_valid_filters_only(resident, vasterbotten, five_places_a_page):
    for n in range(7):
        make_place(vasterbotten["umea"], title=f"Plats {n}", time_of_day=TimeOfDay.NIGHT)

    query = {"kommun": "umea", "tid": TimeOfDay.NIGHT, "visa_atgardade": "on", "status": "okänd", "annat": "x"}
    page = resident.get(URL, query).content.decode()

    nav = re.search(r'<nav aria-label="Sidor i listan över platser"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert 'href="?kommun=umea&amp;tid=night&amp;visa_atgardade=on&amp;sida=2#platser"' in nav
    assert "annat" not in nav and "status" not in nav


def test_a_page_that_does_not_exist_shows_the_last_one_and_says_so(resident, vasterbotten, five_places_a_page):
    for n in range(7):
        make_place(vasterbotten["umea"], title=f"Plats {n}")

    response = resident.get(URL, {"sida": "9"})

    assert response.status_code == 200
    assert titles(response) == ["Plats 5", "Plats 6"]
    assert "Sidan du bad om finns inte. Här visas sida 2 av 2." in response.content.decode()


def test_one_page_has_no_page_links(resident, vasterbotten):
    make_place(vasterbotten["umea"])

    page = resident.get(URL).content.decode()

    assert "1 plats matchar valen." in page
    assert "place-pages" not in page
    assert "Listan visar plats" not in page


@pytest.mark.parametrize("value", ["", "vindeln", "<finns-inte>"])
def test_kommun_select_writes_the_same_markup_as_djangos(vasterbotten, value):
    field = UnsafePlaceFilterForm().fields["kommun"]
    attrs = {"id": "id_kommun", "class": "form-select is-invalid", "aria-describedby": "id_kommun_error"}
    django_select = forms.Select(choices=field.choices)

    ours = field.widget.render("kommun", value, attrs=attrs)
    theirs = django_select.render("kommun", value, attrs=attrs)

    assert " ".join(ours.split()) == " ".join(theirs.split())
    assert ('<option value="vindeln" selected>' in ours) == (value == "vindeln")
