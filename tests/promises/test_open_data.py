"""/oppna-data/: what is offered, every field documented, the licence, and a download list per kommun."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from promises.open_data import fields
from tests.factories import make_full_period, make_municipality, make_period

pytestmark = pytest.mark.django_db


def page(client, prefix="", **params):
    response = client.get(prefix + reverse("open_data"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_page_documents_every_field_with_its_type_and_description(resident, vasterbotten):
    html = unescape(page(resident))

    for field in fields.FIELDS:
        assert f'<code class="text-break text-body">{field.name}</code>' in html, field.name
        assert fields.field_description(field) in html, field.name
        assert capfirst(str(field.type)) in html


def test_status_codes_and_labels_are_listed_in_the_status_field(resident, vasterbotten):
    html = unescape(page(resident))
    assert "not_started, in_progress, continuous, done, partly_done, delayed, renegotiated, stopped" in html
    assert "Ej påbörjad, Pågår, Löpande, Genomförd" in html


def test_page_states_the_cc0_licence_and_links_to_it(resident, vasterbotten):
    html = page(resident)
    assert "CC0 1.0" in html
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/deed.sv"' in html


def test_page_says_how_often_data_changes_and_whom_to_contact(resident, vasterbotten):
    html = page(resident)
    assert 'id="uppdatering"' in html and "minst en gång" in html
    assert 'id="kontakt"' in html and "Lämna en synpunkt" in html


def test_page_links_the_dcat_catalogue(resident, vasterbotten):
    html = page(resident)
    assert f'href="{reverse("open_data_catalogue")}"' in html
    assert 'type="application/rdf+xml"' in html


def test_csv_header_shown_on_the_page_is_the_files_header(resident, vasterbotten):
    assert ";".join(fields.FIELD_NAMES) in page(resident)


def test_downloads_are_listed_for_kommuner_with_a_published_promise_only(resident, vasterbotten):
    draft_only = make_municipality(name="Bjurholm", official_name="Bjurholms kommun", slug="bjurholm")
    make_period(published=False, municipality=draft_only)
    make_municipality(name="Nordmaling", official_name="Nordmalings kommun", slug="nordmaling")

    html = page(resident)

    assert 'id="kommun-vindeln"' in html and 'id="kommun-umea"' in html
    assert "bjurholm" not in html and "nordmaling" not in html


def test_each_periods_files_are_listed_for_the_kommun_chosen(resident, vasterbotten):
    national = page(resident)
    chosen = page(resident, kommun="vindeln")

    period_csv = reverse("open_data_period_csv", args=["vindeln", 2023, 2025])
    assert period_csv not in national
    assert 'href="?kommun=vindeln#kommun-vindeln"' in national
    assert period_csv in chosen
    assert reverse("open_data_period_csv", args=["umea", 2023, 2025]) not in chosen
    assert '<option value="vindeln" selected>' in chosen
    assert "Vi kände inte igen kommunen" in page(resident, kommun="okand")


def test_every_download_link_on_the_page_works(resident, vasterbotten):
    links = set(re.findall(r'href="(/oppna-data/[^"#]+\.(?:csv|json))"', page(resident)))
    links |= set(re.findall(r'href="(/oppna-data/[^"#]+\.(?:csv|json))"', page(resident, kommun="vindeln")))
    links |= set(re.findall(r'href="(/oppna-data/[^"#]+\.(?:csv|json))"', page(resident, kommun="umea")))

    assert len(links) == 2 + 2 * 2 + 2 * 2 + 1  # everything, per kommun, per period; the CSV's Table Schema
    for link in links:
        response = resident.get(link)
        assert response.status_code == 200, link
        if response.streaming:
            b"".join(response.streaming_content)


def test_page_in_english_at_en(resident, vasterbotten):
    html = page(resident, "/en")
    assert '<html lang="en"' in html
    assert 'href="/en/oppna-data/vindeln.csv"' in html


def test_page_without_any_published_promise_says_so(resident, db):
    html = page(resident)
    assert "Inget medborgarlöfte är publicerat ännu." in html


@pytest.mark.parametrize("kommuner", [3, 12])
def test_page_takes_one_query_however_many_kommuner_two_with_one_chosen(resident, django_assert_num_queries, kommuner):
    for n in range(kommuner):
        municipality = make_municipality(slug=f"kommun-{n}")
        make_full_period(municipality=municipality, focus_areas=1, activities=2, follow_up_years=[2023])
        make_period(municipality=municipality, start_year=2026, end_year=2027)
    with django_assert_num_queries(1):
        html = page(resident)
    assert html.count('<li class="mb-3" id="kommun-') == kommuner
    with django_assert_num_queries(2):  # and the chosen kommun's periods
        html = page(resident, kommun="kommun-0")
    assert html.count('<li class="mb-3" id="kommun-') == kommuner


def test_kommun_and_period_pages_link_their_files_and_this_page(resident, vasterbotten):
    kommun = resident.get(reverse("municipality_detail", args=["vindeln"])).content.decode()
    period = resident.get(reverse("period_detail", args=["vindeln", 2023, 2025])).content.decode()

    for kind in ("csv", "json"):
        assert f'href="{reverse(f"open_data_municipality_{kind}", args=["vindeln"])}"' in kommun
    for kind in ("csv", "json"):
        assert f'href="{reverse(f"open_data_period_{kind}", args=["vindeln", 2023, 2025])}"' in period
    assert f'href="{reverse("open_data")}"' in kommun and f'href="{reverse("open_data")}"' in period
