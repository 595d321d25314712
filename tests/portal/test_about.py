"""/om/: what medborgarlöften are, the yearly cycle, who signs, how to take part, where the data comes from."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.html_language import document_language, swedish_words_outside_swedish

pytestmark = pytest.mark.django_db


def test_about_page_explains_medborgarloften_in_swedish(resident):
    response = resident.get("/om/")

    assert response.status_code == 200
    content = response.content.decode()
    assert document_language(content) == "sv"
    assert "<h1>Om medborgarlöften</h1>" in content
    for heading in (
        "Vad är ett medborgarlöfte?",
        "Året runt: lyssna, lova, göra, följa upp, återkoppla",
        "Vem skriver under?",
        "Så kan du vara med",
        "Var uppgifterna kommer ifrån",
        "Ord som är bra att känna till",
    ):
        assert heading in content
    for step in ("Lyssna.", "Lova.", "Göra.", "Följa upp.", "Återkoppla."):
        assert step in content
    assert "kommunstyrelsens ordförande" in content and "chefen för lokalpolisområdet" in content


def test_about_page_links_to_the_easy_read_version_and_to_ways_of_taking_part(resident):
    content = resident.get(reverse("about")).content.decode()

    assert f'<a href="{reverse("easy_read")}">Läs på lättläst svenska</a>' in content
    assert f'href="{reverse("dialogue_list")}"' in content
    assert f'href="{reverse("unsafe_place_report")}"' in content
    assert f'href="{reverse("home")}#hitta-kommun"' in content  # the field to type the kommun's name


def test_about_page_in_english_explains_the_swedish_terms_once(resident):
    response = resident.get("/en/om/")

    assert response.status_code == 200
    content = response.content.decode()
    assert document_language(content) == "en"
    assert "<h1>About citizen promises</h1>" in content
    assert 'A citizen promise (<span lang="sv">medborgarlöfte</span>) is a written promise' in content
    # The glossary gives each Swedish word beside its English one, marked as Swedish for screen readers.
    assert 'Citizen promise <span lang="sv">(medborgarlöfte)</span>' in content
    assert 'Municipality <span lang="sv">(kommun)</span>' in content
    assert 'Local police area <span lang="sv">(lokalpolisområde)</span>' in content
    assert '<a href="/en/lattlast/">Read an easy-to-read version</a>' in content
    # Nothing of the page's own is left in Swedish outside elements marked lang="sv" (the site's name aside).
    assert swedish_words_outside_swedish(content, allowed=["Medborgarlöften"]) == []


def test_the_header_menu_leads_to_the_about_page_and_marks_it_current(resident):
    home = resident.get(reverse("home")).content.decode()
    about = resident.get(reverse("about")).content.decode()

    assert '<a href="/om/">Så fungerar medborgarlöften</a>' in home
    assert '<a href="/om/" aria-current="page">Så fungerar medborgarlöften</a>' in about


def test_home_keeps_the_cycle_short_and_links_to_the_about_page(resident):
    content = resident.get(reverse("home")).content.decode()

    assert '<a href="/om/">Läs mer om medborgarlöften</a>' in content
    assert '<a href="/lattlast/">Läs på lättläst svenska</a>' in content
    # The long explanations live on /om/ now.
    assert "genom sina egna lägesbilder" not in content


def test_about_page_address_is_the_same_name_in_both_languages():
    with translation.override("en"):
        assert reverse("about") == "/en/om/"
    assert reverse("about") == "/om/"


def test_about_page_needs_no_database_queries(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = resident.get("/en/om/")
    assert response.status_code == 200


def test_about_page_says_what_a_subscription_stores_why_how_long_and_the_way_out(resident, settings):
    settings.SUBSCRIPTION_CONFIRM_DAYS = 7
    content = resident.get(reverse("about")).content.decode()

    section = content.split('id="personuppgifter"')[1].split("</section>")[0]
    assert "Din e-postadress och vilken kommun du vill följa" in section
    assert "radera adressen efter 7 dagar" in section
    assert "Bara för att skicka ett brev" in section
    assert "Varje brev har en länk för att avsluta prenumerationen" in section
    assert 'href="#personuppgifter"' in content
