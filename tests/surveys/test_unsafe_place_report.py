"""The public report form: a pending report, nothing about the sender, one row per form, bots kept out."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from surveys.models import Moderation, TimeOfDay, UnsafePlace
from surveys.views.unsafe_places import REPORT_RATE
from tests.factories.portal import make_municipality

pytestmark = pytest.mark.django_db

URL = reverse("unsafe_place_report")
THANKS = reverse("unsafe_place_report_thanks")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and form tokens live in the (per-process) cache; every test starts without them.
    cache.clear()
    yield
    cache.clear()


def token_of(response):
    return re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def report(vasterbotten, **fields):
    data = {
        "municipality": vasterbotten["vindeln"].pk,
        "title": "Busshållplatsen vid kyrkan",
        "description": "Hållplatsen norr om kyrkan, mot Umeå.",
        "why": "Ingen belysning.",
        "time_of_day": TimeOfDay.EVENING,
        "latitude": "",
        "longitude": "",
        "hemsida": "",
        "token": "0123456789abcdef0123456789abcdef",
    }
    data.update(fields)
    return data


def test_form_has_labelled_fields_an_accessible_honeypot_and_a_token(resident, vasterbotten):
    response = resident.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for field_id, label in [
        ("id_municipality", "Kommun"),
        ("id_title", "Platsens namn"),
        ("id_description", "Beskriv platsen"),
        ("id_latitude", "Latitud"),
        ("id_longitude", "Longitud"),
        ("id_hemsida", "Lämna det här fältet tomt"),
    ]:
        assert re.search(rf'<label\s+for="{field_id}"[^>]*>\s*{re.escape(label)}', page), label
    honeypot = re.search(r"<input[^>]*name=\"hemsida\"[^>]*>", page).group(0)
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot
    assert 'class="place-honeypot"' in page
    assert token_of(response)
    assert token_of(resident.get(URL)) != token_of(response)
    assert "När känns platsen otrygg?" in page


def test_kommun_can_be_chosen_in_the_address(resident, vasterbotten):
    page = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert re.search(rf'<option value="{vasterbotten["vindeln"].pk}" selected>Vindeln</option>', page)
    assert resident.get(URL, {"kommun": "finns-inte"}).status_code == 200


@pytest.mark.parametrize("kommun", ["vindeln\x00", "\x00", "<b>", "x" * 500])
def test_a_kommun_in_the_address_that_cannot_be_one_shows_the_form_without_a_choice(resident, vasterbotten, kommun):
    # Found by tests/portal/test_fuzz_public_urls.py: ?kommun=%00 was a 500 on PostgreSQL, which refuses NUL.
    response = resident.get(URL, {"kommun": kommun})

    assert response.status_code == 200
    assert '<option value="" selected>Välj kommun</option>' in response.content.decode()


def test_report_with_description_is_saved_as_pending_public_report(resident, vasterbotten):
    response = resident.post(URL, report(vasterbotten))

    assert response.status_code == 302
    place = UnsafePlace.objects.get()
    assert response["Location"] == reverse("unsafe_place_report_thanks", kwargs={"reference": place.reference})
    assert place.municipality == vasterbotten["vindeln"]
    assert place.title == "Busshållplatsen vid kyrkan"
    assert place.why == "Ingen belysning."
    assert place.time_of_day == TimeOfDay.EVENING
    assert place.source == UnsafePlace.Source.PUBLIC_REPORT
    assert place.moderation == Moderation.PENDING
    assert place.status == UnsafePlace.Status.REPORTED
    assert place.latitude is None and place.longitude is None


def test_thanks_page_says_the_report_is_reviewed_first(resident, db):
    page = resident.get(THANKS).content.decode()

    assert "Tack för din rapport" in page
    assert "granskar rapporten innan platsen visas" in page


def test_new_report_is_not_public(resident, vasterbotten):
    resident.post(URL, report(vasterbotten, title="Ny rapport"))
    place = UnsafePlace.objects.get()

    assert "Ny rapport" not in resident.get(reverse("unsafe_place_list")).content.decode()
    assert resident.get(place.get_absolute_url()).status_code == 404


def test_sender_cannot_approve_their_own_report(resident, vasterbotten):
    resident.post(
        URL,
        report(vasterbotten, moderation=Moderation.APPROVED, status="fixed", source=UnsafePlace.Source.SURVEY),
    )

    place = UnsafePlace.objects.get()
    assert place.moderation == Moderation.PENDING
    assert place.status == UnsafePlace.Status.REPORTED
    assert place.source == UnsafePlace.Source.PUBLIC_REPORT


def test_a_pin_is_enough_without_description(resident, vasterbotten):
    response = resident.post(
        URL, report(vasterbotten, description="", latitude="64.201234", longitude="19.716543", time_of_day="")
    )

    assert response.status_code == 302
    place = UnsafePlace.objects.get()
    assert (place.latitude, place.longitude) == (Decimal("64.201234"), Decimal("19.716543"))
    assert place.description == ""
    assert place.time_of_day == ""


def test_coordinates_with_decimal_comma_and_many_decimals_are_accepted(resident, vasterbotten):
    resident.post(URL, report(vasterbotten, latitude="63,82581234", longitude=" 20,2630 "))

    place = UnsafePlace.objects.get()
    assert (place.latitude, place.longitude) == (Decimal("63.825812"), Decimal("20.263000"))


def test_report_without_description_or_pin_is_refused_with_a_clear_error(resident, vasterbotten):
    response = resident.post(URL, report(vasterbotten, description="  ", why="Mörkt och ödsligt."))

    assert response.status_code == 200
    assert not UnsafePlace.objects.exists()
    page = response.content.decode()
    assert "Beskriv var platsen är, eller välj den på kartan" in page
    assert "Formuläret behöver rättas" in page
    # What was typed is kept.
    assert "Mörkt och ödsligt." in page
    assert "<title>Fel i formuläret:" in page


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("40.0", "20.0", "Latituden ligger utanför Sverige"),
        ("63.8", "30.5", "Longituden ligger utanför Sverige"),
        ("20.26", "63.82", "Latituden ligger utanför Sverige"),  # swapped
        ("63.8", "", "Ange både latitud och longitud"),
        ("", "20.2", "Ange både latitud och longitud"),
        ("norr", "20.2", "Skriv positionen som ett decimaltal"),
        # Found by tests/portal/test_fuzz_public_forms.py: too many digits to round to six decimals was a 500.
        ("1e30", "20.2", "Latituden ligger utanför Sverige"),
        ("63.8", "9" * 400, "Longituden ligger utanför Sverige"),
        ("sNaN", "20.2", "Skriv positionen som ett decimaltal"),
        ("NaN", "Infinity", "Skriv positionen som ett decimaltal"),
    ],
)
def test_bad_coordinates_are_refused(resident, vasterbotten, latitude, longitude, message):
    response = resident.post(URL, report(vasterbotten, latitude=latitude, longitude=longitude))

    assert response.status_code == 200
    assert not UnsafePlace.objects.exists()
    assert message in response.content.decode()


def test_coordinates_on_the_edge_of_the_box_are_accepted(resident, vasterbotten):
    response = resident.post(URL, report(vasterbotten, latitude="69.1", longitude="10.9"))

    assert response.status_code == 302
    assert UnsafePlace.objects.count() == 1


def test_filled_honeypot_is_discarded_silently(resident, vasterbotten):
    response = resident.post(URL, report(vasterbotten, hemsida="https://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert not UnsafePlace.objects.exists()


def test_filled_honeypot_gets_thanks_even_with_invalid_data(resident, vasterbotten):
    response = resident.post(URL, {"hemsida": "x", "title": ""})

    assert response.status_code == 302
    assert not UnsafePlace.objects.exists()


def test_double_submit_of_the_same_form_saves_one_report(resident, vasterbotten):
    token = token_of(resident.get(URL))
    data = report(vasterbotten, token=token)

    first = resident.post(URL, data)
    second = resident.post(URL, data)

    assert first.status_code == second.status_code == 302
    # The second answer gives the first report's reference: the resident still learns how to follow it.
    assert second["Location"] == first["Location"] != THANKS
    assert UnsafePlace.objects.count() == 1


@pytest.mark.parametrize("token", ["", "inte-en-nyckel", "0123456789ABCDEF0123456789ABCDEF", None])
def test_a_missing_or_broken_token_is_refused_so_a_double_submit_cannot_store_twice(resident, vasterbotten, token):
    # Without a token nothing would recognise the second submit: the form is refused as the other public forms
    # refuse it (portal/public_forms.py), with what was typed kept and a fresh token.
    data = report(vasterbotten, token=token)
    if token is None:
        del data["token"]

    first = resident.post(URL, data)
    second = resident.post(URL, data)

    for response in (first, second):
        assert response.status_code == 200
        assert "Formuläret gick inte att skicka. Försök igen." in response.content.decode()
        assert "Busshållplatsen vid kyrkan" in response.content.decode()
    assert not UnsafePlace.objects.exists()
    fresh = token_of(first)
    assert resident.post(URL, report(vasterbotten, token=fresh)).status_code == 302
    assert resident.post(URL, report(vasterbotten, token=fresh)).status_code == 302
    assert UnsafePlace.objects.count() == 1


def test_two_forms_make_two_reports(resident, vasterbotten):
    resident.post(URL, report(vasterbotten, token=token_of(resident.get(URL))))
    resident.post(URL, report(vasterbotten, token=token_of(resident.get(URL)), title="Torget"))

    assert UnsafePlace.objects.count() == 2


def test_refused_form_can_be_sent_again_after_correction(resident, vasterbotten):
    data = report(vasterbotten, description="")
    assert resident.post(URL, data).status_code == 200

    data["description"] = "Vid kyrkan."
    assert resident.post(URL, data).status_code == 302
    assert UnsafePlace.objects.count() == 1


def test_too_many_reports_from_one_address_are_refused_with_429(resident, vasterbotten):
    allowed = int(REPORT_RATE.split("/")[0])
    for n in range(allowed):
        response = resident.post(URL, report(vasterbotten, token=f"{n:032x}"), REMOTE_ADDR="198.51.100.4")
        assert response.status_code == 302

    response = resident.post(URL, report(vasterbotten, token="f" * 32), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert "För många försök" in response.content.decode()
    assert UnsafePlace.objects.count() == allowed
    # Another address is not affected, and reading the form is never limited.
    assert resident.post(URL, report(vasterbotten, token="e" * 32), REMOTE_ADDR="198.51.100.5").status_code == 302
    assert resident.get(URL, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_no_ip_address_is_stored(resident, vasterbotten):
    ip = "203.0.113.7"
    response = resident.post(URL, report(vasterbotten), REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=ip)
    assert response.status_code == 302

    place = UnsafePlace.objects.get()
    for field in UnsafePlace._meta.concrete_fields:
        assert ip not in str(field.value_from_object(place)), field.name


def test_a_point_outside_the_chosen_kommun_is_refused(resident, vasterbotten):
    # Issue 16: a click 350 km away was accepted as Vindeln. With Vindeln's real kommunkod, a pin in Malmö is not.
    vasterbotten["vindeln"].code = "2404"
    vasterbotten["vindeln"].save()

    refused = resident.post(URL, report(vasterbotten, latitude="55.605", longitude="13.0038"))
    accepted = resident.post(URL, report(vasterbotten, latitude="64.2019", longitude="19.7166"))

    assert refused.status_code == 200
    assert "Positionen ligger utanför Vindelns kommun" in refused.content.decode()
    assert accepted.status_code == 302
    assert UnsafePlace.objects.count() == 1


def test_each_report_gets_its_own_random_reference(resident, vasterbotten):
    for n in range(3):
        resident.post(URL, report(vasterbotten, token=f"{n:032x}"))

    references = list(UnsafePlace.objects.values_list("reference", flat=True))
    assert len(set(references)) == 3
    for reference in references:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}", reference), reference


def test_a_report_stores_its_day_and_no_time_of_day(resident, vasterbotten):
    resident.post(URL, report(vasterbotten))

    place = UnsafePlace.objects.get()
    local = timezone.localtime(place.updated_at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert local.date() == place.reported_on


def test_a_place_a_coordinator_enters_has_no_reference(vasterbotten):
    place = UnsafePlace.objects.create(municipality=vasterbotten["vindeln"], title="Torget")

    assert place.reference is None
    assert place.get_status_url() is None


def test_the_map_comes_before_the_fields_and_coordinates_are_folded_away(resident, vasterbotten):
    page = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert page.index("Var är platsen?") < page.index('for="id_title"')
    details = re.search(r'<details class="place-coordinates-details"[^>]*>', page).group(0)
    assert " open" not in details
    assert "<summary>Ange koordinater i stället</summary>" in page
    assert page.index(details) < page.index('id="id_latitude"') < page.index("</details>")
    # The map's text alternative, for those who cannot use it.
    assert "Kan du inte använda kartan? Beskriv i stället var platsen är" in page
    # The map asks the kommun's outline of the portal itself.
    assert 'data-boundary-url="/platser/kommun/0/grans.json"' in page


def test_coordinates_open_when_they_hold_an_error(resident, vasterbotten):
    page = resident.post(URL, report(vasterbotten, latitude="40.0", longitude="20.0")).content.decode()

    assert re.search(r'<details class="place-coordinates-details" id="koordinater" open>', page)


def test_the_geocoder_is_off_by_default_so_no_search_box(resident, vasterbotten, settings):
    assert settings.GEOCODER_URL == ""

    page = resident.get(URL).content.decode()

    assert "place-address-search" not in page
    assert "data-address-search-url" not in page


def test_with_a_geocoder_set_the_search_box_is_offered(resident, vasterbotten, settings):
    settings.GEOCODER_URL = "https://geocoder.example/search"

    page = resident.get(URL).content.decode()

    assert 'data-address-search-url="/platser/adress-sok/"' in page
    assert "Sök en adress eller plats i kommunen" in page


def test_a_point_outside_an_uploaded_boundary_is_refused(resident, vasterbotten):
    vindeln = vasterbotten["vindeln"]
    vindeln.boundary = {
        "type": "Polygon",
        "coordinates": [[[19.6, 64.1], [19.9, 64.1], [19.9, 64.3], [19.6, 64.3], [19.6, 64.1]]],
    }
    vindeln.save()

    refused = resident.post(URL, report(vasterbotten, latitude="64.6", longitude="19.3", token="a" * 32))
    accepted = resident.post(URL, report(vasterbotten, latitude="64.2019", longitude="19.7166", token="b" * 32))

    assert refused.status_code == 200
    assert "Positionen ligger utanför Vindelns kommun. Välj en plats inom kommungränsen" in refused.content.decode()
    assert accepted.status_code == 302
    assert UnsafePlace.objects.count() == 1


def test_report_form_query_count(resident, vasterbotten, django_assert_num_queries):
    for n in range(30):
        make_municipality(name=f"Kommun {n}", police_area=vasterbotten["area"])

    # The kommun looked up from the address, and the kommun list.
    with django_assert_num_queries(2):
        assert resident.get(URL, {"kommun": "vindeln"}).status_code == 200
