"""/healthz: the database answers SELECT 1 and the cache keeps a value; JSON, never cached, no error texts."""

import json
import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_cache_answer(resident):
    response = resident.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]
    # It leaves nothing behind in the shared cache.
    assert not [key for key in cache._cache if "healthz" in key]


def test_healthz_fails_with_503_without_the_database_and_logs_why_but_does_not_say_it(resident, caplog):
    secret_text = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: password authentication'
    with (
        mock.patch.object(connections["default"], "ensure_connection", side_effect=OperationalError(secret_text)),
        caplog.at_level(logging.WARNING),
    ):
        response = resident.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "fail", "checks": {"database": "fail", "cache": "ok"}}
    assert b"db.internal" not in response.content and b"5432" not in response.content
    assert "no-store" in response["Cache-Control"]
    logged = [record for record in caplog.records if record.name == "portal.health"]
    assert len(logged) == 1 and "db.internal" in logged[0].getMessage()
    # One line per probe, not Django's ERROR with a traceback on top.
    assert not [record for record in caplog.records if record.name == "django.request"]


@pytest.mark.django_db
def test_healthz_fails_when_the_cache_does_not_keep_values(resident, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = resident.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "ok", "cache": "fail"}


@pytest.mark.django_db
def test_healthz_fails_when_the_cache_raises(resident):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis://:secret@redis:6379 refused")):
        response = resident.get("/healthz")

    assert response.status_code == 503
    assert b"secret" not in response.content
