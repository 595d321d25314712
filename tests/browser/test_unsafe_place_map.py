"""The unsafe places' map, detail page and report form in a real browser.

The tile server is pointed at a closed local port: every tile request fails at once, the way it does on a
machine without network access. The pages must work and pass axe-core all the same; the map's background stays
empty and a sentence says so.
"""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal import geography
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


PIN_MAP = "#place-pin-map"
OUTLINE = "#place-pin-map svg path"
STATUS = "#place-pin-status"


def open_report_form(open_place_page, query="?kommun=vindeln", viewport="desktop"):
    """The report form with its map on the chosen kommun, its outline drawn."""
    page = open_place_page("/platser/rapportera/" + query, viewport)
    if "kommun=" in query:
        page.locator(OUTLINE).wait_for()
    return page


# Resolves once the map's panes have kept their place for a few frames: Leaflet animates fitBounds after a change
# of kommun, and a click during the animation lands on a point of the view it is leaving.
MAP_SETTLED = """(selector) => new Promise((resolve) => {
    const pane = document.querySelector(selector + " .leaflet-map-pane");
    let last = null, still = 0;
    const tick = () => {
        const now = pane.style.transform + document.querySelector(selector).className;
        still = now === last && !/leaflet-zoom-anim/.test(now) ? still + 1 : 0;
        last = now;
        if (still >= 10) { resolve(true); } else { requestAnimationFrame(tick); }
    };
    requestAnimationFrame(tick);
})"""


def click_map(page, x, y):
    """Click the report map x, y pixels from its top left (negative: from its right or bottom)."""
    page.locator(PIN_MAP).scroll_into_view_if_needed()
    page.wait_for_function(MAP_SETTLED, arg=PIN_MAP)
    box = page.locator(PIN_MAP).bounding_box()
    page.mouse.click(box["x"] + (x if x >= 0 else box["width"] + x), box["y"] + (y if y >= 0 else box["height"] + y))


def chosen_position(page):
    latitude, longitude = page.locator("#id_latitude").input_value(), page.locator("#id_longitude").input_value()
    return (float(latitude), float(longitude)) if latitude and longitude else None


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_report_form_has_no_axe_violations_with_the_map_and_with_errors(open_place_page, places, viewport):
    page = open_place_page("/platser/rapportera/", viewport)
    page.locator(f"{PIN_MAP}.leaflet-container").wait_for()
    assert_no_axe_violations(page, f"report form at {viewport}")

    page.get_by_label("Kommun").select_option(label="Vindeln")
    page.locator(OUTLINE).wait_for()
    click_map(page, -6, 6)  # a corner of the box, outside the kommun: the refusal is shown
    page.locator(f"{STATUS}.is-refused").wait_for()
    assert_no_axe_violations(page, f"report form with a refused click at {viewport}")

    page.get_by_role("button", name="Skicka rapporten").click()
    page.locator(".place-error-summary").wait_for()
    assert_no_axe_violations(page, f"report form with errors at {viewport}")
    assert page.script_errors == []


def test_the_map_opens_on_the_chosen_kommun_and_follows_a_change(open_place_page, places):
    page = open_report_form(open_place_page)
    assert page.locator(STATUS).inner_text() == "Kartan visar Vindelns kommun."

    click_map(page, 0.5 * page.locator(PIN_MAP).bounding_box()["width"], 190)
    assert geography.contains("2404", *chosen_position(page)) is True

    page.get_by_label("Kommun").select_option(label="Umeå")
    page.locator(STATUS, has_text="Umeå kommun").wait_for()
    # Vindeln's pin does not belong to Umeå: it is taken away rather than sent for the wrong kommun.
    assert "ligger utanför kommunen; välj en ny" in page.locator(STATUS).inner_text()
    assert chosen_position(page) is None

    click_map(page, 0.5 * page.locator(PIN_MAP).bounding_box()["width"], 190)
    assert geography.contains("2480", *chosen_position(page)) is True
    assert page.script_errors == []


def test_a_resident_reports_a_place_by_clicking_inside_vindeln_and_follows_it(open_place_page, places):
    page = open_report_form(open_place_page)

    # Outside the kommun (a corner of its box): refused on the spot, nothing filled in.
    click_map(page, -6, 6)
    refusal = page.locator(f"{STATUS}.is-refused")
    refusal.wait_for()
    assert refusal.inner_text().startswith("Positionen ligger utanför Vindelns kommun.")
    assert chosen_position(page) is None
    assert page.locator(f"{PIN_MAP} .leaflet-marker-icon").count() == 0

    # Inside: the position is taken and said in words.
    click_map(page, 0.5 * page.locator(PIN_MAP).bounding_box()["width"], 190)
    latitude, longitude = chosen_position(page)
    assert geography.contains("2404", latitude, longitude) is True
    assert page.locator(STATUS).inner_text().startswith("Position vald: latitud ")
    assert page.locator(f"{PIN_MAP} .leaflet-marker-icon").count() == 1
    # The coordinates stay folded away: the map is the main way.
    assert page.locator("#id_latitude").is_hidden()

    page.get_by_label("Platsens namn").fill("Busshållplatsen vid skolan")
    page.get_by_role("button", name="Skicka rapporten").click()

    page.get_by_role("heading", name="Tack för din rapport").wait_for()
    place = UnsafePlace.objects.get(title="Busshållplatsen vid skolan")
    assert place.municipality.slug == "vindeln"
    assert (float(place.latitude), float(place.longitude)) == pytest.approx((latitude, longitude), abs=1e-6)
    assert page.locator(".place-reference-code").inner_text() == place.reference

    page.get_by_role("link", name="Följ rapporten").click()
    page.get_by_role("heading", name=f"Rapport {place.reference}").wait_for()
    assert page.locator('[aria-current="step"]').inner_text().startswith("Mottagen")
    assert page.script_errors == []


def test_typed_coordinates_outside_the_kommun_are_refused_by_the_server(open_place_page, places):
    # As without the map: the coordinates typed under "Ange koordinater i stället", a point in Malmö.
    page = open_report_form(open_place_page)
    page.locator("summary", has_text="Ange koordinater i stället").click()
    page.get_by_label("Latitud").fill("55,6050")
    page.get_by_label("Longitud").fill("13,0038")
    page.get_by_label("Platsens namn").fill("Stortorget")
    page.evaluate("document.querySelector('.place-report-form').submit()")

    page.locator(".place-error-summary").wait_for()
    assert "Positionen ligger utanför Vindelns kommun" in page.locator(".place-error-summary").inner_text()
    assert page.locator("details.place-coordinates-details").get_attribute("open") is not None
    assert not UnsafePlace.objects.filter(title="Stortorget").exists()


def test_report_map_follows_typed_coordinates_and_enter_picks_the_centre(open_place_page, places):
    page = open_report_form(open_place_page)
    page.locator("summary", has_text="Ange koordinater i stället").click()
    latitude, longitude = page.get_by_label("Latitud"), page.get_by_label("Longitud")
    latitude.fill("64,2019")
    longitude.fill("19,7166")
    longitude.press("Tab")
    page.locator(f"{PIN_MAP} .leaflet-marker-icon").wait_for()

    latitude.fill("")
    longitude.fill("")
    page.locator(PIN_MAP).focus()
    page.keyboard.press("Enter")

    assert abs(float(latitude.input_value()) - 64.2019) < 0.001
    assert abs(float(longitude.input_value()) - 19.7166) < 0.001


def test_report_sent_from_the_browser_reaches_the_thanks_page(open_place_page, places):
    page = open_place_page("/platser/rapportera/")
    page.get_by_label("Kommun").select_option(label="Vindeln")
    page.get_by_label("Platsens namn").fill("Skolgården")
    page.get_by_label("Beskriv platsen").fill("Bakom skolan, vid cykelstället.")

    page.get_by_role("button", name="Skicka rapporten").click()

    page.get_by_role("heading", name="Tack för din rapport").wait_for()
    place = UnsafePlace.objects.get(title="Skolgården")
    assert place.moderation == Moderation.PENDING
    assert page.locator(".place-reference-code").inner_text() == place.reference


def test_the_form_works_without_javascript(site, new_context, places):
    # No map at all: the description is the text alternative, and the coordinates are still there to type.
    context = new_context(**VIEWPORTS["desktop"], java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/platser/rapportera/?kommun=vindeln")
    assert page.locator(PIN_MAP).is_hidden()
    assert page.get_by_text("Kan du inte använda kartan?").is_visible()
    page.get_by_label("Platsens namn").fill("Älvstranden")
    page.get_by_label("Beskriv platsen").fill("Vid badplatsen nedanför kyrkan.")
    page.get_by_role("button", name="Skicka rapporten").click()

    page.get_by_role("heading", name="Tack för din rapport").wait_for()
    assert UnsafePlace.objects.get(title="Älvstranden").reference in page.content()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("which", ["thanks", "status", "published", "lookup", "unknown"])
def test_reference_pages_have_no_axe_violations(open_place_page, places, site, new_context, viewport, which):
    reported = UnsafePlace.objects.create(
        municipality=places["stop"].municipality, title="Skolgården", reference="K7QF2-M3XDW"
    )
    places["tunnel"].reference = "ABCDE-FGHJK"
    places["tunnel"].status_note = "Ny belysning monteras under våren."
    places["tunnel"].save()
    path = {
        "thanks": f"/platser/rapportera/tack/{reported.reference}/",
        "status": reported.get_status_url(),
        "published": places["tunnel"].get_status_url(),
        "lookup": "/platser/rapport/",
        "unknown": "/platser/rapport/K7QF2-M3XDX/",
    }[which]
    if which == "unknown":
        page = new_context(**VIEWPORTS[viewport]).new_page()
        assert page.goto(site + path).status == 404
    else:
        page = open_place_page(path, viewport)

    assert_no_axe_violations(page, f"{path} at {viewport}")
    # Nothing is wider than a phone's screen, the long status address included.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
