"""The place review page in the admin: the point on a map of its kommun, a point outside the kommun flagged and
not approved until it is corrected or confirmed."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from surveys.models import Moderation, UnsafePlace
from tests.surveys.test_unsafe_place_admin import add_form
from tests.surveys.test_unsafe_place_list import make_place

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:surveys_unsafeplace_changelist")
ADD = reverse("admin:surveys_unsafeplace_add")
IN_VINDELN = {"latitude": Decimal("64.201900"), "longitude": Decimal("19.716600")}
IN_MALMO = {"latitude": Decimal("55.605000"), "longitude": Decimal("13.003800")}


@pytest.fixture
def vindeln(vasterbotten):
    # The real kommunkod, so that the real outline applies (the factories give test codes no geography).
    municipality = vasterbotten["vindeln"]
    municipality.code = "2404"
    municipality.save()
    return municipality


def change_url(place):
    return reverse("admin:surveys_unsafeplace_change", args=[place.pk])


def map_data(page):
    match = re.search(r'<script id="place-review-data" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


def test_review_page_shows_the_point_and_the_kommuns_outline(client, coordinator_vindeln, vindeln):
    place = make_place(vindeln, moderation=Moderation.PENDING, **IN_VINDELN)
    client.force_login(coordinator_vindeln)

    page = client.get(change_url(place)).content.decode()

    data = map_data(page)
    assert data["point"] == [64.2019, 19.7166]
    assert data["outline"]["type"] == "MultiPolygon"
    assert data["kommun"] == "Vindelns kommun"
    assert 'id="place-review-map"' in page
    assert "js/admin-place-map" in page and "vendor/leaflet-1.9.4/leaflet" in page
    assert "Punkten ligger inom Vindelns kommun." in page
    assert "utanför" not in page.split('id="place-review-verdict"')[1][:300]


def test_a_point_in_malmo_is_flagged_on_vindelns_review_page(client, coordinator_vindeln, vindeln):
    place = make_place(vindeln, moderation=Moderation.PENDING, **IN_MALMO)
    client.force_login(coordinator_vindeln)

    page = client.get(change_url(place)).content.decode()

    assert "punkten ligger utanför Vindelns kommun" in page
    assert "Platsen kan inte godkännas innan dess." in page  # the message at the top


def test_approve_action_refuses_a_place_outside_its_kommun(client, coordinator_vindeln, vindeln):
    outside = make_place(vindeln, title="I Malmö", moderation=Moderation.PENDING, **IN_MALMO)
    inside = make_place(vindeln, title="I Vindeln", moderation=Moderation.PENDING, **IN_VINDELN)
    client.force_login(coordinator_vindeln)

    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [outside.pk, inside.pk]}, follow=True)

    page = response.content.decode()
    assert "Positionen för ”I Malmö” ligger utanför Vindelns kommun" in page
    assert "1 plats godkändes" in page
    assert UnsafePlace.objects.get(pk=outside.pk).moderation == Moderation.PENDING
    assert UnsafePlace.objects.get(pk=inside.pk).moderation == Moderation.APPROVED


def test_approve_action_accepts_a_confirmed_position(client, coordinator_vindeln, vindeln):
    place = make_place(vindeln, moderation=Moderation.PENDING, position_confirmed=True, **IN_MALMO)
    client.force_login(coordinator_vindeln)

    client.post(CHANGELIST, {"action": "approve", "_selected_action": [place.pk]})

    assert UnsafePlace.objects.get(pk=place.pk).moderation == Moderation.APPROVED


def test_form_refuses_approving_a_point_outside_until_confirmed(client, coordinator_vindeln, vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)
    outside = {"latitude": "55,605", "longitude": "13,0038", "moderation": Moderation.APPROVED}

    refused = client.post(ADD, add_form(vasterbotten, **outside))
    confirmed = client.post(ADD, add_form(vasterbotten, position_confirmed="on", **outside))

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["latitude"]
    assert "Positionen ligger utanför Vindelns kommun" in errors[0]
    assert confirmed.status_code == 302
    assert UnsafePlace.objects.get().position_confirmed


def test_form_saves_a_pending_point_outside_with_a_warning(client, coordinator_vindeln, vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    response = client.post(
        ADD,
        add_form(vasterbotten, latitude="55.605", longitude="13.0038", moderation=Moderation.PENDING),
        follow=True,
    )

    assert response.status_code == 200
    assert "ligger utanför Vindelns kommun" in response.content.decode()
    assert UnsafePlace.objects.get().moderation == Moderation.PENDING


def test_a_place_without_position_shows_the_kommun(admin_client_for, vindeln):
    place = make_place(vindeln, latitude=None, longitude=None)

    page = admin_client_for.get(change_url(place)).content.decode()

    assert "Platsen har ingen position" in page
    assert map_data(page)["point"] is None
