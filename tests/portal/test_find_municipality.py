"""/sok/kommun/: the find-your-kommun field's answer, which works without JavaScript.

A name that names one kommun goes straight to it, whatever the case, accents or "kommun" typed; a name that
several kommuner fit lists them; a name no kommun has says so (404) and offers names spelt alike; empty or
overlong input is a 400 with a message, never a 500.
"""

import pytest
from django.urls import reverse

from portal.municipality_finder import MAX_MATCHES, municipality_find
from tests.factories import make_municipality, make_police_area

pytestmark = pytest.mark.django_db

URL = "/sok/kommun/"


@pytest.fixture
def kommuner(db):
    area = make_police_area(name="Lokalpolisområde Umeå")
    return {
        slug: make_municipality(name=name, official_name=official, slug=slug, code=code, police_area=area)
        for name, official, slug, code in [
            ("Vindeln", "Vindelns kommun", "vindeln", "2404"),
            ("Umeå", "Umeå kommun", "umea", "2480"),
            ("Vännäs", "Vännäs kommun", "vannas", "2460"),
            ("Nordmaling", "Nordmalings kommun", "nordmaling", "2401"),
            ("Norsjö", "Norsjö kommun", "norsjo", "2417"),
            ("Gotland", "Region Gotland", "gotland", "0980"),
        ]
    }


def test_the_url_is_named_after_the_view():
    assert reverse("find_municipality") == URL


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Vindeln", "vindeln"),
        ("vindeln", "vindeln"),
        ("  VINDELN ", "vindeln"),
        ("Vindelns kommun", "vindeln"),
        ("vindelns", "vindeln"),
        ("2404", "vindeln"),
        ("Umeå", "umea"),
        ("umea", "umea"),
        ("Umea kommun", "umea"),
        ("vannas", "vannas"),
        ("VÄNNÄS KOMMUN", "vannas"),
        ("Region Gotland", "gotland"),
        ("gotland", "gotland"),
    ],
)
def test_a_name_that_names_one_kommun_goes_straight_to_it(resident, kommuner, typed, slug):
    response = resident.get(URL, {"namn": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/{slug}/"


def test_the_start_of_only_one_kommuns_name_goes_to_it(resident, kommuner):
    response = resident.get(URL, {"namn": "vinde"})
    assert response["Location"] == "/vindeln/"


def test_in_english_it_goes_to_the_english_kommun_page(resident, kommuner):
    response = resident.get("/en" + URL, {"namn": "Vindeln"})
    assert response.status_code == 302
    assert response["Location"] == "/en/vindeln/"


def test_a_name_several_kommuner_fit_lists_them(resident, kommuner):
    response = resident.get(URL, {"namn": "nor"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 kommuner passar ”nor”" in content
    assert 'href="/nordmaling/"' in content and 'href="/norsjo/"' in content
    assert 'href="/vindeln/"' not in content
    assert '<meta name="robots" content="noindex, follow">' in content


def test_a_name_no_kommun_has_is_not_found_and_offers_names_spelt_alike(resident, kommuner):
    response = resident.get(URL, {"namn": "Vindl"})
    content = response.content.decode()
    assert response.status_code == 404
    assert "Ingen kommun heter ”Vindl”." in content
    assert "Menade du" in content and 'href="/vindeln/"' in content
    # The field keeps what was typed, for correcting it.
    assert 'name="namn" value="Vindl"' in content


def test_a_name_like_no_kommun_says_so_without_suggestions(resident, kommuner):
    response = resident.get(URL, {"namn": "Xyzzy"})
    content = response.content.decode()
    assert response.status_code == 404
    assert "Ingen kommun heter ”Xyzzy”." in content
    assert "Menade du" not in content


@pytest.mark.parametrize("typed", ["", "   ", "\t\x00"])
def test_an_empty_name_asks_for_one(resident, kommuner, typed):
    response = resident.get(URL, {"namn": typed})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Skriv namnet på en kommun." in content
    assert 'aria-invalid="true"' in content


def test_no_name_at_all_asks_for_one(resident, kommuner):
    assert resident.get(URL).status_code == 400


def test_an_overlong_name_is_refused_with_a_message(resident, kommuner):
    response = resident.get(URL, {"namn": "Vindeln" * 50})
    assert response.status_code == 400
    assert "Namnet är för långt" in response.content.decode()


def test_control_characters_are_dropped_from_the_name(resident, kommuner):
    response = resident.get(URL, {"namn": "Vin\x00deln\x1b"})
    assert response["Location"] == "/vindeln/"


def test_what_was_typed_is_escaped(resident, kommuner):
    response = resident.get(URL, {"namn": '<script>alert("x")</script>'})
    content = response.content.decode()
    assert response.status_code == 404
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_a_post_is_not_allowed(resident, kommuner):
    assert resident.post(URL, {"namn": "Vindeln"}).status_code == 405


def test_the_page_offers_every_kommun_as_a_suggestion(resident, kommuner):
    content = resident.get(URL, {"namn": "nor"}).content.decode()
    assert 'list="find-municipality-names"' in content
    for municipality in kommuner.values():
        assert f'<option value="{municipality.name}">' in content


def test_many_matches_are_cut_and_say_how_many_there_were(resident):
    area = make_police_area()
    for n in range(MAX_MATCHES + 5):
        make_municipality(name=f"Bergby {n:02d}", slug=f"bergby-{n:02d}", police_area=area)
    response = resident.get(URL, {"namn": "berg"})
    content = response.content.decode()
    assert response.status_code == 200
    assert f"{MAX_MATCHES + 5} kommuner passar ”berg”. Här är de {MAX_MATCHES} första" in content
    assert content.count('href="/bergby-') == MAX_MATCHES


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_kommuner(resident, django_assert_num_queries, count):
    area = make_police_area()
    for n in range(count):
        make_municipality(name=f"Sjöby {n:02d}", slug=f"sjoby-{n:02d}", police_area=area)
    # Every kommun's names, once.
    with django_assert_num_queries(1):
        assert resident.get(URL, {"namn": "sjö"}).status_code == 200


def test_one_letter_matches_only_the_start_of_a_name(kommuner):
    found = municipality_find(query="n", municipalities=list(kommuner.values()))
    # Vindeln, Vännäs and Region Gotland have an n inside; across the country that would be most kommuner.
    assert {municipality.slug for municipality in found.matches} == {"nordmaling", "norsjo"}
