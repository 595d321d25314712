"""Finding your kommun and whom to contact there, in a real browser: a resident types a kommun's name on the home
page (with and without JavaScript) and arrives on its page; the find page, the 404 page for an unknown kommun, a
home page with several län folded and a kommun page with contact details have no axe-core violations, a sound
heading outline and no sideways scrolling, on a desktop and on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import Municipality
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import _OUTLINE_SCRIPT, format_violations, heading_outline_problems
from tests.factories import make_municipality

pytestmark = pytest.mark.browser

_axe = Axe()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_types_a_kommuns_name_and_arrives_on_its_page(site, new_context, javascript):
    page = new_context(**VIEWPORTS["phone"], java_script_enabled=javascript).new_page()
    page.goto(site + "/")
    field = page.get_by_label("Kommunens namn")
    # The suggestions: every kommun's name, for the browser to offer as the resident types.
    assert page.locator("#home-find-municipality-names option").count() == Municipality.objects.count()

    field.fill("vannas")  # without ä, as on a foreign keyboard
    field.press("Enter")

    expect(page).to_have_url(site + "/vannas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medborgarlöften i Vännäs kommun")


def test_a_typo_offers_the_kommun_it_resembles(site, new_context):
    page = new_context(**VIEWPORTS["desktop"]).new_page()
    page.goto(site + "/")
    page.get_by_label("Kommunens namn").fill("Robertfors")
    page.get_by_role("button", name="Gå till kommunen").click()

    expect(page.get_by_role("status")).to_have_text("Ingen kommun heter ”Robertfors”.")
    page.get_by_role("link", name="Robertsfors kommun").click()
    expect(page).to_have_url(site + "/robertsfors/")


def test_an_unknown_kommuns_address_leads_to_it_in_one_press(site, new_context):
    page = new_context(**VIEWPORTS["desktop"]).new_page()
    response = page.goto(site + "/vindel/")
    assert response.status == 404
    expect(page.get_by_label("Kommunens namn")).to_have_value("vindel")
    page.get_by_role("button", name="Gå till kommunen").click()  # "vindel" is the start of one kommun's name
    expect(page).to_have_url(site + "/vindeln/")


@pytest.fixture
def find_paths(site):
    """Pages of this feature beyond those the content gives test_accessibility.py: kommuner in three län, and
    Vindeln with every contact detail filled in (invented for the test, as the content ships none)."""
    make_municipality(name="Åre", official_name="Åre kommun", slug="are", county="Jämtlands län")
    make_municipality(name="Avesta", official_name="Avesta kommun", slug="avesta", county="Dalarnas län")
    vindeln = Municipality.objects.select_related("police_area").get(slug="vindeln")
    vindeln.website = "https://www.example.se/en-mycket-lang-adress/till-kontaktsidan/for-kommunen/"
    vindeln.phone = "0933-140 00"
    vindeln.email = "kommunen.kontaktcenter@example.se"
    vindeln.visiting_address = "Kommunhuset, Exempelgatan 1, 922 81 Vindeln"
    vindeln.save()
    vindeln.police_area.phone = "114 14"
    vindeln.police_area.save()
    return {
        "home_three_counties": ("/", 200),
        "kommun_with_contacts": ("/vindeln/", 200),
        "period_with_contacts": ("/vindeln/2023-2025/", 200),
        "suggestion_with_contacts": ("/vindeln/synpunkt/", 200),
        "find_none": ("/sok/kommun/?namn=Robertfors", 404),
        "find_empty": ("/sok/kommun/?namn=", 400),
        "unknown_kommun_en": ("/en/vindel/", 404),
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(
    "name",
    [
        "home_three_counties",
        "kommun_with_contacts",
        "period_with_contacts",
        "suggestion_with_contacts",
        "find_none",
        "find_empty",
        "unknown_kommun_en",
    ],
)
def test_find_and_contact_pages_have_no_axe_violations(open_page, find_paths, name, viewport):
    path, status = find_paths[name]
    visit = open_page(path, viewport)
    assert visit.response.status == status

    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=f"{path} at {viewport}")
    assert not heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    width = visit.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways at {viewport}"
    assert not visit.failed


def test_counties_are_folded_and_open_with_the_keyboard(open_page, find_paths):
    page = open_page("/", "phone").page
    counties = page.locator("details.county")
    assert counties.count() == 3
    expect(page.get_by_role("link", name="Åre kommun")).to_be_hidden()

    page.locator("summary", has_text="Jämtlands län").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Åre kommun")).to_be_visible()
