"""axe-core and the page structure checks on the survey pages, at desktop and phone widths.

The surveys are made here on top of the portal's real content: `load_content` has no survey, so these
pages cannot go in test_accessibility.PAGES.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from portal.models import Municipality
from surveys.models import Question, TimeOfDay
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import (
    _OUTLINE_SCRIPT,
    _OVERFLOW_SCRIPT,
    format_violations,
    heading_outline_problems,
)
from tests.factories.surveys import make_question, make_responses, make_survey_with_every_kind

pytestmark = pytest.mark.browser

_axe = Axe()


@pytest.fixture
def surveys(site):
    vindeln, umea = Municipality.objects.get(slug="vindeln"), Municipality.objects.get(slug="umea")
    open_survey, _questions = make_survey_with_every_kind(
        municipalities=[vindeln, umea], slug="oppen", title="Trygghetsundersökning 2026"
    )
    closed, questions = make_survey_with_every_kind(municipalities=[vindeln], slug="stangd", title="Enkät 2025")
    today = timezone.localdate()
    closed.opens_on, closed.closes_on = today - datetime.timedelta(days=60), today - datetime.timedelta(days=30)
    closed.results_published = True
    closed.save()
    single, multiple, scale, place = (questions[kind] for kind in ("single", "multiple", "scale", "place"))
    single_choices, multiple_choices = list(single.choices.all()), list(multiple.choices.all())
    rare = make_question(closed, Question.Kind.SINGLE, text="En fråga som få svarade på")

    def answers(i):
        yield {"question": single, "choice": single_choices[0 if i < 20 else 1 if i < 34 else 2 if i < 38 else 3]}
        yield from ({"question": multiple, "choice": c} for c in multiple_choices[: 1 + i % 3])
        yield {"question": scale, "scale_value": 1 + i % 5}
        yield {"question": place, "place_description": "Torget", "time_of_day": TimeOfDay.values[i % 3]}
        yield {"question": questions["text"], "text": "Fritext"}
        if i < 3:
            yield {"question": rare, "choice": rare.choices.first()}

    make_responses(closed, 40, answers)
    # The same questions a year earlier: the results page shows them side by side as indicators.
    earlier, earlier_questions = make_survey_with_every_kind(
        municipalities=[vindeln], slug="forra-aret", title="Enkät 2024"
    )
    earlier.opens_on, earlier.closes_on = today - datetime.timedelta(days=425), today - datetime.timedelta(days=395)
    earlier.results_published = True
    earlier.save()
    earlier_single = list(earlier_questions["single"].choices.all())
    make_responses(earlier, 30, lambda i: [{"question": earlier_questions["single"], "choice": earlier_single[i % 2]}])
    # Closed, results promised for a date: the closed page, the list and the results address say when.
    waiting, _questions = make_survey_with_every_kind(municipalities=[umea], slug="vantar", title="Enkät i Umeå")
    waiting.opens_on, waiting.closes_on = today - datetime.timedelta(days=40), today - datetime.timedelta(days=10)
    waiting.results_expected_on = today + datetime.timedelta(days=20)
    waiting.save()
    return {"open": open_survey, "closed": closed}


PAGES = {
    "answer": ("/enkater/oppen/", 200),
    "thanks": ("/enkater/oppen/tack/", 200),
    "results": ("/enkater/stangd/resultat/", 200),
    "closed": ("/enkater/stangd/", 200),
    "list": ("/enkater/", 200),
    "list_for_a_kommun": ("/enkater/?kommun=umea", 200),
    "list_in_english": ("/en/enkater/", 200),
    "closed_awaiting_results": ("/enkater/vantar/", 200),
    "results_not_yet_published": ("/enkater/vantar/resultat/", 404),
    "results_while_open": ("/enkater/oppen/resultat/", 404),
}


def check(page, where):
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, format_violations(violations, where=where)
    problems = heading_outline_problems(page.evaluate(_OUTLINE_SCRIPT))
    overflow = page.evaluate(_OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        width, viewport = overflow["scrollWidth"], overflow["clientWidth"]
        problems.append(f"scrolls sideways: {width}px in a {viewport}px viewport; too wide: {overflow['wide']}")
    assert not problems, f"{where}:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_survey_page_has_no_axe_violations(open_page, surveys, name, viewport):
    path, status = PAGES[name]
    visit = open_page(path, viewport)
    assert visit.response.status == status
    assert not visit.failed, visit.failed
    check(visit.page, f"{path} at {viewport} ({visit.size})")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_form_with_errors_has_no_axe_violations(site, surveys, new_context, viewport):
    page = new_context(**VIEWPORTS[viewport]).new_page()
    page.goto(site + "/enkater/oppen/")
    page.get_by_role("button", name="Skicka svaren").press("Enter")  # nothing answered: two errors
    page.wait_for_selector(".survey-error-summary")
    check(page, f"/enkater/oppen/ with errors at {viewport}")
