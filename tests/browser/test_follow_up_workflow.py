"""A year's follow-up from start to public page, the way the two coordinators would do it in a browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from tests.browser.test_accessibility import format_violations
from tests.factories import make_coordinator

pytestmark = pytest.mark.browser

PASSWORD = "ett-långt-lösenord-123"


@pytest.fixture
def coordinators(site):
    vindeln = Municipality.objects.get(slug="vindeln")
    kommun = make_coordinator([vindeln], Organisation.MUNICIPALITY, username="kim", password=PASSWORD)
    polis = make_coordinator([vindeln], Organisation.POLICE, username="pia", password=PASSWORD)
    return kommun.user, polis.user


def log_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_coordinators_fill_in_and_approve_a_follow_up_that_then_appears_publicly(site, coordinators, new_context):
    kim_page = new_context().new_page()
    log_in(kim_page, site, "kim")

    # The start page says that 2025's follow-up is missing and offers to start it.
    kim_page.get_by_role("link", name="Starta uppföljningen för 2025").click()
    kim_page.get_by_role("button", name="Spara", exact=True).click()
    expect(kim_page.locator(".messagelist")).to_contain_text("startad med en rapport per aktivitet")

    # exact: ”Sammanfattning på engelska” and ”Vad som gjordes, på engelska” are on the page too (collapsed).
    kim_page.get_by_label("Sammanfattning:", exact=True).fill("Projektet avslutades under året.")
    kim_page.get_by_label("Status").select_option(label="Genomförd")
    kim_page.get_by_label("Vad som gjordes:", exact=True).fill("Tolv lokala aktörer utbildades i att upptäcka våld.")
    kim_page.get_by_role("button", name="Spara och fortsätt redigera").click()
    expect(kim_page.locator(".messagelist")).to_contain_text("Ändrade årlig uppföljning")
    kim_page.get_by_role("button", name="Godkänn för kommunen").click()
    expect(kim_page.locator(".messagelist")).to_contain_text("Publiceras när den andra parten också har godkänt")

    # Not public yet: one approval does not publish.
    public = new_context().new_page()
    assert public.goto(f"{site}/vindeln/2023-2025/uppfoljning/2025/").status == 404

    pia_page = new_context().new_page()
    log_in(pia_page, site, "pia")
    pia_page.get_by_role("link", name="Granska och godkänn").click()
    pia_page.get_by_role("button", name="Godkänn för polisen").click()
    expect(pia_page.locator(".messagelist")).to_contain_text("nu publicerad")

    response = public.goto(f"{site}/vindeln/2023-2025/")
    assert response.status == 200
    content = public.content()
    assert "Tolv lokala aktörer utbildades i att upptäcka våld." in content
    assert "Uppföljning saknas" not in content  # 2025 was the missing year
    results = Axe().run(public)
    violations = results.response["violations"]
    assert not violations, format_violations(violations, where="/vindeln/2023-2025/ after publication")
