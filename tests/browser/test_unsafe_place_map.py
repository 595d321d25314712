"""The unsafe places' map, detail page and report form in a real browser.

The tile server is pointed at a closed local port: every tile request fails at once, the way it does on a
machine without network access. The pages must work and pass axe-core all the same; the map's background stays
empty and a sentence says so.
"""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.models import Municipality
from surveys.models import Moderation, TimeOfDay, UnsafePlace
from tests.browser.conftest import VIEWPORTS, tile_pattern
from tests.browser.test_accessibility import format_violations

pytestmark = pytest.mark.browser

_axe = Axe()

MARKERS = ".place-map .leaflet-marker-icon"


@pytest.fixture
def places(site):
    umea = Municipality.objects.get(slug="umea")
    vindeln = Municipality.objects.get(slug="vindeln")

    def place(municipality, title, latitude=None, longitude=None, **fields):
        fields.setdefault("moderation", Moderation.APPROVED)
        fields.setdefault("why", "Dålig belysning och ingen som ser en.")
        fields.setdefault("time_of_day", TimeOfDay.EVENING)
        return UnsafePlace.objects.create(
            municipality=municipality,
            title=title,
            latitude=Decimal(latitude) if latitude else None,
            longitude=Decimal(longitude) if longitude else None,
            **fields,
        )

    return {
        "tunnel": place(umea, "Gångtunneln vid stationen", "63.8275", "20.2710", status="action_planned"),
        "park": place(umea, "Rådhusparken", "63.8253", "20.2636", time_of_day=TimeOfDay.NIGHT),
        "stop": place(vindeln, "Busshållplatsen vid kyrkan", "64.2010", "19.7165"),
        "no_position": place(vindeln, "Gång- och cykelvägen längs älven"),
        "fixed": place(umea, "Parkeringen vid Ålidhem", "63.8176", "20.3136", status="fixed"),
        "pending": place(umea, "Väntar på granskning", "63.8200", "20.2500", moderation=Moderation.PENDING),
    }


@pytest.fixture
def open_place_page(site, new_context):
    """Open a page and keep the script errors it raised from the very start.

    With reduced motion, as some visitors ask for: axe-core then measures colours after a popup's fade or a
    button's hover transition, not halfway through it.
    """

    def _open(path, viewport="desktop"):
        context = new_context(**VIEWPORTS[viewport], reduced_motion="reduce")
        # The tile server cannot be reached (as on a closed network): the map says so and everything else works.
        # Registered after the fixture's own tile route, so it is the one that answers.
        context.route(tile_pattern(), lambda route: route.abort())
        page = context.new_page()
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        response = page.goto(site + path, wait_until="load")
        assert response.status == 200, f"{path} answered {response.status}"
        return page

    return _open


def assert_no_axe_violations(page, where):
    violations = _axe.run(page).response["violations"]
    assert not violations, format_violations(violations, where=where)


def test_map_has_a_marker_for_each_approved_place_with_a_position(open_place_page, places):
    page = open_place_page("/platser/")

    page.wait_for_selector(MARKERS)
    markers = page.locator(MARKERS)
    assert markers.count() == 3
    alts = sorted(markers.nth(n).get_attribute("alt") for n in range(3))
    assert alts == [
        "Busshållplatsen vid kyrkan (Rapporterad)",
        "Gångtunneln vid stationen (Åtgärd planerad)",
        "Rådhusparken (Rapporterad)",
    ]
    # The list has every place the map has, and the one without a position.
    listed = page.locator(".place-item h3").all_inner_texts()
    assert set(listed) == {
        "Gångtunneln vid stationen",
        "Rådhusparken",
        "Busshållplatsen vid kyrkan",
        "Gång- och cykelvägen längs älven",
    }
    assert page.script_errors == []


def test_map_attribution_links_are_underlined_not_told_apart_by_colour_alone(open_place_page, places):
    # WCAG 1.4.1: Leaflet's own stylesheet takes the underline off; site.css puts it back.
    page = open_place_page("/platser/")
    link = page.locator(".leaflet-control-attribution a").first
    link.wait_for()

    assert "underline" in link.evaluate("element => getComputedStyle(element).textDecorationLine")


def test_fixed_places_appear_on_the_map_when_asked_for(open_place_page, places):
    page = open_place_page("/platser/?visa_atgardade=on")

    page.wait_for_selector(MARKERS)
    assert page.locator(MARKERS).count() == 4


def test_markers_are_reached_and_opened_with_the_keyboard(open_place_page, places):
    page = open_place_page("/platser/")
    page.wait_for_selector(MARKERS)

    for n in range(page.locator(MARKERS).count()):
        marker = page.locator(MARKERS).nth(n)
        assert marker.get_attribute("tabindex") == "0"
        assert marker.get_attribute("role") == "button"

    # From the sentence above the map: the map itself, then its first marker.
    page.get_by_role("link", name="Hoppa förbi kartan till listan").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "place-map"
    page.keyboard.press("Tab")
    focused_marker = page.evaluate("document.activeElement.getAttribute('alt')")
    assert focused_marker and focused_marker.endswith(")")

    page.keyboard.press("Enter")

    popup_link = page.locator(".leaflet-popup-content a")
    popup_link.wait_for()
    assert focused_marker.startswith(popup_link.inner_text())
    assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Stäng rutan"

    page.keyboard.press("Escape")

    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate("document.activeElement.getAttribute('alt')") == focused_marker


def test_skip_link_moves_focus_past_the_map_to_the_list(open_place_page, places):
    page = open_place_page("/platser/")

    page.get_by_role("link", name="Hoppa förbi kartan till listan").click()

    assert page.evaluate("document.activeElement.id") == "platser"


def test_page_works_when_the_tile_server_cannot_be_reached(open_place_page, places):
    page = open_place_page("/platser/")
    page.wait_for_selector(MARKERS)

    notice = page.locator("#place-map-notice")
    notice.wait_for(state="visible")
    assert "Bakgrundskartan kunde inte hämtas" in notice.inner_text()
    assert page.script_errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_map_page_has_no_axe_violations(open_place_page, places, viewport):
    page = open_place_page("/platser/", viewport)
    page.wait_for_selector(MARKERS)
    page.locator("#place-map-notice").wait_for(state="visible")

    assert_no_axe_violations(page, f"/platser/ at {viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_map_page_with_an_open_popup_has_no_axe_violations(open_place_page, places, viewport):
    page = open_place_page("/platser/", viewport)
    page.locator(MARKERS).first.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content a").wait_for()

    assert_no_axe_violations(page, f"/platser/ with a popup at {viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_filtered_list_with_an_unknown_value_has_no_axe_violations(open_place_page, places, viewport):
    page = open_place_page("/platser/?kommun=finns-inte&tid=middag&visa_atgardade=on", viewport)
    page.wait_for_selector(MARKERS)
    assert page.locator(".place-filters .invalid-feedback").count() == 2

    assert_no_axe_violations(page, f"/platser/ with unknown filter values at {viewport}")


@pytest.fixture
def long_list(places):
    """Enough places in Umeå for three pages of the list."""
    umea = Municipality.objects.get(slug="umea")
    UnsafePlace.objects.bulk_create(
        UnsafePlace(
            municipality=umea,
            title=f"Plats {n:02}",
            moderation=Moderation.APPROVED,
            latitude=Decimal("63.8") + Decimal(n) / 1000,
            longitude=Decimal("20.2") + Decimal(n) / 1000,
        )
        for n in range(45)
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_middle_page_of_a_long_list_has_no_axe_violations(open_place_page, long_list, viewport):
    page = open_place_page("/platser/?kommun=umea&sida=2", viewport)
    page.wait_for_selector(MARKERS)

    pages = page.get_by_role("navigation", name="Sidor i listan över platser")
    assert pages.locator('[aria-current="page"]').text_content() == "Sida 2"
    assert page.locator(".place-item").count() == 20
    assert_no_axe_violations(page, f"/platser/ page 2 at {viewport}")
    # Nothing on the page is wider than a phone's screen, the page links included.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_next_page_link_keeps_the_filter(open_place_page, long_list):
    page = open_place_page("/platser/?kommun=umea")

    page.get_by_role("link", name="Nästa sida").click()

    page.wait_for_url("**/platser/?kommun=umea&sida=2#platser")
    assert page.locator("#id_kommun").input_value() == "umea"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_detail_page_has_no_axe_violations(open_place_page, places, viewport):
    page = open_place_page(places["tunnel"].get_absolute_url(), viewport)
    page.wait_for_selector(MARKERS)
    assert page.locator(MARKERS).count() == 1

    assert_no_axe_violations(page, f"place detail at {viewport}")
    assert page.script_errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_report_form_has_no_axe_violations_with_the_map_open_and_with_errors(open_place_page, places, viewport):
    page = open_place_page("/platser/rapportera/", viewport)
    assert_no_axe_violations(page, f"report form at {viewport}")

    page.get_by_role("button", name="Välj position på en karta").click()
    page.locator("#place-pin-map.leaflet-container").wait_for()
    assert_no_axe_violations(page, f"report form with the map open at {viewport}")

    page.get_by_role("button", name="Skicka rapporten").click()
    page.locator(".place-error-summary").wait_for()
    assert_no_axe_violations(page, f"report form with errors at {viewport}")
    assert page.script_errors == []


def test_clicking_the_report_map_fills_in_the_position(open_place_page, places):
    page = open_place_page("/platser/rapportera/")
    latitude, longitude = page.get_by_label("Latitud (frivilligt)"), page.get_by_label("Longitud (frivilligt)")
    toggle = page.get_by_role("button", name="Välj position på en karta")
    assert toggle.get_attribute("aria-expanded") == "false"

    toggle.click()
    assert page.get_by_role("button", name="Dölj kartan").get_attribute("aria-expanded") == "true"
    page.locator("#place-pin-map").click()

    lat, lng = float(latitude.input_value()), float(longitude.input_value())
    assert 55 <= lat <= 69.1 and 10.9 <= lng <= 24.2
    assert "Position vald" in page.locator(".place-pin .place-map-notice").inner_text()
    assert page.locator("#place-pin-map .leaflet-marker-icon").count() == 1


def test_report_map_follows_typed_coordinates_and_enter_picks_the_centre(open_place_page, places):
    page = open_place_page("/platser/rapportera/")
    latitude, longitude = page.get_by_label("Latitud (frivilligt)"), page.get_by_label("Longitud (frivilligt)")
    latitude.fill("63,8258")
    longitude.fill("20,2630")
    longitude.press("Tab")

    page.get_by_role("button", name="Välj position på en karta").click()
    page.locator("#place-pin-map .leaflet-marker-icon").wait_for()

    latitude.fill("")
    longitude.fill("")
    page.locator("#place-pin-map").focus()
    page.keyboard.press("Enter")

    assert abs(float(latitude.input_value()) - 63.8258) < 0.001
    assert abs(float(longitude.input_value()) - 20.2630) < 0.001


def test_report_sent_from_the_browser_reaches_the_thanks_page(open_place_page, places):
    page = open_place_page("/platser/rapportera/")
    page.get_by_label("Kommun").select_option(label="Vindeln")
    page.get_by_label("Platsens namn").fill("Skolgården")
    page.get_by_label("Beskriv platsen").fill("Bakom skolan, vid cykelstället.")

    page.get_by_role("button", name="Skicka rapporten").click()

    page.get_by_role("heading", name="Tack för din rapport").wait_for()
    place = UnsafePlace.objects.get(title="Skolgården")
    assert place.moderation == Moderation.PENDING
