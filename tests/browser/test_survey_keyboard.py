"""A resident answers a safety survey with the keyboard alone: Tab, arrow keys, Space, typing and Enter."""

import pytest
from playwright.sync_api import expect

from portal.models import Municipality
from surveys.forms.survey import field_name
from surveys.models import Response, TimeOfDay
from tests.factories.surveys import make_survey_with_every_kind

pytestmark = pytest.mark.browser

# What document.activeElement is, in words a failure message can use.
_ACTIVE = """() => {
    const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), name: el.name || "", type: el.type || "", value: el.value || "",
             text: (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent).trim().slice(0, 60) };
}"""


@pytest.fixture
def survey(site):
    survey, questions = make_survey_with_every_kind(municipalities=[Municipality.objects.get(slug="vindeln")])
    return survey, questions


def tab_to(page, name, *, value=None, limit=60):
    """Press Tab until the field `name` (and `value`, for one of a group) has focus; fail if it never does."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        seen.append(f"{active['tag']}[{active['name']}]={active['value']!r}")
        if active["name"] == name and (value is None or active["value"] == value):
            return active
    pytest.fail(f"Tab never reached {name}={value!r}; focus went through {seen}")


def checked_value(page, name):
    return page.evaluate(f"() => document.querySelector('input[name=\"{name}\"]:checked')?.value ?? null")


def test_a_survey_can_be_answered_with_the_keyboard_alone(site, survey, new_context):
    survey, questions = survey
    single, multiple, scale = questions["single"], questions["multiple"], questions["scale"]
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + survey.get_absolute_url())

    # A radio group takes one Tab; the arrow keys move through it and choose.
    first = tab_to(page, field_name(single))
    assert first["text"] == "Mycket trygg"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert checked_value(page, field_name(single)) == str(single.choices.get(text="Ganska otrygg").pk)

    # Check boxes: one Tab each, Space ticks.
    tab_to(page, field_name(multiple), value=str(multiple.choices.get(text="Nedskräpning").pk), limit=1)
    page.keyboard.press("Space")
    tab_to(page, field_name(multiple), value=str(multiple.choices.get(text="Fortkörning").pk), limit=2)
    page.keyboard.press("Space")

    tab_to(page, field_name(scale), limit=1)
    page.keyboard.press("ArrowDown")
    assert checked_value(page, field_name(scale)) == "2"

    tab_to(page, field_name(questions["place"], "plats"), limit=1)
    page.keyboard.type("Gångtunneln under järnvägen")
    tab_to(page, field_name(questions["place"], "tid"), limit=1)
    page.keyboard.press("ArrowDown")  # Dag → Kväll
    page.keyboard.press("ArrowDown")  # Kväll → Natt
    assert checked_value(page, field_name(questions["place"], "tid")) == TimeOfDay.NIGHT

    tab_to(page, field_name(questions["text"]), limit=1)
    page.keyboard.type("Mer belysning, tack.")

    # The honeypot is out of the tab order: the next stop is the button.
    page.keyboard.press("Tab")
    assert page.evaluate(_ACTIVE)["text"] == "Skicka svaren"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    stored = Response.objects.get(survey=survey)
    answers = {answer.question_id: answer for answer in stored.answers.all()}
    assert answers[single.pk].choice.text == "Ganska otrygg"
    assert set(stored.answers.filter(question=multiple).values_list("choice__text", flat=True)) == {
        "Nedskräpning",
        "Fortkörning",
    }
    assert answers[scale.pk].scale_value == 2
    assert answers[questions["place"].pk].place_description == "Gångtunneln under järnvägen"
    assert answers[questions["place"].pk].time_of_day == TimeOfDay.NIGHT
    assert answers[questions["text"].pk].text == "Mer belysning, tack."


def test_the_error_summary_links_take_the_keyboard_to_the_question(site, survey, new_context):
    survey, questions = survey
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + survey.get_absolute_url())

    # Send the form without answering the required first question.
    tab_to(page, field_name(questions["text"]))
    page.keyboard.type("Bara fritext.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    summary = page.locator(".survey-error-summary")
    expect(summary).to_contain_text("Svaren skickades inte")
    expect(page.locator(f"textarea[name={field_name(questions['text'])}]")).to_have_value("Bara fritext.")
    # Once the page has loaded, so that nothing still loading moves focus after the link was focused; and Space only
    # once the link has moved focus to the first choice (pressed at once, it could land before the move).
    page.wait_for_load_state("load")
    link = summary.get_by_role("link", name=questions["single"].text)
    link.focus()
    page.keyboard.press("Enter")
    first_choice = page.locator(f"#id_{field_name(questions['single'])}_0")
    expect(first_choice).to_be_focused()
    page.keyboard.press("Space")  # the link took focus to the first choice: Space chooses it
    assert checked_value(page, field_name(questions["single"])) == str(questions["single"].choices.first().pk)
