"""/lattlast/: medborgarlöften in lättläst (easy-to-read) Swedish, and /en/lattlast/ in plain English.

The rules for lättläst are checked where a machine can check them: short sentences, no abbreviations,
headings that say what follows, and a link both ways with the ordinary text.
"""

import re

import pytest
from django.urls import reverse

from tests.html_language import document_language, swedish_words_outside_swedish, text_by_language

pytestmark = pytest.mark.django_db

# Abbreviations that lättläst avoids (and their English counterparts).
ABBREVIATIONS = re.compile(r"\b(t\.ex|bl\.a|m\.m|osv|o\.s\.v|dvs|d\.v\.s|ca|kl|e\.g|i\.e|etc)\b\.?", re.IGNORECASE)


def main_sentences(html):
    """The sentences of the page's main content; a heading or link text counts as a sentence of its own."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    sentences = []
    for _lang, piece in text_by_language("<div" + main):
        text = " ".join(piece.split())
        sentences += [sentence for sentence in re.split(r"(?<=[.!?:])\s+", text) if sentence]
    return sentences


@pytest.mark.parametrize("path", ["/lattlast/", "/en/lattlast/"])
def test_easy_read_page_uses_short_sentences_and_no_abbreviations(resident, path):
    content = resident.get(path).content.decode()

    sentences = main_sentences(content)
    assert len(sentences) > 30
    long_sentences = [sentence for sentence in sentences if len(sentence.split()) > 15]
    assert long_sentences == []
    assert ABBREVIATIONS.findall(" ".join(sentences)) == []


def test_easy_read_page_in_swedish(resident):
    response = resident.get(reverse("easy_read"))

    assert response.status_code == 200
    content = response.content.decode()
    assert document_language(content) == "sv"
    assert "<h1>Medborgarlöften på lättläst svenska</h1>" in content
    for heading in (
        "Vad är ett medborgarlöfte?",
        "Så går det till",
        "Steg 1: Polisen och kommunen lyssnar",
        "Så kan du vara med",
        "Om du behöver hjälp nu",
    ):
        assert heading in content
    # Every difficult word is explained where it first appears.
    assert "Mötet kallas medborgardialog." in content
    assert "En enkät är frågor som du svarar på." in content
    assert "Ring 112 om någon är i fara." in content


def test_easy_read_and_ordinary_pages_link_to_each_other(resident):
    easy_read = resident.get(reverse("easy_read")).content.decode()
    about = resident.get(reverse("about")).content.decode()

    assert '<a href="/om/">Läs den vanliga texten</a>' in easy_read
    assert '<a href="/lattlast/">Läs på lättläst svenska</a>' in about


def test_easy_read_page_in_plain_english(resident):
    response = resident.get("/en/lattlast/")

    assert response.status_code == 200
    content = response.content.decode()
    assert document_language(content) == "en"
    assert "<h1>Citizen promises: easy to read</h1>" in content
    assert "A citizen promise is a promise from the police and the local council." in content
    assert '<a href="/en/om/">Read the full text</a>' in content
    assert swedish_words_outside_swedish(content, allowed=["Medborgarlöften"]) == []


def test_every_page_links_to_the_easy_read_page_from_the_menu(resident):
    for path in ("/", "/om/", "/platser/"):
        content = resident.get(path).content.decode()
        assert '<a href="/lattlast/"' in content and ">Lättläst</a>" in content
    assert '<a href="/en/lattlast/">Easy to read</a>' in resident.get("/en/").content.decode()


def test_easy_read_page_needs_no_database_queries(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = resident.get("/lattlast/")
    assert response.status_code == 200
