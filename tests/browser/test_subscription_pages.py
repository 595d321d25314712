"""The subscription pages a resident reaches from the mails, in a real browser: the confirm and unsubscribe pages
with a real signed link, what their buttons lead to, in Swedish and English. axe-core finds nothing, and the
buttons work with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.models import Municipality
from subscriptions import tokens
from subscriptions.models import Subscription
from tests.browser.test_accessibility import _OUTLINE_SCRIPT, format_violations, heading_outline_problems

pytestmark = pytest.mark.browser

_axe = Axe()


def assert_accessible(visit, where):
    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=where)
    problems = heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    assert not problems, f"{where}: {problems}"


@pytest.mark.parametrize("language", ["", "/en"])
def test_confirm_then_unsubscribe_with_the_keyboard(open_page, site, language):
    umea = Municipality.objects.get(slug="umea")
    subscription = Subscription.objects.create(municipality=umea, email="ada@example.se")

    visit = open_page(f"{language}/umea/prenumerera/bekrafta/{tokens.confirm_token(subscription)}/")
    assert visit.response.status == 200
    assert_accessible(visit, "confirm page")
    visit.page.locator("main").get_by_role("button").focus()
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert_accessible(visit, "confirmed page")
    subscription.refresh_from_db()
    assert subscription.is_confirmed

    visit = open_page(f"{language}/umea/prenumerera/avsluta/{tokens.unsubscribe_token(subscription)}/")
    assert visit.response.status == 200
    assert_accessible(visit, "unsubscribe page")
    visit.page.locator("main").get_by_role("button").focus()
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert_accessible(visit, "unsubscribed page")
    assert not Subscription.objects.exists()
