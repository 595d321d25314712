"""A report's status page: found by its reference alone, showing where the report stands and nothing about anyone."""

import pytest
from django.urls import reverse

from surveys.models import Moderation, UnsafePlace
from surveys.models.place import new_reference
from tests.factories.portal import make_municipality

pytestmark = pytest.mark.django_db

LOOKUP = reverse("unsafe_place_status")


def make_report(municipality, **fields):
    fields.setdefault("title", "Gångtunneln vid stationen")
    fields.setdefault("description", "Under järnvägen, mot skolan.")
    fields.setdefault("why", "Mörkt, och jag bor i huset bredvid.")
    fields.setdefault("reference", "K7QF2-M3XDW")
    return UnsafePlace.objects.create(municipality=municipality, **fields)


def status_page(client, reference):
    return client.get(reverse("unsafe_place_status", kwargs={"reference": reference}))


def test_a_received_report_says_it_waits_for_review_and_shows_no_description(resident, vasterbotten):
    place = make_report(vasterbotten["vindeln"])

    response = status_page(resident, place.reference)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Rapport K7QF2-M3XDW</h1>" in page
    assert "Gångtunneln vid stationen" in page and "Vindeln" in page
    assert 'aria-current="step">\n    Mottagen' in page
    assert "väntar på att polisen eller kommunen granskar den" in page
    # What the sender wrote is not public before review, and the reference shows no more than the status.
    assert "Under järnvägen" not in page
    assert "huset bredvid" not in page
    assert place.get_absolute_url() not in page


@pytest.mark.parametrize(
    ("status", "current"),
    [
        (UnsafePlace.Status.REPORTED, "Granskad och publicerad"),
        (UnsafePlace.Status.UNDER_REVIEW, "Utreds"),
        (UnsafePlace.Status.ACTION_PLANNED, "Åtgärd planerad"),
        (UnsafePlace.Status.FIXED, "Åtgärdad"),
    ],
)
def test_a_published_report_shows_its_status_and_links_to_the_place(resident, vasterbotten, status, current):
    place = make_report(
        vasterbotten["vindeln"], moderation=Moderation.APPROVED, status=status, status_note="Ny belysning i vår."
    )

    page = status_page(resident, place.reference).content.decode()

    assert f'aria-current="step">\n    {current}' in page
    assert page.count('aria-current="step"') == 1
    assert "Ny belysning i vår." in page
    assert f'href="{place.get_absolute_url()}"' in page


def test_a_rejected_report_says_it_is_not_shown(resident, vasterbotten):
    place = make_report(vasterbotten["vindeln"], moderation=Moderation.REJECTED)

    page = status_page(resident, place.reference).content.decode()

    assert "Granskad, visas inte på webbplatsen" in page
    assert 'aria-current="step"' not in page
    assert place.get_absolute_url() not in page


def test_the_reference_may_be_typed_in_lower_case_without_the_dash(resident, vasterbotten):
    make_report(vasterbotten["vindeln"])

    assert status_page(resident, "k7qf2m3xdw").status_code == 200


def test_an_unknown_reference_is_a_404_that_says_so_in_swedish(resident, vasterbotten):
    make_report(vasterbotten["vindeln"])

    response = status_page(resident, "K7QF2-M3XDX")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Vi hittar ingen rapport med referensen ”K7QF2-M3XDX”" in page
    assert 'name="referens"' in page  # and a way to type it again


@pytest.mark.parametrize("reference", ["x", "<script>", "K7QF2-M3XD0", "0" * 300])
def test_a_reference_that_cannot_be_one_is_a_404_and_escaped(resident, vasterbotten, reference):
    response = status_page(resident, reference)

    assert response.status_code == 404
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_lookup_form_leads_to_the_status_page(resident, vasterbotten):
    make_report(vasterbotten["vindeln"])

    assert resident.get(LOOKUP).status_code == 200
    response = resident.get(LOOKUP, {"referens": " k7qf2 m3xdw "})
    assert response.status_code == 302
    assert response["Location"] == reverse("unsafe_place_status", kwargs={"reference": "K7QF2-M3XDW"})

    refused = resident.get(LOOKUP, {"referens": "hej"})
    assert refused.status_code == 400
    assert "Referensen ska vara tio bokstäver och siffror" in refused.content.decode()


def test_the_status_page_is_never_cached_or_indexed(resident, vasterbotten):
    place = make_report(vasterbotten["vindeln"])

    response = status_page(resident, place.reference)

    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_status_page_query_count(resident, vasterbotten, django_assert_num_queries):
    area = vasterbotten["area"]
    for n in range(20):
        municipality = make_municipality(name=f"Kommun {n}", police_area=area)
        for m in range(5):
            make_report(municipality, reference=new_reference(), title=f"Plats {m}")
    place = make_report(vasterbotten["vindeln"], moderation=Moderation.APPROVED)

    # The report and its kommun, in one query.
    with django_assert_num_queries(1):
        assert status_page(resident, place.reference).status_code == 200
