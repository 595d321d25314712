"""`manage.py check --deploy` refuses several server processes without a shared cache (portal/checks.py): each would
keep its own rate-limit counters (N processes allow N times each limit) and its own double-submit tokens (a double
submit reaching two processes would be stored twice), and the page cache could not be renewed across them."""

import subprocess
import sys

import pytest

from portal import checks
from tests.portal.test_security_headers import PRODUCTION, ROOT, environment

PUBLISHER = {"OPEN_DATA_PUBLISHER_NAME": "Vindelns kommun", "OPEN_DATA_CONTACT_EMAIL": "oppna-data@example.se"}


def deploy_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment(**PRODUCTION, **PUBLISHER, **env),
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("processes", [None, "4"], ids=["gunicorns-default", "four"])
def test_deploy_check_fails_for_several_processes_without_redis(processes):
    result = deploy_check(**({"WEB_CONCURRENCY": processes} if processes else {}))

    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "env",
    [{"REDIS_URL": "redis://127.0.0.1:6379/0"}, {"REDIS_URL": "redis://127.0.0.1:6379/0", "WEB_CONCURRENCY": "8"}],
    ids=["redis", "redis-eight-processes"],
)
def test_deploy_check_passes_with_a_shared_cache(env):
    result = deploy_check(**env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "portal.E001" not in result.stdout + result.stderr


def test_deploy_check_passes_for_one_declared_process_without_redis():
    # WEB_CONCURRENCY=1: gunicorn runs one process (gunicorn.conf.py reads the same variable), which needs no Redis.
    result = deploy_check(WEB_CONCURRENCY="1")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_is_a_deployment_check_only(settings):
    # A developer's `manage.py check` (and every test run) has no Redis and needs none.
    from django.core.checks.registry import registry

    assert checks.shared_cache in registry.get_checks(include_deployment_checks=True)
    assert checks.shared_cache not in registry.get_checks(include_deployment_checks=False)
    settings.REDIS_URL, settings.WEB_CONCURRENCY = "", None
    assert [error.id for error in checks.shared_cache()] == ["portal.E001"]
    settings.WEB_CONCURRENCY = 1
    assert checks.shared_cache() == []
