"""The coordinator's workspace in a browser: the place review map, and the error summary taking the focus."""

import pytest
from playwright.sync_api import expect

from portal.models import Municipality, Organisation
from surveys.models import Moderation
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_follow_up_workflow import PASSWORD, log_in
from tests.factories import make_coordinator
from tests.factories.dialogues import make_unsafe_place

pytestmark = pytest.mark.browser


@pytest.fixture
def vindeln_place_in_malmo(site):
    vindeln = Municipality.objects.get(slug="vindeln")  # the real content: kommunkod 2404
    make_coordinator([vindeln], Organisation.MUNICIPALITY, username="kim", password=PASSWORD)
    return make_unsafe_place(
        municipality=vindeln, title="Klick i Malmö", moderation=Moderation.PENDING, latitude=55.605, longitude=13.0038
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_place_review_map_shows_the_point_and_the_kommun_and_flags_it(
    site, vindeln_place_in_malmo, new_context, viewport
):
    page = new_context(**VIEWPORTS[viewport]).new_page()
    log_in(page, site, "kim")

    page.goto(f"{site}/admin/surveys/unsafeplace/{vindeln_place_in_malmo.pk}/change/")

    expect(page.locator("#place-review-verdict")).to_contain_text("punkten ligger utanför Vindelns kommun")
    expect(page.locator("#place-review-map.leaflet-container")).to_be_visible()
    expect(page.locator("#place-review-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#place-review-map path.leaflet-interactive")).to_have_count(1)  # the kommun's outline


def test_error_summary_takes_the_focus_and_its_link_moves_it_to_the_field(site, vindeln_place_in_malmo, new_context):
    page = new_context().new_page()
    log_in(page, site, "kim")
    page.goto(f"{site}/admin/surveys/unsafeplace/{vindeln_place_in_malmo.pk}/change/")

    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Spara", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Det finns fel i formuläret")
    summary.get_by_role("link", name="Plats: Detta fält måste fyllas i.").click()
    expect(page.locator("#id_title")).to_be_focused()
