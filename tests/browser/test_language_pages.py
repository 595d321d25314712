"""English pages, the pages about medborgarlöften and lättläst in a real browser: axe-core finds nothing at desktop
and phone widths, the heading outline holds, and the language switcher is reached and used with the keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import (
    _OUTLINE_SCRIPT,
    _OVERFLOW_SCRIPT,
    format_violations,
    heading_outline_problems,
)

pytestmark = pytest.mark.browser

_axe = Axe()

PAGES = [
    "/en/",  # home in English
    "/en/vindeln/",  # kommun with an English translation of its latest period
    "/en/vindeln/2023-2025/",  # the translated period, its lättläst summary and an activity's lättläst text
    "/en/umea/2021-2022/",  # a period with no English: Swedish text marked lang="sv"
    "/en/umea/2023-2024/",  # the portal's own headings marked, Swedish headings in English labels
    "/en/umea/2021-2022/uppfoljning/2021/",  # a follow-up with no English
    "/en/vindeln/2023-2025/dokument/",  # the Swedish original document inside an English page
    "/om/",
    "/lattlast/",
    "/en/om/",
    "/en/lattlast/",
]
PAGE_IDS = [path.strip("/").replace("/", "_") or "home" for path in PAGES]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_language_page_has_no_axe_violations(open_page, path, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == 200, f"{path} answered {visit.response.status}"
    # Open every disclosure (lättläst, what was done) so that axe checks their content too.
    visit.page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")

    violations = _axe.run(visit.page).response["violations"]

    assert not violations, format_violations(violations, where=f"{path} at {viewport} ({visit.size})")


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_language_page_structure(open_page, path):
    desktop = open_page(path, "desktop")
    problems = heading_outline_problems(desktop.page.evaluate(_OUTLINE_SCRIPT))
    phone = open_page(path, "phone")
    overflow = phone.page.evaluate(_OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(f"scrolls sideways on a phone: {overflow['wide']}")
    if failed := desktop.failed + phone.failed:
        problems.append(f"resources that failed to load: {sorted(set(failed))}")
    assert not problems, f"{path}:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_language_switcher_is_reached_and_followed_with_the_keyboard(open_page, viewport):
    page = open_page("/vindeln/2023-2025/", viewport).page

    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({text: document.activeElement.textContent.trim(), lang: document.activeElement.lang,"
            " inSwitcher: !!document.activeElement.closest('.language-switcher'),"
            " visible: document.activeElement.checkVisibility()})"
        )
        if focused["inSwitcher"]:
            break
    else:
        pytest.fail("the language switcher was not reached within 40 presses of Tab")
    assert focused == {"text": "English", "lang": "en", "inSwitcher": True, "visible": True}

    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/en/vindeln/2023-2025/")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text().startswith("Citizen promises 2023–2025")


def test_lattlast_disclosure_opens_with_the_keyboard(open_page):
    page = open_page("/vindeln/2023-2025/").page
    summary = page.locator(".easy-read-details summary").first

    summary.focus()
    page.keyboard.press("Enter")

    assert page.locator(".easy-read-details").first.evaluate("(details) => details.open")
    assert page.locator(".easy-read-details .easy-read-body").first.is_visible()
