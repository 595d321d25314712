"""/tillganglighet/: the accessibility statement that lag (2018:1937) requires, following Digg's model, linked from
every page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal import accessibility
from tests.factories import make_municipality

pytestmark = pytest.mark.django_db

URL = "/tillganglighet/"


def content_of(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text_of(html):
    """The page's text as a reader meets it: tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_url():
    assert reverse("accessibility_statement") == URL


def test_statement_says_which_website_it_is_for(resident):
    text = text_of(content_of(resident))

    assert "Tillgänglighetsredogörelse" in text
    assert "Den här redogörelsen gäller webbplatsen Medborgarlöften (testserver)" in text


def test_statement_gives_the_compliance_status_and_the_standard(resident):
    text = text_of(content_of(resident))

    assert (
        "Webbplatsen är delvis förenlig med lagen (2018:1937) om tillgänglighet till digital offentlig service." in text
    )
    assert "WCAG 2.1 på nivå AA" in text
    assert "EN 301 549" in text


def test_statement_names_the_known_gaps(resident):
    text = text_of(content_of(resident))

    # The scanned, signed originals: images without text.
    assert "Skannade, undertecknade original." in text
    assert "ingen text som en skärmläsare kan läsa upp" in text
    # Generated PDFs: tagged, but PDF/UA is not claimed.
    assert "PDF-filer som webbplatsen skapar." in text
    assert "Vi har inte kontrollerat dem mot standarden PDF/UA" in text
    # The map: third-party tiles, keyboard markers and a list alternative.
    assert "OpenStreetMap" in text
    assert "alla platser finns också i en lista under kartan" in text
    # English covers the interface, not all content; lättläst only in part.
    assert "Knappar, menyer och förklaringar finns på engelska" in text
    assert "Lättlästa sammanfattningar finns bara för en del av löftena" in text
    assert "är inte en del av de undertecknade dokumenten" in text
    # The coordinators' admin has not been assessed.
    assert "Administrationen för samordnare." in text


def test_statement_links_to_diggs_reporting_service(resident):
    content = content_of(resident)

    assert '<a href="https://www.digg.se/tdosanmalan">Anmäl bristande tillgänglighet till Digg</a>' in content
    assert "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn" in text_of(content)


def test_statement_says_how_and_when_the_site_was_assessed(resident):
    text = text_of(content_of(resident))

    assert "självskattning" in text
    assert "axe-core" in text and "Chromium" in text
    assert "i datorns och i mobilens bredd" in text
    assert "Tester med bara tangentbordet" in text
    assert "Webbplatsen har ännu inte testats av personer som använder skärmläsare" in text
    with translation.override("sv"):
        assessed = f"Senaste granskningen {accessibility.ASSESSED_ON.day} "
        reviewed = f"Redogörelsen uppdaterades senast {accessibility.REVIEWED_ON.day} "
    assert assessed in text
    assert reviewed in text


def test_dates_are_machine_readable(resident):
    content = content_of(resident)

    assert f'<time datetime="{accessibility.ASSESSED_ON.isoformat()}">' in content
    assert f'<time datetime="{accessibility.REVIEWED_ON.isoformat()}">' in content


def test_no_date_of_the_statement_is_in_the_future():
    today = timezone.localdate()

    assert today >= accessibility.ASSESSED_ON
    assert today >= accessibility.REVIEWED_ON
    assert accessibility.ASSESSED_ON <= accessibility.REVIEWED_ON, "the statement is reviewed after the assessment"
    if accessibility.PUBLISHED_ON is not None:
        assert today >= accessibility.PUBLISHED_ON


def test_publication_date_is_shown_once_set(resident, monkeypatch):
    assert "Webbplatsen är ännu inte publicerad för allmänheten." in text_of(content_of(resident))

    monkeypatch.setattr(accessibility, "PUBLISHED_ON", datetime.date(2026, 3, 2))

    text = text_of(content_of(resident))
    assert "Webbplatsen publicerades 2 mars 2026" in text
    assert "ännu inte publicerad" not in text


def test_statement_leads_to_the_feedback_form_and_says_how_long_feedback_is_kept(resident):
    content = content_of(resident)

    assert f'href="{reverse("accessibility_feedback")}"' in content
    assert "Rapportera ett tillgänglighetsproblem" in content
    assert f"vi raderar det efter {accessibility.FEEDBACK_RETENTION_DAYS} dagar" in text_of(content)


def test_english_statement(resident):
    content = content_of(resident, "/en" + URL)

    assert '<html lang="en">' in content
    assert 'href="https://www.digg.se/tdosanmalan"' in content
    assert 'href="/en/tillganglighet/synpunkt/"' in content


def test_statement_needs_no_database(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        content_of(resident)


FOOTER_LINK = '<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>'


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/vindeln/",
        "/finns-inte/",  # the 404 page
        "/flode/",
        "/dialoger/",
        "/vindeln/synpunkt/",
        "/tillganglighet/synpunkt/tack/",
    ],
)
def test_every_page_links_to_the_statement_and_the_feedback_form_in_its_footer(resident, path):
    make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")

    response = resident.get(path)

    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert FOOTER_LINK in footer
    for link in ["/om/", "/lattlast/", "/oppna-data/", "/flode/"]:
        assert f'href="{link}"' in footer, link
    # The form is linked with the page's own address, so that it is filled in already.
    assert f'href="/tillganglighet/synpunkt/?sida={path}"' in footer


def test_english_pages_link_to_the_english_statement(resident):
    make_municipality(slug="vindeln")

    for path in ["/en/", "/en/vindeln/", "/en/finns-inte/"]:
        footer = resident.get(path).content.decode().split('<footer class="site-footer">')[1]
        assert 'href="/en/tillganglighet/"' in footer, path
        assert f'href="/en/tillganglighet/synpunkt/?sida={path}"' in footer, path


def test_footer_link_carries_the_address_safely(resident):
    footer = resident.get('/finns-inte/"><script>x</script>?a=1&b=2').content.decode().split("<footer")[1]

    assert "<script>x" not in footer
    # The address as the browser sent it (percent-encoded), encoded once more as the value of ?sida=.
    assert (
        'href="/tillganglighet/synpunkt/?sida=/finns-inte/%2522%253E%253Cscript%253Ex%253C/script%253E%3Fa%3D1%26b%3D2"'
        in footer
    )
