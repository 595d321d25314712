"""Coordinators: a person, an organisation and the kommuner they keep up to date."""

import pytest
from django.contrib.auth.models import Group

from portal.models import COORDINATOR_GROUP, Coordinator, Organisation
from promises.permissions import COORDINATOR_PERMISSIONS
from tests.factories import make_municipality, make_user

pytestmark = pytest.mark.django_db


def test_migrations_create_the_coordinator_group_with_exactly_its_permissions():
    group = Group.objects.get(name=COORDINATOR_GROUP)
    expected = {
        f"{app_label}.{action}_{model}"
        for app_label, models in COORDINATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    actual = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert actual == expected
    assert "promises.delete_promiseperiod" not in actual
    assert "promises.delete_followup" not in actual


def test_becoming_a_coordinator_grants_admin_access_and_the_group():
    user = make_user()
    coordinator = Coordinator.objects.create(user=user, organisation=Organisation.POLICE)
    coordinator.municipalities.add(make_municipality())
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("promises.change_followup")
    assert not user.has_perm("promises.delete_followup")
    assert str(coordinator).endswith("(Polisen)")
