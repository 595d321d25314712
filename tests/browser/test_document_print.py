"""The browser's own print of a document page has the PDF's running header and footer: the title (from the second
page on), the kind of document, the short link and "Sida x av y" (Chromium 131+ draws @page margin boxes)."""

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import chromium_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(browser_type, browser_type_launch_args):
    """The full Chromium, not the headless shell the other browser tests launch: this is about what a visitor's
    browser prints, and the shell places the margin boxes' glyphs so that their text reads back split
    ("uppf öljning")."""
    browser = browser_type.launch(**{**browser_type_launch_args, "executable_path": chromium_path()})
    yield browser
    browser.close()


DOCUMENT_PAGES = [
    # Umeå 2023–2024: the promise whose signatures once stood alone on the last page.
    ("/umea/2023-2024/dokument/", "/umea/2023-2024/dokument.pdf", "Medborgarlöften 2023–2024", "Medborgarlöfte"),
    (
        "/vindeln/2023-2025/uppfoljning/2023/rapport/",
        "/vindeln/2023-2025/uppfoljning/2023/rapport.pdf",
        "Uppföljning 2023 av medborgarlöftena 2023–2025",
        "Årlig uppföljning av medborgarlöfte",
    ),
]


def page_texts(data):
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize(("path", "pdf_path", "title", "kind"), DOCUMENT_PAGES, ids=["promise", "follow-up"])
def test_printed_page_has_the_running_header_and_footer_of_the_pdf(open_page, site, path, pdf_path, title, kind):
    visit = open_page(path)
    assert visit.response.status == 200 and not visit.failed, visit.failed
    visit.page.emulate_media(media="print")
    printed = page_texts(visit.page.pdf(format="A4"))
    pdf = page_texts(visit.page.request.get(site + pdf_path).body())
    short_link = (site + path.removesuffix("/").removesuffix("/dokument").removesuffix("/rapport")).split("://")[1]

    assert len(printed) >= 2 and len(pdf) >= 2
    for texts in (printed, pdf):
        for number, text in enumerate(texts, start=1):
            assert f"Sida {number} av {len(texts)}" in text
            assert kind in text and short_link in text
            if number > 1:
                assert title in text, f"page {number} has no running title"
    # The title is the document's own heading on page 1: no running title above it (in both).
    assert printed[0].count(title) == pdf[0].count(title) == 1
