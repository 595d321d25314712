"""`manage.py delete_old_login_records`: django-axes' login records older than LOGIN_RECORDS_RETENTION_DAYS go."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessLog
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def login(username, when):
    """A successful login as axes records it (attempt_time is set on creation, so it is moved afterwards)."""
    record = AccessLog.objects.create(
        username=username, ip_address="198.51.100.4", user_agent="Firefox", http_accept="*/*", path_info="/admin/login/"
    )
    AccessLog.objects.filter(pk=record.pk).update(attempt_time=when)
    return record


def failed(username, when):
    """A username and address with failed logins, the latest at `when`."""
    record = AccessAttempt.objects.create(
        username=username,
        ip_address="198.51.100.4",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    AccessAttempt.objects.filter(pk=record.pk).update(attempt_time=when)
    AccessAttemptExpiration.objects.create(access_attempt=record, expires_at=when + datetime.timedelta(minutes=15))
    return record


def run(*args):
    out = io.StringIO()
    call_command("delete_old_login_records", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records(settings):
    settings.LOGIN_RECORDS_RETENTION_DAYS = 30
    return {
        "login_today": login("kommun-vindeln", ago(hours=1)),
        "login_last_month": login("kommun-vindeln", ago(days=29)),
        "login_too_old": login("polis-vindeln", ago(days=31)),
        "login_ancient": login("kommun-umea", ago(days=400)),
        "failed_today": failed("kommun-umea", ago(minutes=5)),
        "failed_too_old": failed("admni", ago(days=45)),
    }


def test_logins_and_failed_attempts_older_than_the_retention_are_deleted_and_counted(records):
    output = run()

    assert set(AccessLog.objects.values_list("pk", flat=True)) == {
        records["login_today"].pk,
        records["login_last_month"].pk,
    }
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [records["failed_today"].pk]
    assert list(AccessAttemptExpiration.objects.values_list("pk", flat=True)) == [records["failed_today"].pk]
    assert "Raderade 2 inloggningar och 1 misslyckade inloggningsförsök" in output
    assert "30 dagar" in output


def test_dry_run_counts_but_deletes_nothing(records):
    output = run("--dry-run")

    assert AccessLog.objects.count() == 4 and AccessAttempt.objects.count() == 2
    assert "2 inloggningar och 1 misslyckade inloggningsförsök" in output
    assert "skulle raderas" in output
    assert "Inget raderades" in output


def test_running_again_deletes_nothing_more(records):
    run()

    assert "Raderade 0 inloggningar och 0 misslyckade" in run()
    assert AccessLog.objects.count() == 2


def test_the_retention_setting_decides(records, settings):
    settings.LOGIN_RECORDS_RETENTION_DAYS = 365

    run()

    assert AccessLog.objects.count() == 3 and AccessAttempt.objects.count() == 2


def test_a_lockout_in_progress_is_never_cut_short(settings):
    # A cool-off longer than the retention: the attempts still lock the pair out, so they stay.
    settings.LOGIN_RECORDS_RETENTION_DAYS = 1
    settings.AXES_COOLOFF_MINUTES = 3 * 24 * 60
    locked = failed("kommun-vindeln", ago(days=2))
    expired = failed("polis-vindeln", ago(days=4))

    run()

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [locked.pk]
    assert not AccessAttempt.objects.filter(pk=expired.pk).exists()


def test_a_real_login_is_recorded_and_goes_once_the_retention_has_passed(client, national_admin, settings):
    settings.LOGIN_RECORDS_RETENTION_DAYS = 90
    national_admin.set_password("ett-långt-lösenord-för-test")
    national_admin.save()
    client.post(
        "/admin/login/",
        {"username": national_admin.username, "password": "ett-långt-lösenord-för-test"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert AccessLog.objects.filter(username=national_admin.username).count() == 1

    run()
    assert AccessLog.objects.count() == 1  # today's login stays

    AccessLog.objects.update(attempt_time=ago(days=91))
    run()
    assert not AccessLog.objects.exists()


def _retention(**env):
    clean = {name: value for name, value in os.environ.items() if name != "LOGIN_RECORDS_RETENTION_DAYS"}
    clean.update(env)
    code = "import portal.settings as s;print(s.LOGIN_RECORDS_RETENTION_DAYS)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


@pytest.mark.parametrize(("env", "days"), [({}, "90"), ({"LOGIN_RECORDS_RETENTION_DAYS": "30"}, "30")])
def test_the_retention_comes_from_the_environment_with_90_days_by_default(env, days):
    result = _retention(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [days]


@pytest.mark.parametrize("value", ["0", "-5", "nittio"])
def test_a_retention_that_would_delete_everything_or_is_no_number_is_refused(value):
    result = _retention(LOGIN_RECORDS_RETENTION_DAYS=value)
    assert result.returncode != 0
    assert "LOGIN_RECORDS_RETENTION_DAYS must be" in result.stderr
