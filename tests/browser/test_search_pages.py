"""The search page and the header search box in a real browser, with the portal's real content: axe-core finds
nothing, in Swedish and English, on a desktop and on a phone; the outline is sound; nothing scrolls sideways; and
a search can be made from the header with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import (
    _OUTLINE_SCRIPT,
    _OVERFLOW_SCRIPT,
    format_violations,
    heading_outline_problems,
)

pytestmark = pytest.mark.browser

_axe = Axe()

PATHS = [
    "/sok/?q=trafik",  # hits of every kind, example follow-ups among them
    "/sok/?q=trygghet",  # promises first, then the 2016 dialogues of one title, told apart by place and date
    "/sok/",  # the empty form with help
    "/en/sok/?q=trafik",
    "/en/sok/",
    "/sok/?q=xylofon&kommun=umea",  # no hits: suggestions
    "/sok/?q=trafik&typ=uppfoljningar&kommun=umea&sida=99",  # filtered, a page that does not exist
    "/sok/?q=%3Cscript%3Ealert(1)%3C/script%3E%00" + "x" * 300,  # hostile: markup, NUL byte, too long
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PATHS)
def test_search_page_has_no_axe_violations_and_a_sound_outline(open_page, path, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == 200

    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=f"{path} at {viewport} ({visit.size})")
    problems = heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    overflow = visit.page.evaluate(_OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(f"scrolls sideways: {overflow['wide']}")
    assert not problems, f"{path} at {viewport}: {problems}"
    assert not visit.failed, f"{path}: resources that failed to load: {visit.failed}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_header_search_box_fits_the_header(open_page, viewport):
    page = open_page("/vindeln/", viewport).page
    header = page.locator(".site-header").bounding_box()
    box = page.locator(".header-search").bounding_box()

    assert box["x"] >= header["x"] and box["x"] + box["width"] <= header["x"] + header["width"]
    assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    expect(page.get_by_role("search", name="Sök i portalen").get_by_role("button", name="Sök")).to_be_visible()


def test_searching_from_the_header_with_the_keyboard(open_page):
    page = open_page("/vindeln/", "phone").page
    box = page.get_by_role("searchbox", name="Sök").first

    box.focus()
    page.keyboard.type("trafik")
    page.keyboard.press("Enter")

    page.wait_for_url("**/sok/?q=trafik")
    expect(page.locator("#traffar")).to_contain_text("träffar för ”trafik”")
    first = page.locator(".search-result-title a").first
    first.click()
    # An activity opens on its period page, scrolled to the activity's heading.
    assert "#activity-" in page.url
    expect(page.locator(page.url[page.url.index("#") :])).to_be_in_viewport()
