"""/<kommun>/inbaddning/: the status box a kommun shows on its own website in an <iframe>, and its snippet."""

import os
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from portal.page_cache import STATUS_HEADER
from promises.models import ReportStatus
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def embed_url(municipality):
    return reverse("municipality_embed", kwargs={"municipality_slug": municipality.slug})


def directives(header):
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def vindeln():
    municipality = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
    period = make_period(municipality=municipality, start_year=2023, end_year=2025)
    area = make_focus_area(period, title="Trafik")
    activity = make_activity(area)
    follow_up = make_follow_up(period, year=2024, is_example=True)
    make_area_report(follow_up, area, status=ReportStatus.CONTINUOUS)
    make_report(follow_up, activity, status=ReportStatus.DELAYED, reason="Personalbrist.")
    return period


def test_any_site_may_frame_the_box(resident, vindeln):
    response = resident.get(embed_url(vindeln.municipality))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["*"]
    # The rest of the policy is the site's own.
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_every_other_page_still_refuses_to_be_framed(resident, vindeln):
    follow_up = vindeln.follow_ups.get()
    for url in (
        vindeln.municipality.get_absolute_url(),
        vindeln.get_absolute_url(),
        follow_up.get_absolute_url(),
        reverse("home"),
        "/en" + vindeln.municipality.get_absolute_url(),
    ):
        response = resident.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"], url


def test_the_box_from_the_page_cache_may_still_be_framed(resident, settings, vindeln):
    settings.PAGE_CACHE_SECONDS = 300
    first = resident.get(embed_url(vindeln.municipality))
    second = resident.get(embed_url(vindeln.municipality))

    assert (first[STATUS_HEADER], second[STATUS_HEADER]) == ("miss", "hit")
    assert directives(second["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in second


def test_sites_allowed_to_frame_the_box_are_a_setting():
    env = {**os.environ, "EMBED_FRAME_ANCESTORS": "https://www.vindeln.se, https://vindeln.se"}
    code = "import portal.settings as s; print(' '.join(s.EMBED_FRAME_ANCESTORS))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://www.vindeln.se", "https://vindeln.se"]


def test_box_shows_the_latest_periods_status_and_links_out_of_the_frame(resident, vindeln):
    content = resident.get(embed_url(vindeln.municipality)).content.decode()

    assert '<html lang="sv">' in content
    assert "<title>Medborgarlöften i Vindelns kommun: status – Medborgarlöften</title>" in content
    assert '<meta name="robots" content="noindex">' in content
    assert "<main" in content and "<h1>Medborgarlöften i Vindelns kommun</h1>" in content
    assert "Senaste medborgarlöftet: 2023–2025" in content
    assert "Löftena gällde 2023–2025. Perioden avslutades 2025." in content
    assert "<h2>Fokusområdenas status 2024</h2>" in content
    assert '<span class="status status-continuous">Löpande</span> <span class="count">1</span>' in content
    assert "<h2>Aktiviteternas status 2024</h2>" in content
    assert '<span class="status status-delayed">Försenad</span>' in content
    assert "Uppföljning saknas för 2023, 2025." in content
    assert 'class="badge-example">Exempel<' in content
    assert "Exempel: påhittad uppföljning för demonstration." in content
    assert f'<a href="{vindeln.get_absolute_url()}" target="_top">' in content
    assert '<a href="/vindeln/" target="_top">' in content
    # Nothing the box needs comes from anywhere but its own stylesheet: no script, no inline style.
    assert "<script" not in content and "style=" not in content
    assert "/static/css/embed.css" in content


def test_english_box(resident, vindeln):
    content = resident.get("/en" + embed_url(vindeln.municipality)).content.decode()

    assert '<html lang="en">' in content
    assert "<h1>Citizen promises in Vindelns kommun</h1>" in content
    assert "Status of the focus areas in 2024" in content
    assert "Example: invented follow-up for demonstration." in content
    assert 'href="/en/vindeln/2023-2025/" target="_top"' in content


def test_drafts_are_never_in_the_box(resident):
    municipality = make_municipality(official_name="Bjurholms kommun")
    draft = make_period(municipality=municipality, published=False, start_year=2024, end_year=2026)
    area = make_focus_area(draft, title="Hemligt utkastområde")
    make_area_report(make_follow_up(draft, year=2024), area, status=ReportStatus.DONE)

    content = resident.get(embed_url(municipality)).content.decode()

    assert "Inget medborgarlöfte publicerat ännu." in content
    assert "Hemligt utkastområde" not in content
    assert "Genomförd" not in content
    assert draft.get_absolute_url() not in content


def test_draft_follow_up_is_not_counted(resident):
    period = make_period(start_year=2023, end_year=2025)
    area = make_focus_area(period)
    make_area_report(make_follow_up(period, year=2023), area, status=ReportStatus.IN_PROGRESS)
    make_area_report(make_follow_up(period, year=2024, published=False), area, status=ReportStatus.STOPPED, reason="x")

    content = resident.get(embed_url(period.municipality)).content.decode()

    assert "Fokusområdenas status 2023" in content
    assert "Avbruten" not in content and "2024</h2>" not in content


def test_period_without_follow_ups_says_so(resident):
    period = make_period(start_year=2023, end_year=2025)
    make_focus_area(period)

    content = resident.get(embed_url(period.municipality)).content.decode()

    assert "<h2>Ingen uppföljning publicerad ännu.</h2>" in content
    assert "1 fokusområde" in content


def test_unknown_kommun_is_404(resident):
    assert resident.get("/finns-inte/inbaddning/").status_code == 404


def test_names_are_escaped(resident):
    municipality = make_municipality(official_name="<img src=x onerror=alert(1)>", slug="x-kommun")
    period = make_period(municipality=municipality)
    make_focus_area(period, title="<b>fet</b>")

    content = resident.get(embed_url(municipality)).content.decode()

    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


@pytest.mark.parametrize("size", [(1, 1, (2023,)), (5, 6, (2023, 2024))])
def test_box_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities, years = size
    period = make_full_period(focus_areas=focus_areas, activities=activities, follow_up_years=years)
    make_full_period(municipality=period.municipality, start_year=2019, end_year=2020, follow_up_years=(2019,))

    # The kommun, its latest published period with its summary (1 + 4 prefetches), the focus areas' reports.
    with django_assert_num_queries(7):
        response = resident.get(embed_url(period.municipality))
    assert response.status_code == 200


def test_kommun_page_offers_the_snippet_to_copy(resident, vindeln):
    content = resident.get(vindeln.municipality.get_absolute_url()).content.decode()

    assert "Visa statusen på kommunens webbplats" in content
    start = content.index('<textarea id="embed-code"')
    snippet = unescape(content[content.index(">", start) + 1 : content.index("</textarea>", start)])
    assert snippet == (
        '<iframe src="http://testserver/vindeln/inbaddning/" title="Medborgarlöften i Vindelns kommun: status" '
        'width="480" height="520" loading="lazy" style="width:100%;max-width:40rem;border:0"></iframe>'
    )


def test_english_kommun_page_offers_the_english_box(resident, vindeln):
    content = resident.get("/en" + vindeln.municipality.get_absolute_url()).content.decode()

    assert "Show the status on the municipality’s website" in content
    assert "http://testserver/en/vindeln/inbaddning/" in content


def test_snippet_escapes_the_kommun_name_twice(resident):
    """Once for the iframe's title attribute and once more as text in the page's textarea."""
    municipality = make_municipality(official_name='Kommun "</textarea><script>', slug="citat")
    make_period(municipality=municipality)

    content = resident.get(municipality.get_absolute_url()).content.decode()

    start = content.index('<textarea id="embed-code"')
    raw = content[content.index(">", start) + 1 : content.index("</textarea>", start)]
    assert "<" not in raw  # nothing in it can close the textarea or open a tag
    assert 'title="Medborgarlöften i Kommun &quot;&lt;/textarea&gt;&lt;script&gt;: status"' in unescape(raw)


def test_kommun_without_a_promise_offers_no_snippet(resident):
    municipality = make_municipality()
    content = resident.get(municipality.get_absolute_url()).content.decode()
    assert "embed-code" not in content
