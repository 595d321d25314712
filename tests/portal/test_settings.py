"""portal/settings.py: one env-driven file that refuses an unsafe production start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables set."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    clean = {name: value for name, value in os.environ.items() if name not in ours}
    clean.update(env)
    code = "import portal.settings as s;print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.LANGUAGE_CODE, s.TIME_ZONE)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_local_defaults_are_debug_sqlite_swedish_stockholm():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "sv", "Europe/Stockholm"]


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.se"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "flase"}, "DEBUG must be true or false"),
    ],
)
def test_production_refuses_to_start_without_secret_key_and_hosts(env, complaint):
    result = load_settings(**env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_what_it_needs_and_database_url_selects_postgres():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.se",
        DATABASE_URL="postgres://user@127.0.0.1:5432/portal",
    )
    assert result.returncode == 0, result.stderr
    # PostgreSQL through the portal's subclass of Django's backend (portal/postgresql/base.py: the client deadline).
    assert result.stdout.split()[:2] == ["False", "portal.postgresql"]


def _calendar_uid_domain(**env):
    ours = {"SITE_URL", "CALENDAR_UID_DOMAIN", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    clean = {name: value for name, value in os.environ.items() if name not in ours}
    clean.update(env)
    code = "import portal.settings as s;print(s.CALENDAR_UID_DOMAIN, s.SITE_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("env", "domain"),
    [
        ({}, "localhost"),
        ({"SITE_URL": "https://medborgarloften.example.se/"}, "medborgarloften.example.se"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ".example.se,www.example.se"}, "example.se"),
        ({"CALENDAR_UID_DOMAIN": "kalender.example.se", "SITE_URL": "https://other.example.se"}, "kalender.example.se"),
    ],
)
def test_calendar_uids_name_the_configured_portal_never_the_request(env, domain):
    result = _calendar_uid_domain(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == domain


def test_site_url_must_be_an_http_address():
    result = _calendar_uid_domain(SITE_URL="medborgarloften.example.se")
    assert result.returncode != 0
    assert "SITE_URL must start with https://" in result.stderr
