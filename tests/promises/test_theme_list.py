"""/teman/: the national themes, each with how many kommuner have a promise in it this year."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_municipality, make_theme
from tests.factories.compare import (
    make_kommuner_with_follow_ups,
    make_themed_period,
    this_year,
)

pytestmark = pytest.mark.django_db


def theme_item(content, name):
    """The list item of one theme, from its heading up to the next theme's."""
    start = content.index(f">{name}</a></h2>")
    end = content.find("</li>", start)
    return content[start:end]


def test_theme_list_shows_each_theme_with_its_description_and_a_link(resident):
    theme = make_theme(name="Trafik", slug="trafik", description="Arbetet för en säker och trygg trafikmiljö.")

    response = resident.get(reverse("theme_list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<a href="/teman/trafik/">Trafik</a>' in content
    assert "Arbetet för en säker och trygg trafikmiljö." in content
    assert theme.slug in content


def test_theme_list_counts_kommuner_with_a_published_promise_in_force_this_year(resident):
    trafik = make_theme(name="Trafik", slug="trafik")
    droger = make_theme(name="Droger", slug="droger")
    year = this_year()
    in_force = make_municipality(name="Vindeln")
    make_themed_period(theme=trafik, municipality=in_force, start_year=year - 1, end_year=year + 1)
    # A second focus area in the same theme, same kommun: the kommun counts once.
    make_themed_period(theme=trafik, municipality=in_force, start_year=year + 2, end_year=year + 3)
    ended = make_municipality(name="Umeå")
    make_themed_period(theme=trafik, municipality=ended, start_year=year - 3, end_year=year - 1)
    draft = make_municipality(name="Bjurholm")
    make_themed_period(theme=trafik, municipality=draft, start_year=year, end_year=year, published=False)
    make_themed_period(theme=droger, municipality=draft, start_year=year - 1, end_year=year, published=False)

    content = resident.get(reverse("theme_list")).content.decode()

    trafik_item = theme_item(content, "Trafik")
    assert f"1 kommun har ett löfte inom temat som gäller {year}." in trafik_item
    assert "I alla publicerade löften, även avslutade: 2 kommuner." in trafik_item
    droger_item = theme_item(content, "Droger")
    assert f"0 kommuner har ett löfte inom temat som gäller {year}." in droger_item
    assert "I alla publicerade löften, även avslutade: 0 kommuner." in droger_item
    assert f"1 kommun har ett publicerat medborgarlöfte som gäller {year}." in content


def test_draft_promises_are_never_counted(resident):
    theme = make_theme(name="Trafik", slug="trafik")
    make_themed_period(theme=theme, published=False)

    content = resident.get(reverse("theme_list")).content.decode()

    assert f"0 kommuner har ett löfte inom temat som gäller {this_year()}." in content
    assert "även avslutade: 0 kommuner." in content
    assert f"0 kommuner har ett publicerat medborgarlöfte som gäller {this_year()}." in content


def test_themes_are_in_swedish_alphabetical_order(resident):
    for name, slug in (("Övrigt", "ovrigt"), ("Ärenden", "arenden"), ("Åtgärder", "atgarder"), ("Trafik", "trafik")):
        make_theme(name=name, slug=slug)

    content = resident.get(reverse("theme_list")).content.decode()

    names = re.findall(r'<h2 class="h4 theme-name"><a href="/teman/[a-z-]+/">([^<]+)</a></h2>', content)
    assert names == ["Trafik", "Åtgärder", "Ärenden", "Övrigt"]


def test_theme_list_links_to_the_national_overview(resident):
    content = resident.get(reverse("theme_list")).content.decode()
    assert f'href="{reverse("national_overview")}"' in content


def test_english_theme_list_is_in_english_with_english_names_where_written(resident):
    make_theme(name="Trafik", slug="trafik", name_en="Traffic", description_en="Safe roads for everyone.")
    make_theme(name="Droger", slug="droger", description="Bara på svenska.")

    response = resident.get("/en/teman/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert ">Traffic</a>" in content
    assert "Safe roads for everyone." in content
    # No English version: the Swedish text, marked as Swedish for screen readers.
    assert 'lang="sv">Droger</a>' in content
    assert '<p lang="sv">Bara på svenska.</p>' in content


@pytest.mark.parametrize("kommuner", [3, 12])
def test_theme_list_query_count_does_not_grow_with_kommuner(resident, django_assert_num_queries, kommuner):
    theme = make_theme(name="Trafik", slug="trafik")
    make_theme(name="Droger", slug="droger")
    make_kommuner_with_follow_ups(kommuner, theme=theme)
    url = reverse("theme_list")
    # The themes with both counts (one aggregate query) and the number of kommuner with a promise in force.
    with django_assert_num_queries(2):
        response = resident.get(url)
    assert response.status_code == 200
    assert f"{kommuner} kommuner har ett löfte inom temat" in response.content.decode()


def test_home_page_links_to_the_themes_and_the_national_overview(resident):
    content = resident.get(reverse("home")).content.decode()

    assert "Jämför kommuner: teman och översikt" in content
    assert f'href="{reverse("theme_list")}"' in content
    assert f'href="{reverse("national_overview")}"' in content
