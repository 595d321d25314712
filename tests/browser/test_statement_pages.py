"""The accessibility statement, its feedback form and the feeds page in a real browser, in Swedish and English, on a
desktop and on a phone: axe-core finds nothing, the outline is sound, and the form is sent with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

from portal.models import AccessibilityFeedback
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import (
    _OUTLINE_SCRIPT,
    _OVERFLOW_SCRIPT,
    PAGES,
    format_violations,
    heading_outline_problems,
)

pytestmark = pytest.mark.browser

_axe = Axe()


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over():
    # The live server shares this process's cache: sends from the other tests count towards the rate limit.
    cache.clear()
    yield
    cache.clear()


STATEMENT_PAGES = [
    "/tillganglighet/",
    "/tillganglighet/synpunkt/?sida=/umea/",
    "/tillganglighet/synpunkt/tack/",
    "/flode/",
]
PATHS = STATEMENT_PAGES + ["/en" + path for path in STATEMENT_PAGES]
# The statement says every kind of public page is checked in English too: test_accessibility.py's pages at /en/.
ENGLISH_PAGES = [("/en" + path, status) for path, status in PAGES]


def assert_accessible(visit, where):
    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=where)
    problems = heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    overflow = visit.page.evaluate(_OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(f"scrolls sideways: {overflow['wide']}")
    assert not problems, f"{where}: {problems}"
    assert not visit.failed, f"{where}: resources that failed to load: {visit.failed}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PATHS)
def test_page_has_no_axe_violations_and_a_sound_outline(open_page, path, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == 200

    assert_accessible(visit, f"{path} at {viewport} ({visit.size})")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("path", "status"), ENGLISH_PAGES, ids=[path for path, _ in ENGLISH_PAGES])
def test_english_page_has_no_axe_violations_and_a_sound_outline(open_page, path, status, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == status
    assert visit.page.evaluate("() => document.documentElement.lang") == "en"

    assert_accessible(visit, f"{path} at {viewport} ({visit.size})")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_feedback_form_with_errors_has_no_axe_violations(open_page, prefix, viewport):
    visit = open_page(f"{prefix}/tillganglighet/synpunkt/", viewport)
    page = visit.page
    # Past the browser's own check of the required field, to see the portal's messages.
    page.evaluate("() => document.querySelector('textarea').removeAttribute('required')")
    page.locator("#id_page").fill("https://annan.example/")
    page.locator("#id_email").evaluate("el => el.type = 'text'")
    page.locator("#id_email").fill("anna@")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".feedback-error-summary")).to_be_visible()

    assert_accessible(visit, f"{prefix}/tillganglighet/synpunkt/ with errors at {viewport}")
    assert not AccessibilityFeedback.objects.exists()


def test_error_summary_links_move_focus_to_the_field(open_page):
    page = open_page("/tillganglighet/synpunkt/").page
    page.evaluate("() => document.querySelector('textarea').removeAttribute('required')")
    page.locator("main form [type=submit]").click()

    page.get_by_role("link", name="Vad är problemet?: Beskriv problemet innan du skickar.").click()

    assert page.evaluate("() => document.activeElement.id") == "id_problem"


def test_feedback_is_sent_with_the_keyboard_alone_and_the_honeypot_is_skipped(open_page):
    page = open_page("/tillganglighet/synpunkt/?sida=/umea/").page
    page.locator("#id_page").focus()
    assert page.locator("#id_page").input_value() == "/umea/"

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_problem"
    page.keyboard.type("Fokusramen syns inte på knapparna.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_email"
    page.keyboard.type("anna@example.se")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_phone"
    page.keyboard.press("Tab")  # past the honeypot (tabindex=-1) straight to the button
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för att du berättade")
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.page, feedback.problem, feedback.email) == (
        "/umea/",
        "Fokusramen syns inte på knapparna.",
        "anna@example.se",
    )


def test_footer_link_leads_to_the_form_with_the_page_filled_in(open_page):
    page = open_page("/vindeln/2023-2025/", "phone").page

    page.get_by_role("link", name="Rapportera ett tillgänglighetsproblem på den här sidan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera ett tillgänglighetsproblem")
    assert page.locator("#id_page").input_value() == "/vindeln/2023-2025/"
