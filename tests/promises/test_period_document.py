"""/<kommun>/<start>-<end>/dokument/ and dokument.pdf: the promise as a document to print and sign."""

import datetime
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from promises import documents
from promises.models import Party, PromisePeriod
from tests.factories import (
    make_activity,
    make_focus_area,
    make_full_period,
    make_party,
    make_period,
    make_signatory,
)
from tests.pdf import Pdf, assert_pdf_ua_1

pytestmark = pytest.mark.django_db


def document_urls(period):
    args = [period.municipality.slug, period.start_year, period.end_year]
    return reverse("period_document", args=args), reverse("period_document_pdf", args=args)


@pytest.fixture
def vindeln_period():
    period = make_period(
        start_year=2023,
        end_year=2025,
        title="Medborgarlöften 2023–2025",
        signed_place="Umeå",
        signed_on=datetime.date(2023, 3, 3),
        preamble="För att nå framgång i det trygghetsskapande arbetet är samverkan en framgångsfaktor.",
    )
    kommun = make_party(period, name="Vindelns kommun", kind=Party.Kind.MUNICIPALITY, order=1)
    police = make_party(period, name="Lokalpolisområde Umeå", short_name="Polisen", kind=Party.Kind.POLICE, order=2)
    make_party(period, name="Umeå universitet", kind=Party.Kind.OTHER, role=Party.Role.PARTNER, order=3)
    make_signatory(period, name="Mathias Haglund", title="Kommunstyrelsens ordförande", party=kommun, order=1)
    make_signatory(period, name="Michael Rystedt", title="Lokalpolisområdeschef Umeå", party=police, order=2)
    for title in ("Droger", "Trafik", "Otrygga platser"):
        focus_area = make_focus_area(period, title=title)
        for n in range(4):
            make_activity(
                focus_area, responsible=[kommun, police], text=f"Polisen och kommunen lovar {title.lower()} nr {n}."
            )
    return period


def test_pdf_names_parties_signatories_place_date_every_activity_and_page_numbers(resident, vindeln_period):
    response = resident.get(document_urls(vindeln_period)[1])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="medborgarlofte-' in response["Content-Disposition"]
    pdf = Pdf(response)
    text, pages = pdf.text, pdf.pages
    assert "Medborgarlöften 2023–2025" in text
    assert "Vindelns kommun och Lokalpolisområde Umeå" in text
    assert "Mathias Haglund" in text and "Kommunstyrelsens ordförande" in text
    assert "Michael Rystedt" in text and "Lokalpolisområdeschef Umeå" in text
    assert "Umeå den 3 mars 2023" in text
    assert "Umeå universitet" in text
    for activity_text in vindeln_period.focus_areas.values_list("activities__text", flat=True):
        assert activity_text in text
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page
    assert f"testserver/{vindeln_period.municipality.slug}/2023-2025" in text  # short link to the live page


def test_pdf_is_tagged_embeds_its_fonts_and_carries_a_title(resident, vindeln_period):
    reader = Pdf(resident.get(document_urls(vindeln_period)[1])).reader
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "sv"
    assert reader.metadata.title.startswith("Medborgarlöften 2023–2025")
    fonts = {font.get_object()["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Source-Sans-3" in name for name in fonts)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded


def test_pdf_is_pdf_ua_1_with_a_text_alternative_for_the_qr_code(resident, vindeln_period):
    pdf = Pdf(resident.get(document_urls(vindeln_period)[1]))
    assert_pdf_ua_1(
        pdf,
        title_start="Medborgarlöften 2023–2025",
        qr_link=f"testserver/{vindeln_period.municipality.slug}/2023-2025",
    )


def test_unsigned_document_has_lines_to_sign_on(resident):
    period = make_period(signed_on=None, signed_place="")
    make_party(period, name="Robertsfors kommun", kind=Party.Kind.MUNICIPALITY)
    html = resident.get(document_urls(period)[0]).content.decode()
    assert "Ort och datum:" in html
    assert 'class="sign-line"' in html
    assert "För Robertsfors kommun" in html


def test_signed_document_shows_names_without_lines(resident, vindeln_period):
    html = resident.get(document_urls(vindeln_period)[0]).content.decode()
    assert "Umeå den 3 mars 2023" in html
    assert 'class="sign-line"' not in html


def test_user_text_is_escaped_in_the_pdf(resident):
    period = make_period(preamble="<b>fet</b> & <script>alert(1)</script>")
    make_activity(make_focus_area(period, title="A & B <i>"), text="Lovar <img src=x> & mer.")
    text = Pdf(resident.get(document_urls(period)[1])).text
    assert "<b>fet</b> & <script>alert(1)</script>" in text
    assert "Lovar <img src=x> & mer." in text


def test_pdf_is_made_once_per_version_of_the_content(resident, vindeln_period):
    url = document_urls(vindeln_period)[1]
    with mock.patch.object(documents, "render_pdf", wraps=documents.render_pdf) as render:
        first = Pdf(resident.get(url)).data
        second = Pdf(resident.get(url)).data
        assert render.call_count == 1
        assert first == second

        vindeln_period.preamble = "En ändrad inledning."
        vindeln_period.save()
        changed = Pdf(resident.get(url)).text
        assert render.call_count == 2
        assert "En ändrad inledning." in changed
    # Only the current version is kept.
    assert len(default_storage.listdir("dokument/medborgarlofte")[1]) == 1


@pytest.mark.parametrize("suffix", ["dokument/", "dokument.pdf"])
def test_draft_document_is_404(resident, suffix):
    period = make_period(published=False)
    assert resident.get(f"{period.get_absolute_url()}{suffix}").status_code == 404


def test_document_page_links_the_pdf_and_the_period_page_links_both(resident, vindeln_period):
    page_url, pdf_url = document_urls(vindeln_period)
    assert pdf_url in resident.get(page_url).content.decode()
    period_page = resident.get(vindeln_period.get_absolute_url()).content.decode()
    assert page_url in period_page and pdf_url in period_page


@pytest.mark.parametrize("focus_areas", [1, 5])
def test_document_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, focus_areas):
    period = make_full_period(focus_areas=focus_areas, activities=5)
    with django_assert_num_queries(8):
        assert resident.get(document_urls(period)[0]).status_code == 200


def test_activities_added_after_signing_are_not_in_the_signed_document(resident, vindeln_period):
    focus_area = vindeln_period.focus_areas.first()
    make_activity(
        focus_area,
        text="Polisen och kommunen går en trygghetsvandring i centrala Vindeln.",
        added_after_signing=True,
        added_on=datetime.date(2023, 9, 1),
    )
    page_url, pdf_url = document_urls(vindeln_period)
    assert "trygghetsvandring" not in resident.get(page_url).content.decode()
    assert "trygghetsvandring" not in Pdf(resident.get(pdf_url)).text
    assert "trygghetsvandring" not in documents.period_document_text(vindeln_period)  # compared with the signed text
    assert "Polisen och kommunen lovar droger nr 0." in Pdf(resident.get(pdf_url)).text


CLOSING_SENTENCE = "Löftena och den årliga uppföljningen finns också på"


def signature_page(pdf):
    """The page where the signature block starts, by its heading (pypdf reads a page's text in reading order)."""
    pages = [number for number, page in enumerate(pdf.pages) if "Underskrifter" in page]
    assert len(pages) == 1, "the signature block is split over pages or missing"
    return pages[0]


def test_signatures_are_never_alone_on_a_page_in_any_seeded_document(resident, content):
    # Umeå 2023–2024 left "Underskrifter" alone on page 3 before the closing text was kept with it.
    periods = list(PromisePeriod.objects.published().select_related("municipality"))
    assert len(periods) >= 4
    for period in periods:
        pdf = Pdf(resident.get(document_urls(period)[1]))
        number = signature_page(pdf)
        page = pdf.pages[number]
        assert CLOSING_SENTENCE in page, f"{period}: the signatures are on page {number + 1} without the text before"
        assert page.index(CLOSING_SENTENCE) < page.index("Underskrifter")
        signatory_names = [signatory.name for signatory in period.signatories.all()]
        assert all(name in page for name in signatory_names), f"{period}: the signatures are split"


def test_document_page_prints_with_the_running_header_and_footer_of_the_pdf(resident, vindeln_period):
    page_url, _pdf = document_urls(vindeln_period)
    css_url = reverse("period_document_print_css", args=[vindeln_period.municipality.slug, 2023, 2025])
    assert f'<link rel="stylesheet" href="{css_url}" media="print">' in resident.get(page_url).content.decode()
    response = resident.get(css_url)
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert '@top-left { content: "Medborgarlöften 2023–2025"; }' in css
    assert '@top-right { content: "Medborgarlöfte"; }' in css
    assert f'@bottom-left {{ content: "testserver/{vindeln_period.municipality.slug}/2023-2025"; }}' in css
    assert "@page :first { @top-left { content: none; } }" in css


def test_running_header_text_cannot_break_out_of_its_css_string(resident):
    period = make_period(title='Löften "2023" \\ </style><script>alert(1)</script>\nny rad')
    css = resident.get(
        reverse("period_document_print_css", args=[period.municipality.slug, period.start_year, period.end_year])
    ).content.decode()
    title = css.split("@top-left { content: ", 1)[1].split("; }", 1)[0]
    assert title == '"Löften \\22 2023\\22  \\5c  \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e \\a ny rad"'


def test_draft_document_has_no_print_stylesheet(resident):
    period = make_period(published=False)
    args = [period.municipality.slug, period.start_year, period.end_year]
    assert resident.get(reverse("period_document_print_css", args=args)).status_code == 404
