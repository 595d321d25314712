"""Subscriptions in the admin: counts per kommun for national administrators; no address, and nothing at all for
coordinators."""

import pytest
from django.urls import reverse

from tests.subscriptions.helpers import make_subscription

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:subscriptions_subscription_changelist")


@pytest.fixture
def subscribers(vasterbotten):
    make_subscription(vasterbotten["vindeln"], "ada@example.se")
    make_subscription(vasterbotten["vindeln"], "bo@example.se")
    make_subscription(vasterbotten["vindeln"], "cia@example.se", confirmed=False)
    make_subscription(vasterbotten["umea"], "dan@example.se")


def test_a_national_administrator_sees_the_counts_per_kommun_and_no_address(client, national_admin, subscribers):
    client.force_login(national_admin)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<th scope="row">Vindelns kommun</th><td>2</td><td>1</td>' in content
    assert '<th scope="row">Umeå kommun</th><td>1</td><td>0</td>' in content
    assert "@example.se" not in content


def test_a_national_administrator_cannot_open_add_or_change_one(client, national_admin, subscribers):
    from subscriptions.models import Subscription

    client.force_login(national_admin)
    pk = Subscription.objects.first().pk

    assert client.get(reverse("admin:subscriptions_subscription_change", args=[pk])).status_code in (302, 403)
    assert client.get(reverse("admin:subscriptions_subscription_add")).status_code == 403


def test_a_coordinator_sees_no_subscriptions_at_all(client, coordinator_vindeln, subscribers):
    client.force_login(coordinator_vindeln)

    assert client.get(CHANGELIST).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "prenumeration" not in index.lower()


def test_the_admin_index_lists_subscriptions_for_a_national_administrator(client, national_admin):
    client.force_login(national_admin)

    assert CHANGELIST in client.get(reverse("admin:index")).content.decode()


def test_counts_page_query_count(client, national_admin, subscribers, django_assert_max_num_queries):
    client.force_login(national_admin)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200
