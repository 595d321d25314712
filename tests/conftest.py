"""Shared fixtures. Personas are named for who they are and say what they may do."""

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need `collectstatic` first; tests exercise pages, not the build step.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def resident(client):
    """An anonymous member of the public: may read every published page, nothing else."""
    return client


@pytest.fixture
def national_admin(db, django_user_model):
    """A national administrator (superuser): sees and changes everything in the admin."""
    return django_user_model.objects.create_superuser(
        username="riks-admin", email="admin@example.invalid", password="ett-långt-lösenord-123"
    )


@pytest.fixture
def admin_client_for(client, national_admin):
    client.force_login(national_admin)
    return client
