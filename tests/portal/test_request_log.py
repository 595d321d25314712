"""The request log: one JSON line per request in production's format, with what is needed and no personal data."""

import copy
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings


@pytest.fixture
def json_log(settings):
    """The root logger writing as production does (LOG_FORMAT=json), into a buffer; restored afterwards."""
    from portal import settings as portal_settings

    # A copy: dictConfig takes the "()" keys out of the dict it is given.
    config = copy.deepcopy(portal_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(config)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


def lines(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_request_writes_one_json_line_with_its_fields(resident, json_log):
    response = resident.get(
        "/om/?q=mitt+personnummer",
        HTTP_X_REQUEST_ID="req-1234.abc",
        HTTP_COOKIE="sessionid=hemlig",
        HTTP_USER_AGENT="Testläsare/1.0",
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-1234.abc"
    records = [line for line in lines(json_log) if line["logger"] == "portal.request"]
    assert len(records) == 1
    record = records[0]
    assert record["level"] == "INFO"
    assert record["time"].endswith("+00:00")
    assert record["method"] == "GET"
    assert record["path"] == "/om/"
    assert record["status"] == 200
    assert record["duration_ms"] >= 0
    assert record["request_id"] == "req-1234.abc"
    assert record["message"].startswith("GET /om/ 200")
    everything = json_log.getvalue()
    for personal in ("personnummer", "hemlig", "Testläsare", "203.0.113.9"):
        assert personal not in everything


@pytest.mark.django_db
def test_a_form_post_logs_neither_its_fields_nor_its_query(resident, json_log):
    resident.post("/tillganglighet/synpunkt/?sida=/hemlig/", {"description": "Mitt namn är Anna Andersson"})
    everything = json_log.getvalue()
    assert "Anna Andersson" not in everything
    assert "hemlig" not in everything
    assert [line["path"] for line in lines(json_log) if line["logger"] == "portal.request"] == [
        "/tillganglighet/synpunkt/"
    ]


def test_django_logs_of_a_request_carry_its_id_but_not_its_query_string(resident, json_log):
    resident.get("/finns/inte/alls/har/?epost=anna@example.se", HTTP_X_REQUEST_ID="abc-123")
    not_found = [line for line in lines(json_log) if line["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == "abc-123"
    assert "anna@example.se" not in json_log.getvalue()


def test_an_implausible_request_id_is_replaced(resident, json_log):
    response = resident.get("/livez", HTTP_X_REQUEST_ID='"><script>alert(1)</script>')
    assert "<" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert "script" not in json_log.getvalue()


def test_json_is_the_default_log_format_without_debug():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.se", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "json"
