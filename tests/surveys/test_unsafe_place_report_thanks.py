"""The thank-you page after a report: the reference to follow it by, and the link to its status page."""

import pytest
from django.urls import reverse

from surveys.models import UnsafePlace

pytestmark = pytest.mark.django_db


def test_thanks_page_shows_the_reference_and_the_status_link(resident, vasterbotten):
    place = UnsafePlace.objects.create(municipality=vasterbotten["vindeln"], title="Torget", reference="K7QF2-M3XDW")

    response = resident.get(reverse("unsafe_place_report_thanks", kwargs={"reference": "K7QF2-M3XDW"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Din referens" in page
    assert "<strong>K7QF2-M3XDW</strong>" in page
    assert f'<a href="{place.get_status_url()}">Följ rapporten</a>' in page
    assert "http://testserver/platser/rapport/K7QF2-M3XDW/" in page
    assert '<meta name="robots" content="noindex">' in page


def test_thanks_page_for_an_unknown_reference_is_a_404(resident, vasterbotten):
    response = resident.get(reverse("unsafe_place_report_thanks", kwargs={"reference": "K7QF2-M3XDW"}))

    assert response.status_code == 404


def test_thanks_page_without_a_reference_still_thanks(resident, db):
    page = resident.get(reverse("unsafe_place_report_thanks")).content.decode()

    assert "Tack för din rapport" in page
    assert "Din referens" not in page


def test_thanks_page_query_count(resident, vasterbotten, django_assert_num_queries):
    for n in range(20):
        UnsafePlace.objects.create(municipality=vasterbotten["umea"], title=f"Plats {n}", reference=f"AAAAA-{n:05}")
    UnsafePlace.objects.create(municipality=vasterbotten["vindeln"], title="Torget", reference="K7QF2-M3XDW")

    with django_assert_num_queries(1):
        resident.get(reverse("unsafe_place_report_thanks", kwargs={"reference": "K7QF2-M3XDW"}))
