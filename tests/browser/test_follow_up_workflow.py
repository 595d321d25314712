"""A year's follow-up from start to public page, the way the two coordinators would do it in a browser.

The whole flow of issue 15: unsaved text is never approved (nor lost), an empty follow-up cannot be approved, the
police preview the draft before approving the same version, and the public page then shows every focus area.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from promises.models import FollowUp
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


def choose_status(page, prefix, label):
    field = page.locator(f"#id_{prefix}-status")
    if field.count():
        field.select_option(label=label)
    else:  # radios with definitions
        page.locator(f"[name='{prefix}-status']").locator("..").get_by_text(label, exact=True).first.click()


def assert_accessible(page, where):
    violations = Axe().run(page).response["violations"]
    assert not violations, format_violations(violations, where=where)


def test_coordinators_fill_in_preview_and_approve_a_follow_up_that_then_appears_publicly(
    site, coordinators, new_context
):
    kim = new_context().new_page()
    log_in(kim, site, "kim")

    # The start page says that 2025's follow-up is missing and offers to start it.
    kim.get_by_role("link", name="Starta uppföljningen för 2025").click()
    kim.get_by_role("button", name="Spara", exact=True).click()
    expect(kim.locator(".messagelist")).to_contain_text("en rapport per fokusområde och per aktivitet")
    areas = int(kim.locator("#id_area_reports-TOTAL_FORMS").input_value())
    assert areas == 5  # Vindeln 2023–2025 has five focus areas

    # Typed but not saved, then "approve": nothing is approved and nothing typed is lost.
    kim.locator("#id_area_reports-0-done").fill("Skrivet men inte sparat.")
    kim.get_by_role("button", name="Granska och godkänn för kommunen").click()
    expect(kim.locator("#content")).to_contain_text("Du har ändringar som inte är sparade, så inget är godkänt.")
    expect(kim.locator("#id_area_reports-0-done")).to_have_value("Skrivet men inte sparat.")
    follow_up = FollowUp.objects.get(period__municipality__slug="vindeln", year=2025)
    assert follow_up.municipality_approved_at is None

    # Saved with one area written and four empty: the approval page refuses.
    kim.get_by_role("button", name="Spara och fortsätt redigera").click()
    kim.get_by_role("button", name="Granska och godkänn för kommunen").click()
    expect(kim.get_by_role("heading", name="Det går inte att godkänna ännu")).to_be_visible()
    expect(kim.get_by_role("button", name=re.compile("Godkänn version"))).to_have_count(0)

    # Every area written, saved, then approved from the page that shows what is approved.
    kim.get_by_role("link", name="Tillbaka för att ändra").click()
    kim.get_by_label("Sammanfattning:", exact=True).fill("Året präglades av arbetet med unga.")
    for n in range(areas):
        choose_status(kim, f"area_reports-{n}", "Pågår")
        kim.locator(f"#id_area_reports-{n}-done").fill(f"Exempeltext för område {n + 1}: arbetet pågår.")
    kim.get_by_role("button", name="Spara och fortsätt redigera").click()
    expect(kim.locator(".messagelist")).to_contain_text("Ändrade årlig uppföljning")
    kim.get_by_role("button", name="Granska och godkänn för kommunen").click()
    expect(kim.get_by_role("heading", name="Det här godkänner du")).to_be_visible()
    expect(kim.locator(".check-answers")).to_contain_text("Exempeltext för område 5: arbetet pågår.")
    kim.get_by_role("button", name=re.compile("Godkänn version .* för kommunen")).click()
    expect(kim.locator(".messagelist")).to_contain_text("publiceras när den andra parten har godkänt samma version")

    public = new_context().new_page()
    assert public.goto(f"{site}/vindeln/2023-2025/uppfoljning/2025/").status == 404  # one approval is not enough

    # The police open it from their start page, preview it on the public template, and approve.
    pia = new_context().new_page()
    log_in(pia, site, "pia")
    pia.get_by_role("link", name="Granska och godkänn").first.click()
    pia.get_by_role("link", name="Förhandsgranska som den kommer att se ut på webbplatsen").click()
    expect(pia.get_by_role("heading", name="Förhandsvisning: inte publicerad")).to_be_visible()
    expect(pia.locator("main")).to_contain_text("Exempeltext för område 1: arbetet pågår.")
    assert_accessible(pia, "the preview of Vindeln's 2025 follow-up")
    pia.get_by_role("link", name="Granska och godkänn").click()
    pia.get_by_role("button", name=re.compile("Godkänn version .* för polisen")).click()
    expect(pia.locator(".messagelist")).to_contain_text("nu publicerad")

    # The public page shows all five focus areas, each with its status.
    response = public.goto(f"{site}/vindeln/2023-2025/uppfoljning/2025/")
    assert response.status == 200
    main = public.locator("main")
    for focus_area in follow_up.period.focus_areas.all():
        expect(main).to_contain_text(focus_area.title)
    for n in range(areas):
        expect(main).to_contain_text(f"Exempeltext för område {n + 1}: arbetet pågår.")
    expect(main).to_contain_text("Pågår")
    assert "räknar inte upp några enskilda aktiviteter" not in public.content()
    assert_accessible(public, "/vindeln/2023-2025/uppfoljning/2025/ after publication")
