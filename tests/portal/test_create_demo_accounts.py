"""manage.py create_demo_accounts: demo-only accounts for `make run`, never with DEBUG off."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from portal.models import Coordinator, Organisation
from tests.factories import make_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommuner():
    return make_municipality(slug="vindeln", name="Vindeln"), make_municipality(slug="umea", name="Umeå")


def log_in(username, password):
    # django-axes counts login attempts per address, so authenticate() needs the request, as the login form gives.
    return authenticate(RequestFactory().post("/admin/login/"), username=username, password=password)


def test_creates_an_administrator_and_two_coordinators_per_kommun(settings, kommuner):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # idempotent

    admin = log_in("admin", "demo-admin")
    assert admin is not None and admin.is_superuser
    for username, organisation, slug in [
        ("kommun-vindeln", Organisation.MUNICIPALITY, "vindeln"),
        ("polis-vindeln", Organisation.POLICE, "vindeln"),
        ("kommun-umea", Organisation.MUNICIPALITY, "umea"),
        ("polis-umea", Organisation.POLICE, "umea"),
    ]:
        user = log_in(username, f"demo-{username}")
        assert user is not None and user.is_staff and not user.is_superuser
        coordinator = Coordinator.objects.get(user=user)
        assert coordinator.organisation == organisation
        assert [m.slug for m in coordinator.municipalities.all()] == [slug]
        assert user.groups.filter(name="Samordnare").exists()


def test_refuses_to_run_with_debug_off(settings, kommuner):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_accounts")
    assert not Coordinator.objects.exists()
