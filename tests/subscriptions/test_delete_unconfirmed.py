"""`manage.py delete_unconfirmed_subscriptions`: subscriptions not confirmed within SUBSCRIPTION_CONFIRM_DAYS are
deleted, address and kommun; confirmed ones are never touched."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from subscriptions.models import Subscription
from tests.factories import make_municipality
from tests.subscriptions.helpers import make_subscription

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def run(*args):
    out = io.StringIO()
    call_command("delete_unconfirmed_subscriptions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def subscriptions(settings):
    settings.SUBSCRIPTION_CONFIRM_DAYS = 7
    umea = make_municipality(slug="umea")
    return {
        "today": make_subscription(umea, "a@example.se", confirmed=False, unconfirmed_since=days_ago(0)),
        "on_the_day": make_subscription(umea, "b@example.se", confirmed=False, unconfirmed_since=days_ago(7)),
        "one_day_too_old": make_subscription(umea, "c@example.se", confirmed=False, unconfirmed_since=days_ago(8)),
        "ancient": make_subscription(umea, "d@example.se", confirmed=False, unconfirmed_since=days_ago(400)),
        "confirmed": make_subscription(umea, "e@example.se", confirmed=True),
    }


def test_unconfirmed_subscriptions_older_than_the_confirm_days_are_deleted(subscriptions):
    output = run()

    remaining = set(Subscription.objects.values_list("email", flat=True))
    assert remaining == {"a@example.se", "b@example.se", "e@example.se"}
    assert "Raderade 2 obekräftade prenumerationer" in output
    assert "7 dagar" in output


def test_dry_run_counts_but_deletes_nothing(subscriptions):
    output = run("--dry-run")

    assert Subscription.objects.count() == 5
    assert "2 obekräftade prenumerationer" in output
    assert "Inget raderades" in output


def test_a_confirmed_subscription_keeps_no_date_and_is_never_deleted(subscriptions, settings):
    settings.SUBSCRIPTION_CONFIRM_DAYS = 0
    run()

    assert list(Subscription.objects.values_list("email", "unconfirmed_since")) in (
        [("a@example.se", days_ago(0)), ("e@example.se", None)],
        [("e@example.se", None), ("a@example.se", days_ago(0))],
    )
