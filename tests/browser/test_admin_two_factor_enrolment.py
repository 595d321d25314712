"""A new coordinator's first login with two-factor codes required, in a browser: enrolment, backup codes, and the
next login with a code from the app; every page passes axe-core, as the rest of the admin does."""

import re
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from tests.browser.test_accessibility import format_violations
from tests.factories import make_coordinator

pytestmark = pytest.mark.browser

PASSWORD = "ett-långt-lösenord-123"


def assert_accessible(page, where):
    violations = Axe().run(page).response["violations"]
    assert not violations, format_violations(violations, where=where)


def log_in(page, site, code=None):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Användarnamn").fill("kim")
    page.get_by_label("Lösenord").fill(PASSWORD)
    if code is not None:
        page.get_by_label("Engångskod").fill(code)
    page.get_by_role("button", name="Logga in").click()


def test_a_new_coordinator_enrols_and_then_logs_in_with_a_code(site, settings, new_context):
    settings.ADMIN_OTP_REQUIRED = True
    make_coordinator([Municipality.objects.get(slug="vindeln")], Organisation.MUNICIPALITY, username="kim")
    page = new_context().new_page()

    page.goto(f"{site}/admin/login/")
    assert_accessible(page, "the login page with a code field")
    log_in(page, site, code="")
    expect(page.get_by_role("heading", level=1)).to_have_text("Slå på tvåstegsverifiering")
    assert_accessible(page, "the enrolment page")

    secret = page.locator(".two-factor-secret").inner_text().replace(" ", "")
    key = b32decode(secret)
    page.get_by_label("Kod från appen").fill("000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Bekräfta och slå på").click()
    expect(page.locator(".errorlist")).to_contain_text("Inget har sparats.")
    assert_accessible(page, "the enrolment page with a wrong code")

    page.get_by_label("Kod från appen").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Bekräfta och slå på").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina reservkoder")
    codes = page.locator(".two-factor-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    assert_accessible(page, "the backup codes page")
    page.get_by_role("link", name="Fortsätt till administrationen").click()
    expect(page.get_by_role("heading", name="Att göra", exact=True)).to_be_visible()

    # Another day, another browser: the password alone is not enough, a backup code is.
    other = new_context().new_page()
    log_in(other, site)
    expect(other.locator(".errornote")).to_contain_text("Fel användarnamn, lösenord eller engångskod")
    log_in(other, site, code=codes[0])
    expect(other.get_by_role("heading", name="Att göra", exact=True)).to_be_visible()


def test_the_lockout_page_is_accessible(site, new_context):
    make_coordinator([Municipality.objects.get(slug="vindeln")], Organisation.MUNICIPALITY, username="kim")
    page = new_context().new_page()
    for _ in range(5):
        page.goto(f"{site}/admin/login/")
        page.get_by_label("Användarnamn").fill("kim")
        page.get_by_label("Lösenord").fill("fel-lösenord")
        page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("För många misslyckade inloggningar")
    assert_accessible(page, "the lockout page")
