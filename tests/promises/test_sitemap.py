"""/sitemap.xml and /robots.txt: every public page in both languages for search engines, and nothing else."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from promises.models import FollowUp, PromisePeriod
from promises.sitemaps import SITEMAPS, STATIC_PAGES
from surveys.models import Dialogue
from tests.factories import make_follow_up, make_municipality, make_period, make_theme

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "http://testserver"


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def section_urls(client):
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    return [element.find(f"{SM}loc").text for element in root.findall(f"{SM}sitemap")]


def sitemap(client):
    """Every <url> of every sitemap the index lists, in one urlset."""
    merged = ET.Element(f"{SM}urlset")
    for url in section_urls(client):
        assert url.startswith(BASE + "/sitemap-")
        merged.extend(get_xml(client, url.removeprefix(BASE)).findall(f"{SM}url"))
    return merged


def entries(root):
    """{location: {"lastmod": str or None, "alternates": {hreflang: href}}}"""
    found = {}
    for url in root.findall(f"{SM}url"):
        lastmod = url.find(f"{SM}lastmod")
        found[url.find(f"{SM}loc").text] = {
            "lastmod": None if lastmod is None else lastmod.text,
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")},
        }
    return found


def make_dialogue(municipality, **fields):
    fields.setdefault("title", "Trygghetsvandring i centrum")
    fields.setdefault("starts_at", timezone.now() - datetime.timedelta(days=10))
    fields.setdefault("place", "Torget")
    return Dialogue.objects.create(municipality=municipality, **fields)


@pytest.fixture
def content():
    vindeln = make_municipality(name="Vindeln", slug="vindeln")
    period = make_period(municipality=vindeln, start_year=2023, end_year=2025)
    follow_up = make_follow_up(period, year=2023)
    draft_follow_up = make_follow_up(period, year=2024, published=False)
    draft_period = make_period(municipality=vindeln, start_year=2020, end_year=2022, published=False)
    follow_up_of_draft = make_follow_up(draft_period, year=2021)
    dialogue = make_dialogue(vindeln)
    make_theme(name="Trafik", slug="trafik")
    draft_dialogue = make_dialogue(vindeln, title="Inte bestämd än", published=False)
    return {
        "vindeln": vindeln,
        "period": period,
        "follow_up": follow_up,
        "dialogue": dialogue,
        "drafts": [draft_follow_up, draft_period, follow_up_of_draft, draft_dialogue],
    }


def test_urls():
    assert reverse("sitemap") == "/sitemap.xml"
    assert reverse("sitemap_section", kwargs={"section": "kommuner"}) == "/sitemap-kommuner.xml"
    assert reverse("robots_txt") == "/robots.txt"
    # Outside the language prefix: one address for machines.
    with translation.override("en"):
        assert reverse("sitemap") == "/sitemap.xml"


def test_sitemap_lists_published_pages_in_both_languages(resident, content):
    found = entries(sitemap(resident))

    paths = [
        "/",
        "/flode/",
        "/dialoger/",
        "/enkater/",
        "/platser/",
        "/tillganglighet/",
        "/om/",
        "/lattlast/",
        "/teman/",
        "/teman/trafik/",
        "/oversikt/",
        "/oppna-data/",
        "/vindeln/",
        content["period"].get_absolute_url(),
        content["follow_up"].get_absolute_url(),
        content["dialogue"].get_absolute_url(),
    ]
    for path in paths:
        assert BASE + path in found, path
        assert BASE + "/en" + path in found, path
        assert found[BASE + path]["alternates"] == {
            "sv": BASE + path,
            "en": BASE + "/en" + path,
            "x-default": BASE + path,
        }


def test_every_static_page_in_the_sitemap_answers(resident, content):
    paths = [reverse(name) for name in STATIC_PAGES]
    for path in paths:
        for url in (path, "/en" + path):
            assert resident.get(url).status_code == 200, url


def test_sitemap_has_no_drafts(resident, content):
    found = entries(sitemap(resident))

    for draft in content["drafts"]:
        path = draft.get_absolute_url()
        assert BASE + path not in found, path
        assert BASE + "/en" + path not in found, path
    assert "/2020-2022/" not in "".join(found)
    assert len([loc for loc in found if "/uppfoljning/" in loc]) == 2  # the one published follow-up, twice


def test_lastmod_is_the_real_change_time(resident, content):
    changed = timezone.make_aware(datetime.datetime(2024, 5, 6, 7, 8, 9))
    later = timezone.make_aware(datetime.datetime(2024, 9, 1, 12, 0))
    PromisePeriod.objects.filter(pk=content["period"].pk).update(updated_at=changed)
    FollowUp.objects.filter(pk=content["follow_up"].pk).update(updated_at=later)
    # A draft's change is not news: it must not move the kommun's or the period's date.
    FollowUp.objects.filter(pk=content["drafts"][0].pk).update(updated_at=later + datetime.timedelta(days=30))

    found = entries(sitemap(resident))

    assert found[BASE + content["follow_up"].get_absolute_url()]["lastmod"] == "2024-09-01"
    # The period page shows its published follow-ups, so their change is the period page's too.
    assert found[BASE + content["period"].get_absolute_url()]["lastmod"] == "2024-09-01"
    assert found[BASE + "/vindeln/"]["lastmod"] == "2024-09-01"
    assert found[BASE + "/en/vindeln/"]["lastmod"] == "2024-09-01"


def test_pages_without_a_known_change_time_have_no_lastmod(resident, content):
    make_municipality(slug="utan-lofte")

    found = entries(sitemap(resident))

    assert found[BASE + "/utan-lofte/"]["lastmod"] is None
    assert found[BASE + "/"]["lastmod"] is None
    assert found[BASE + content["dialogue"].get_absolute_url()]["lastmod"] is None


def test_index_lists_one_sitemap_per_kind_of_page_with_the_latest_change(resident, content):
    changed = timezone.make_aware(datetime.datetime(2024, 9, 1, 12, 0))
    FollowUp.objects.filter(pk=content["follow_up"].pk).update(updated_at=changed)
    PromisePeriod.objects.filter(pk=content["period"].pk).update(updated_at=changed - datetime.timedelta(days=3))

    root = get_xml(resident, "/sitemap.xml")

    lastmods = {
        element.find(f"{SM}loc").text: getattr(element.find(f"{SM}lastmod"), "text", None)
        for element in root.findall(f"{SM}sitemap")
    }
    assert lastmods == {
        f"{BASE}/sitemap-sidor.xml": None,
        f"{BASE}/sitemap-kommuner.xml": "2024-09-01T12:00:00+02:00",
        f"{BASE}/sitemap-loften.xml": "2024-09-01T12:00:00+02:00",
        f"{BASE}/sitemap-uppfoljningar.xml": "2024-09-01T12:00:00+02:00",
        f"{BASE}/sitemap-teman.xml": None,
        f"{BASE}/sitemap-dialoger.xml": None,
    }


def test_unknown_section_is_404(resident):
    assert resident.get("/sitemap-finns-inte.xml").status_code == 404


def test_a_large_section_is_split_into_pages_of_the_limit(resident, monkeypatch):
    from promises.sitemaps import MunicipalitySitemap

    for n in range(5):
        make_municipality(name=f"Kommun {n}", slug=f"kommun-{n}")
    monkeypatch.setattr(MunicipalitySitemap, "limit", 4)  # 5 kommuner in 2 languages: 10 addresses

    assert [url for url in section_urls(resident) if "kommuner" in url] == [
        f"{BASE}/sitemap-kommuner.xml",
        f"{BASE}/sitemap-kommuner.xml?p=2",
        f"{BASE}/sitemap-kommuner.xml?p=3",
    ]
    pages = [get_xml(resident, f"/sitemap-kommuner.xml?p={page}") for page in (1, 2, 3)]
    locations = [url.find(f"{SM}loc").text for page in pages for url in page.findall(f"{SM}url")]
    assert locations == [f"{BASE}{prefix}/kommun-{n}/" for n in range(5) for prefix in ("", "/en")]


@pytest.mark.parametrize("count", [3, 12])
def test_sitemap_query_count_does_not_grow_with_data(resident, django_assert_num_queries, count):
    for _ in range(count):
        municipality = make_municipality()
        period = make_period(municipality=municipality)
        make_follow_up(period, year=2023)
        make_follow_up(period, year=2024)
        make_dialogue(municipality)
        make_theme()

    # The index: a count for each of the five sections from the database, and the latest change of kommuner and
    # periods (two aggregates each) and of follow-ups (one).
    with django_assert_num_queries(5 + 2 + 2 + 1):
        urls = section_urls(resident)
    assert len(urls) == len(SITEMAPS)
    # A sitemap from the database: a count and its rows.
    for section in ["kommuner", "loften", "uppfoljningar", "teman", "dialoger"]:
        with django_assert_num_queries(2):
            get_xml(resident, f"/sitemap-{section}.xml")
    with django_assert_num_queries(0):
        get_xml(resident, "/sitemap-sidor.xml")
    assert len(entries(sitemap(resident))) == 2 * (len(STATIC_PAGES) + count * (1 + 1 + 2 + 1 + 1))


def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode()


def disallowed(text):
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Disallow:")]


def blocked(rules, path):
    """RFC 9309 matching for Disallow rules: `*` is any run of characters, `$` the end, otherwise a prefix."""
    for rule in rules:
        pattern = "".join(".*" if c == "*" else "$" if c == "$" else re.escape(c) for c in rule)
        if re.match(pattern, path):
            return True
    return False


def test_robots_allows_all_and_points_to_the_absolute_sitemap(resident):
    text = robots(resident)

    assert text.startswith("User-agent: *\n")
    assert "Allow: /\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()


def test_robots_keeps_out_the_admin_and_the_pages_after_a_form(resident):
    rules = disallowed(robots(resident))

    assert "/admin/" in rules
    for code in ("sv", "en"):
        with translation.override(code):
            after_forms = [
                reverse("suggestion_thanks", kwargs={"municipality_slug": "vindeln"}),
                reverse("survey_thanks", kwargs={"slug": "trygghetsundersokning-2026"}),
                reverse("unsafe_place_report_thanks"),
                reverse("accessibility_feedback"),
                reverse("accessibility_feedback") + "?sida=/vindeln/",
                reverse("accessibility_feedback_thanks"),
            ]
        for path in after_forms:
            assert blocked(rules, path), path


def test_robots_does_not_keep_out_public_pages(resident, content):
    rules = disallowed(robots(resident))

    public = [
        "/",
        "/en/",
        "/vindeln/",
        content["period"].get_absolute_url(),
        content["follow_up"].get_absolute_url(),
        reverse("suggestion_create", kwargs={"municipality_slug": "vindeln"}),
        reverse("unsafe_place_report"),
        reverse("accessibility_statement"),
        "/en/tillganglighet/",
        "/flode/uppfoljningar.xml",
        "/sitemap.xml",
        "/sitemap-kommuner.xml",
    ]
    for path in public:
        assert not blocked(rules, path), path


def test_robots_needs_no_database(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        robots(resident)
