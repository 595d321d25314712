"""Dialogue pages, the suggestion form and the evidence chain in a real browser: axe-core finds nothing, on a
desktop and on a phone, and the suggestion form can be filled in and sent with the keyboard alone."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from promises.models import Activity, PromisePeriod
from surveys.models import Dialogue, Suggestion
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import format_violations, heading_outline_problems
from tests.factories.dialogues import make_unsafe_place

pytestmark = pytest.mark.browser

_axe = Axe()


@pytest.fixture
def dialogue_paths(site):
    """A past 2016 Umeå dialogue from the content as it ships (no feedback yet), the same kind of dialogue with a
    full ”Ni sa – vi gjorde” record, an upcoming safety walk, and a period page with its evidence chain."""
    umea_dialogues = Dialogue.objects.filter(municipality__slug="umea").order_by("starts_at")
    as_shipped, with_feedback = umea_dialogues[0], umea_dialogues[1]
    with_feedback.heard = "Många kände sig otrygga i gångtunnlarna på kvällen."
    with_feedback.not_taken_up = "Fler poliser på nätterna: det beslutar inte kommunen."
    with_feedback.save()
    period = PromisePeriod.objects.get(municipality__slug="umea", start_year=2021)
    activity = Activity.objects.filter(focus_area__period=period).first()
    place = make_unsafe_place(municipality=period.municipality, title="Gångtunneln vid Vasaplan")
    activity.from_dialogues.add(with_feedback)
    activity.addresses_places.add(place)
    period.dialogues.add(as_shipped, with_feedback)
    period.unsafe_places.add(place)
    upcoming = Dialogue.objects.create(
        municipality=period.municipality,
        kind=Dialogue.Kind.SAFETY_WALK,
        title="Trygghetsvandring i centrum",
        starts_at=timezone.now() + datetime.timedelta(days=14),
        place="Samling vid Rådhustorget",
    )
    return {
        "as_shipped": as_shipped.get_absolute_url(),
        "with_feedback": with_feedback.get_absolute_url(),
        "upcoming": upcoming.get_absolute_url(),
        "period": period.get_absolute_url(),
        "list_with_upcoming": "/dialoger/?kommun=umea",
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", ["as_shipped", "with_feedback", "upcoming", "period", "list_with_upcoming"])
def test_dialogue_pages_have_no_axe_violations_and_a_sound_outline(open_page, dialogue_paths, name, viewport):
    visit = open_page(dialogue_paths[name], viewport)
    assert visit.response.status == 200

    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=f"{dialogue_paths[name]} at {viewport}")
    outline = visit.page.evaluate(
        """() => ({
            h1: document.querySelectorAll("h1").length,
            main: document.querySelectorAll("main").length,
            roleMain: document.querySelectorAll("[role=main]:not(main)").length,
            headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
                .filter((el) => el.checkVisibility())
                .map((el) => ({ level: Number(el.tagName.slice(1)), text: el.textContent.trim().slice(0, 60) })),
        })"""
    )
    assert not heading_outline_problems(outline)
    width = visit.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{dialogue_paths[name]} scrolls sideways at {viewport}"
    assert not visit.failed


def test_suggestion_form_with_errors_has_no_axe_violations(open_page):
    visit = open_page("/umea/synpunkt/")
    visit.page.get_by_role("button", name="Skicka synpunkten").click()  # the browser's own check stops an empty text
    visit.page.evaluate("() => document.querySelector('textarea').removeAttribute('required')")
    visit.page.get_by_role("button", name="Skicka synpunkten").click()
    expect(visit.page.get_by_text("Skriv din synpunkt innan du skickar.")).to_be_visible()

    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where="/umea/synpunkt/ with errors")


def test_suggestion_is_sent_with_the_keyboard_alone_and_the_honeypot_is_skipped(open_page):
    page = open_page("/umea/synpunkt/").page
    textarea = page.get_by_label("Vad tycker du kan göras för att öka tryggheten?")
    textarea.focus()
    page.keyboard.type("Mer belysning i gångtunneln vid Vasaplan.")

    page.keyboard.press("Tab")  # past the honeypot (tabindex=-1) straight to the button
    focused = page.evaluate("() => (document.activeElement.value || document.activeElement.textContent).trim()")
    assert focused == "Skicka synpunkten"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din synpunkt")
    assert Suggestion.objects.get().text == "Mer belysning i gångtunneln vid Vasaplan."
    assert not page.get_by_label("Lämna det här fältet tomt").is_visible()
