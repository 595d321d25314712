"""The Content-Security-Policy (portal/settings.py) in a real browser: nothing the portal needs is refused.

A policy without 'unsafe-inline' and 'unsafe-eval' breaks silently: the browser refuses an inline style or script,
says so in the console and carries on. Every browser test fails on such a refusal (the `new_context` fixture in
tests/browser/conftest.py), so every public page, in Swedish and English at both widths, is checked where its other
browser tests open it. These tests add what no other test does: they use the maps (tiles, markers, popups, the
report form's position picker) and work through the admin pages a coordinator uses, step by step, and also fail on
any script error. The tile server is answered by the fixture (an image for every tile) so that tiles really load.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from promises.models import FollowUp
from surveys.models import Moderation, TimeOfDay, UnsafePlace
from tests.browser.conftest import POLICY_WORDS, VIEWPORTS, tile_pattern, watch_policy
from tests.browser.test_follow_up_workflow import PASSWORD, log_in
from tests.factories import make_coordinator

pytestmark = pytest.mark.browser


class Watched:
    """A page whose policy violations and script errors are collected from the moment it opens."""

    def __init__(self, context):
        # The context comes from tests/browser/conftest.py's new_context: it records violations from the start and
        # answers the map tiles; this collects them step by step, to say which step broke the policy.
        self.page = context.new_page()
        self.problems = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message):
        if any(word in message.text for word in POLICY_WORDS):
            self.problems.append(f"console {message.type}: {message.text}")

    def goto(self, url, status=200):
        response = self.page.goto(url, wait_until="load")
        assert response.status == status, f"{url} answered {response.status}, expected {status}"
        policy = response.header_value("content-security-policy") or ""
        assert "default-src 'self'" in policy, f"{url} has no Content-Security-Policy: {policy!r}"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
        return response

    def assert_no_violations(self, where):
        self.page.wait_for_load_state("load")
        problems = self.problems + [f"violation: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
        assert not problems, f"{where}:\n- " + "\n- ".join(problems)


@pytest.fixture
def watched(site, new_context):
    def _open(viewport="desktop", **context_args):
        return Watched(new_context(**VIEWPORTS[viewport], **context_args))

    return _open


@pytest.fixture
def places(site):
    umea = Municipality.objects.get(slug="umea")

    def place(title, latitude, longitude):
        return UnsafePlace.objects.create(
            municipality=umea,
            title=title,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            moderation=Moderation.APPROVED,
            why="Dålig belysning och ingen som ser en.",
            time_of_day=TimeOfDay.EVENING,
        )

    return [
        place("Gångtunneln vid stationen", "63.8275", "20.2710"),
        place("Rådhusparken", "63.8253", "20.2636"),
    ]


def assert_tiles_loaded(page):
    # Leaflet marks a tile loaded when its <img> has loaded: the policy allowed the tile server.
    page.wait_for_selector(".leaflet-tile-loaded")
    sources = page.locator(".leaflet-tile-loaded").evaluate_all("tiles => tiles.map((tile) => tile.src)")
    assert sources and all(src.startswith(tile_pattern()[:-2]) for src in sources), sources


@pytest.mark.parametrize("language", ["", "/en"], ids=["sv", "en"])
def test_the_map_of_places_renders_tiles_markers_and_popups_under_the_policy(site, watched, places, language):
    browser = watched(reduced_motion="reduce")
    page = browser.page
    browser.goto(f"{site}{language}/platser/")

    page.wait_for_selector(".place-map .leaflet-marker-icon")
    assert_tiles_loaded(page)
    page.locator(".place-map .leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup .place-popup a")).to_be_visible()
    page.locator(".leaflet-control-zoom-in").click()
    browser.assert_no_violations(f"{language}/platser/ with its map used")

    browser.goto(f"{site}{language}/platser/{places[0].pk}/")
    page.wait_for_selector(".place-map .leaflet-marker-icon")
    assert_tiles_loaded(page)
    browser.assert_no_violations(f"{language}/platser/{places[0].pk}/")


@pytest.mark.parametrize("language", ["", "/en"], ids=["sv", "en"])
def test_the_report_forms_position_picker_works_under_the_policy(site, watched, language):
    browser = watched(reduced_motion="reduce")
    page = browser.page
    # The map is open from the start, on the chosen kommun with its outline (a GeoJSON fetch the policy must allow).
    browser.goto(f"{site}{language}/platser/rapportera/?kommun=vindeln")

    page.wait_for_selector("#place-pin-map.leaflet-container")
    page.locator("#place-pin-map svg path").wait_for()
    assert_tiles_loaded(page)
    width = page.locator("#place-pin-map").bounding_box()["width"]
    page.locator("#place-pin-map").click(position={"x": width / 2, "y": 190})  # inside Vindeln's outline

    expect(page.locator("#place-pin-map .leaflet-marker-icon")).to_have_count(1)
    assert page.locator("#id_latitude").input_value() != ""
    assert page.locator("#id_longitude").input_value() != ""
    browser.assert_no_violations(f"{language}/platser/rapportera/ with a position chosen on the map")


@pytest.fixture
def coordinator(site):
    vindeln = Municipality.objects.get(slug="vindeln")
    return make_coordinator([vindeln], Organisation.MUNICIPALITY, username="kim", password=PASSWORD).user


def test_a_coordinators_admin_pages_break_no_rule_of_the_policy(site, watched, coordinator):
    browser = watched()
    page = browser.page

    browser.goto(f"{site}/admin/login/")
    browser.assert_no_violations("the admin's login page")
    log_in(page, site, "kim")
    expect(page.locator("#todo-heading")).to_be_visible()  # the coordinator's start page
    browser.assert_no_violations("the coordinator's start page")

    # Every list the start page offers this coordinator (some have actions and checkboxes, some none).
    lists = page.locator("#content-main th[scope=row] a").evaluate_all("links => links.map((a) => a.href)")
    assert len(lists) >= 5, lists
    for url in lists:
        browser.goto(url)
        browser.assert_no_violations(url)

    follow_up = FollowUp.objects.filter(period__municipality__slug="vindeln").order_by("year").first()
    for name, args in [
        ("admin:promises_followup_change", [follow_up.pk]),  # with one inline report per activity
        ("admin:promises_followup_history", [follow_up.pk]),  # django-simple-history's list of changes
        ("admin:promises_followup_add", []),
        ("admin:promises_followup_import", []),
        ("admin:promises_followup_changelist", []),
    ]:
        url = site + reverse(name, args=args)
        browser.goto(url)
        browser.assert_no_violations(url)

    # The follow-up's list filtered and searched, with its date and status filters.
    browser.goto(f"{site}{reverse('admin:promises_followup_changelist')}?q=2023")
    browser.assert_no_violations("the follow-ups searched")


def test_autocomplete_date_pickers_inlines_and_prepopulated_fields_work_under_the_policy(site, watched, coordinator):
    browser = watched()
    page = browser.page
    log_in(page, site, "kim")

    # A dialogue: the kommun is an autocomplete (select2 over admin/autocomplete/), the time a date and clock picker.
    browser.goto(site + reverse("admin:surveys_dialogue_add"))
    page.locator(".field-municipality .select2-selection").click()
    page.locator(".select2-search__field").fill("Vin")
    page.locator(".select2-results__option", has_text="Vindeln").click()
    expect(page.locator(".field-municipality .select2-selection__rendered")).to_contain_text("Vindeln")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarbox0 .calendarnav-next").click()
    page.locator("#calendarbox0 td a").first.click()
    page.locator("#clocklink0").click()
    expect(page.locator("#clockbox0")).to_be_visible()
    page.locator("#clockbox0 a").first.click()
    browser.assert_no_violations("a dialogue's add form with its kommun, date and time chosen")

    # A survey: the slug is filled in from the title (prepopulate.js), kommuner are a multiple autocomplete, and
    # sections and questions are inlines with "add another".
    browser.goto(site + reverse("admin:surveys_survey_add"))
    page.locator("#id_title").fill("Trygghet i Vindeln")
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value("trygghet-i-vindeln")
    page.locator(".field-municipalities .select2-selection").click()
    page.locator(".field-municipalities .select2-search__field").fill("Vin")
    page.locator(".select2-results__option", has_text="Vindeln").click()
    rows = page.locator(".inline-group .add-row a")
    rows.first.click()
    browser.assert_no_violations("a survey's add form with an inline row added")


def test_the_browser_fixtures_notice_what_the_policy_refuses(site, browser):
    # The watch that every browser test relies on (tests/browser/conftest.py), on a context of its own so that
    # the refusals provoked here do not fail this test at teardown. A page of the portal's origin, under the
    # portal's own policy, with an inline style attribute in its markup and an inline script.
    policy = browser.new_page().goto(site + "/").header_value("content-security-policy")
    problems = []
    context = watch_policy(browser.new_context(), problems)
    context.route(
        site + "/policy-probe/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body='<!doctype html><title>x</title><p style="color:red">x</p><script>document.title="y"</script>',
        ),
    )
    page = context.new_page()
    page.goto(site + "/policy-probe/")
    page.wait_for_function("window.__cspViolations.length >= 2")
    page.wait_for_timeout(200)

    assert any("style-src" in problem for problem in problems), problems
    assert any("script-src" in problem for problem in problems), problems

    # What a test evaluates itself (as axe-core does) is not the page's doing: recorded, not reported.
    page.goto(site + "/")
    page.evaluate("() => document.head.append(Object.assign(document.createElement('style'), {textContent: 'p{}'}))")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert not any("/policy-probe/" not in problem for problem in problems), problems
    context.close()
