"""The pages across kommuner in a real browser, with the portal's real content: the theme list, a theme's page,
the national overview and the unknown-theme page, in Swedish and English, on a desktop and on a phone. axe-core
finds nothing, the heading outline is unbroken, and no page scrolls sideways (wide tables scroll in their own
focusable box)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from promises.models import FocusArea, PromisePeriod, Publication, Theme
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import _OUTLINE_SCRIPT, format_violations, heading_outline_problems

pytestmark = pytest.mark.browser

_axe = Axe()

PAGES = [
    ("/teman/", 200),  # every national theme with its counts
    ("/teman/trafik/", 200),  # three kommuner, all periods ended, example statuses
    ("/teman/vald-i-nara-relationer/", 200),  # focus areas without activities
    ("/teman/grannsamverkan/", 200),  # a theme no published focus area has
    ("/teman/finns-inte/", 404),  # unknown theme
    ("/oversikt/", 200),  # no promise in force this year: no chart; examples left out and shown apart
]
ALL_PAGES = PAGES + [(f"/en{path}", status) for path, status in PAGES]


def _check(visit, path, status):
    assert visit.response.status == status, f"{path} answered {visit.response.status}, expected {status}"
    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=f"{path} at {visit.size}")
    problems = heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    assert not problems, f"{path} at {visit.size}: {problems}"
    width = visit.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways at {visit.size}: {width[0]}px in {width[1]}px"
    assert not visit.failed, f"{path}: resources that failed to load: {visit.failed}"
    expected_lang = "en" if path.startswith("/en/") else "sv"
    assert visit.page.evaluate("() => document.documentElement.lang") == expected_lang


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(
    ("path", "status"), ALL_PAGES, ids=[path.strip("/").replace("/", "_") for path, _ in ALL_PAGES]
)
def test_theme_pages_have_no_axe_violations_and_a_sound_outline(open_page, path, status, viewport):
    _check(open_page(path, viewport), path, status)


@pytest.fixture
def promise_in_force(site):
    """The real content plus one published promise in force this year, so that the overview draws its chart and
    the theme page has a kommun under ”gäller nu”."""
    year = timezone.localdate().year
    vindeln = PromisePeriod.objects.get(municipality__slug="vindeln", start_year=2023).municipality
    period = PromisePeriod.objects.create(
        municipality=vindeln,
        start_year=year,
        end_year=year + 1,
        publication=Publication.PUBLISHED,
        published_at=timezone.now(),
    )
    FocusArea.objects.create(period=period, title="Trafik").themes.set(Theme.objects.filter(slug="trafik"))
    FocusArea.objects.create(period=period, title="Droger").themes.set(Theme.objects.filter(slug="droger"))
    return period


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", ["/oversikt/", "/teman/trafik/", "/en/oversikt/"])
def test_pages_with_a_promise_in_force_have_no_axe_violations(open_page, promise_in_force, path, viewport):
    visit = open_page(path, viewport)
    _check(visit, path, 200)
    if "oversikt" in path:
        assert visit.page.locator("svg[role=img] title").count() == 1


def test_overview_tables_scroll_in_a_box_that_the_keyboard_can_reach(open_page):
    page = open_page("/oversikt/", "phone").page
    box = page.locator(".compare-table-scroll").first
    assert box.get_attribute("tabindex") == "0"
    sizes = box.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], "on a phone the kommun table is wider than its box and scrolls inside it"
    box.focus()
    page.keyboard.press("ArrowRight")
    # Scrolling by key may be animated: wait for it rather than read the position at once.
    page.wait_for_function("() => document.querySelector('.compare-table-scroll').scrollLeft > 0", timeout=5000)
