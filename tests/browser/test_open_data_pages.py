"""The open-data page in a real browser: axe-core finds nothing in Swedish and English, on a desktop and on a
phone, with every kommun's period list opened; and a coordinator imports a file through the admin's pages."""

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from promises.models import ActivityReport, ReportStatus
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import (
    _OUTLINE_SCRIPT,
    _OVERFLOW_SCRIPT,
    format_violations,
    heading_outline_problems,
)
from tests.factories import make_coordinator

pytestmark = pytest.mark.browser

_axe = Axe()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", ["/oppna-data/", "/en/oppna-data/"])
def test_open_data_page_has_no_axe_violations(open_page, path, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == 200
    for summary in visit.page.locator("details summary").all():
        summary.click()

    violations = _axe.run(visit.page).response["violations"]

    assert not violations, format_violations(violations, where=f"{path} at {viewport} ({visit.size})")


@pytest.mark.parametrize("path", ["/oppna-data/", "/en/oppna-data/"])
def test_open_data_page_has_a_sound_outline_and_fits_a_phone(open_page, path):
    desktop = open_page(path, "desktop")
    problems = heading_outline_problems(desktop.page.evaluate(_OUTLINE_SCRIPT))
    phone = open_page(path, "phone")
    for summary in phone.page.locator("details summary").all():
        summary.click()
    overflow = phone.page.evaluate(_OVERFLOW_SCRIPT)

    assert not problems, problems
    assert overflow["scrollWidth"] <= overflow["clientWidth"], overflow
    assert not desktop.failed + phone.failed


def test_a_kommuns_period_files_open_from_the_keyboard(open_page):
    page = open_page("/oppna-data/").page
    # Each period's files are listed for the kommun chosen only (a list for 290 kommuner would be thousands long):
    # its link, followed from the keyboard, opens the page with them.
    more = page.locator("#kommun-vindeln a", has_text="Ett medborgarlöfte i taget")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/oppna-data/?kommun=vindeln#kommun-vindeln")

    link = page.locator("#kommun-vindeln ul a").first
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/oppna-data/vindeln/2023-2025.csv"
    link.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/oppna-data/vindeln/2023-2025.csv"


def test_a_coordinator_imports_a_file_in_two_steps(site, new_context, tmp_path):
    vindeln = Municipality.objects.get(slug="vindeln")
    make_coordinator([vindeln], Organisation.MUNICIPALITY, username="kommun-vindeln", password="ett-långt-lösenord-123")
    page = new_context(**VIEWPORTS["desktop"]).new_page()

    exported = page.request.get(site + "/oppna-data/vindeln/2023-2025.csv").body().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported, newline=""), delimiter=";"))
    row = next(r for r in rows if r["year"] == "2024" and r["row_type"] == "activity")
    row.update(status="done", status_label="Genomförd", reason="", done="Alla utbildningar är genomförda.")
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    upload = tmp_path / "vindeln.csv"
    upload.write_bytes("\ufeff".encode() + out.getvalue().encode())

    page.goto(site + "/admin/login/?next=/admin/promises/followup/importera/")
    page.get_by_label("Användarnamn").fill("kommun-vindeln")
    page.get_by_label("Lösenord").fill("ett-långt-lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("CSV-fil").set_input_files(str(upload))
    page.get_by_role("button", name="Granska").click()

    expect(page.get_by_text("1 rapport ändras i 1 uppföljning.")).to_be_visible()
    expect(page.get_by_text("Alla utbildningar är genomförda.")).to_be_visible()
    page.get_by_role("button", name="Spara ändringarna").click()

    expect(page.get_by_text("1 rapport uppdaterad i 1 uppföljning.")).to_be_visible()
    report = ActivityReport.objects.get(activity_id=row["activity_id"], follow_up__year=2024)
    assert (report.status, report.done) == (ReportStatus.DONE, "Alla utbildningar är genomförda.")
