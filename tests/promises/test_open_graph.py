"""Open Graph and Twitter card tags on the kommun, period and follow-up pages, in Swedish and English."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from promises.models import FollowUp, ReportStatus
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_municipality,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db


class MetaTags(HTMLParser):
    """The head's <meta property|name=… content=…> as {key: [values]} (og:locale:alternate may repeat)."""

    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key and key.startswith(("og:", "twitter:")):
            self.tags.setdefault(key, []).append(attrs.get("content"))


def meta_tags(response):
    assert response.status_code == 200
    parser = MetaTags()
    parser.feed(response.content.decode())
    return {key: values[0] if len(values) == 1 else values for key, values in parser.tags.items()}


@pytest.fixture
def vindeln():
    """Vindeln with a period whose 2024 follow-up is an example, as the shipped demo content has."""
    municipality = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
    period = make_period(municipality=municipality, start_year=2023, end_year=2025)
    area = make_focus_area(period, title="Trafik")
    activity = make_activity(area)
    follow_up = make_follow_up(period, year=2024, is_example=True)
    make_area_report(follow_up, area, status=ReportStatus.CONTINUOUS)
    make_report(follow_up, activity, status=ReportStatus.DONE)
    return period


def page_urls(period):
    follow_up = period.follow_ups.get()
    return {
        "municipality": (period.municipality.get_absolute_url(), f"/{period.municipality.slug}/delningsbild.png"),
        "period": (period.get_absolute_url(), "/vindeln/2023-2025/delningsbild.png"),
        "follow_up": (follow_up.get_absolute_url(), "/vindeln/2023-2025/uppfoljning/2024/delningsbild.png"),
    }


TITLES = {
    "municipality": "Medborgarlöften i Vindelns kommun",
    "period": "Medborgarlöften 2023–2025, Vindelns kommun",
    "follow_up": "Uppföljning 2024 av medborgarlöftena 2023–2025, Vindelns kommun",
}


@pytest.mark.parametrize("kind", ["municipality", "period", "follow_up"])
def test_swedish_page_has_open_graph_tags(resident, vindeln, kind):
    page, image = page_urls(vindeln)[kind]

    tags = meta_tags(resident.get(page))

    assert tags["og:type"] == "website"
    assert tags["og:site_name"] == "Medborgarlöften"
    assert tags["og:title"] == TITLES[kind]
    assert tags["og:url"] == f"http://testserver{page}"
    assert tags["og:locale"] == "sv_SE"
    assert tags["og:locale:alternate"] == "en_GB"
    assert tags["og:image"] == f"http://testserver{image}"
    assert tags["og:image:type"] == "image/png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    # The description says what the image shows, the example label too; the image's text alternative is the same.
    assert tags["og:description"].startswith("Vindelns kommun. ")
    assert "status 2024: Löpande 1." in tags["og:description"]
    assert "Exempel: påhittad uppföljning för demonstration." in tags["og:description"]
    assert tags["og:image:alt"] == tags["og:description"]
    # The image named is there.
    assert resident.get(urlsplit(tags["og:image"]).path)["Content-Type"] == "image/png"


@pytest.mark.parametrize("kind", ["municipality", "period", "follow_up"])
def test_english_page_has_english_open_graph_tags(resident, vindeln, kind):
    page, image = page_urls(vindeln)[kind]

    tags = meta_tags(resident.get("/en" + page))

    assert tags["og:url"] == f"http://testserver/en{page}"
    assert tags["og:image"] == f"http://testserver/en{image}"
    assert tags["og:locale"] == "en_GB"
    assert tags["og:locale:alternate"] == "sv_SE"
    assert "Example: invented follow-up for demonstration." in tags["og:description"]
    assert "in 2024: Ongoing 1." in tags["og:description"]
    assert resident.get(urlsplit(tags["og:image"]).path).status_code == 200


def test_kommun_without_a_promise_says_so_in_its_tags(resident):
    municipality = make_municipality(official_name="Bjurholms kommun")

    tags = meta_tags(resident.get(municipality.get_absolute_url()))

    assert tags["og:description"] == "Bjurholms kommun. Inget medborgarlöfte publicerat ännu."


def test_names_in_the_tags_are_escaped(resident):
    municipality = make_municipality(official_name='Kommun "<script>"', slug="citat")
    make_period(municipality=municipality)

    content = resident.get(municipality.get_absolute_url()).content.decode()

    assert "<script>" not in content
    assert 'content="Medborgarlöften i Kommun &quot;&lt;script&gt;&quot;"' in content
    assert meta_tags(resident.get(municipality.get_absolute_url()))["og:title"] == 'Medborgarlöften i Kommun "<script>"'


def test_other_pages_have_no_open_graph_image(resident, vindeln):
    tags = meta_tags(resident.get(reverse("home")))
    assert "og:image" not in tags


def test_the_coordinators_preview_of_a_draft_names_no_share_image(client, vasterbotten, coordinator_vindeln):
    """A draft's image is a 404 like its page: the preview on the public template must not point at one."""
    draft = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)
    client.force_login(coordinator_vindeln)

    response = client.get(reverse("admin:promises_followup_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert meta_tags(response) == {}
