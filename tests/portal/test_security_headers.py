"""Security headers, HTTPS and cookies (portal/settings.py, "Security headers"; portal/security.py).

The Content-Security-Policy is on in every mode, so these tests (and the browser tests,
tests/browser/test_content_security_policy.py) see the policy production sends. What only production turns on
(HTTPS redirect, HSTS, __Host- cookies) is read from the settings loaded in a fresh interpreter with production's
environment, as tests/portal/test_settings.py does.
"""

import base64
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import Client, RequestFactory
from django.urls import path

from portal.settings import map_tile_source

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET_KEY = "k7#Qm2!vX9pL4@wZ8rT1^yN6&bH3*cF5(dJ0)sG2-eA7+uK4=oP9"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": STRONG_SECRET_KEY, "ALLOWED_HOSTS": "medborgarloften.example.se"}
# Variables the tests below set themselves; one left in the caller's environment must not change their outcome.
OURS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "MAP_TILE_URL",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "OPEN_DATA_PUBLISHER_NAME",
    "OPEN_DATA_CONTACT_EMAIL",
    "SITE_URL",
}


def environment(**env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests (tests/browser/conftest.py) in whichever xdist worker
    # imported them; a deployment never has it, and `check --deploy` rightly refuses it.
    ignored = OURS | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {name: value for name, value in os.environ.items() if name not in ignored}
    return {**clean, **env}


def production_settings(**env):
    """These settings as production's environment (plus `env`) makes them, read in a fresh interpreter."""
    return _production_settings(tuple(sorted(env.items())))


@functools.cache  # a fresh interpreter with Django set up takes seconds; the same environment gives the same answer
def _production_settings(env_items):
    env = dict(env_items)
    names = [
        "DEBUG",
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_DOMAIN",
        "CSRF_COOKIE_PATH",
        "MESSAGE_STORAGE",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "CONTENT_SECURITY_POLICY",
    ]
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(DJANGO_SETTINGS_MODULE="portal.settings", **PRODUCTION, **env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def directives(header):
    """{'default-src': ["'self'"], …} from a Content-Security-Policy header."""
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def style_hash(css):
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


# A URLconf of this module's own for the 500 page: nothing in the portal fails on purpose.
def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", failing_view)]


@pytest.mark.django_db
def test_a_page_is_sent_with_a_strict_content_security_policy(client):
    response = client.get("/om/")

    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    # Only the 500 page's inline stylesheet, by its hash: no inline style, script or eval anywhere else.
    assert policy["style-src"] == ["'self'", django_settings.CSP_500_STYLE_HASH]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "unsafe-hashes" not in header
    assert "nonce-" not in header


@pytest.mark.django_db
def test_a_page_is_sent_with_the_other_security_headers(client):
    response = client.get("/om/")

    permissions = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert permissions[feature] == "()", feature
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_page_from_the_page_cache_is_sent_with_the_policy_too(client, settings, vasterbotten):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/vindeln/")
    second = client.get("/vindeln/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


@pytest.mark.django_db
def test_static_files_are_sent_with_the_policy(client, settings):
    # From the finders, as in development: a fresh clone has no collected STATIC_ROOT (whitenoise reads the
    # setting when the test client first builds the middleware, i.e. at this test's first request).
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/static/js/places-map.js")

    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_pdf_is_sent_without_a_policy_so_that_the_browsers_pdf_viewer_is_not_blocked(client, vasterbotten):
    response = client.get("/vindeln/2023-2025/dokument.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_500_pages_inline_style_is_allowed_by_its_hash():
    # The 500 page uses no static file (they might be what is broken), so its stylesheet is inline; the policy
    # allows exactly that text. Recomputed from the template: an edit there must update CSP_500_STYLE_HASH.
    template = (ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    styles = re.findall(r"<style>(.*?)</style>", template, flags=re.DOTALL)

    assert [style_hash(css) for css in styles] == [django_settings.CSP_500_STYLE_HASH]
    assert "style=" not in template
    assert "<script" not in template


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_500_page_is_sent_with_the_policy_that_allows_its_style():
    response = Client(raise_request_exception=False).get("/fails/")

    assert response.status_code == 500
    assert django_settings.CSP_500_STYLE_HASH in response["Content-Security-Policy"]
    css = re.search(r"<style>(.*?)</style>", response.content.decode(), flags=re.DOTALL).group(1)
    assert style_hash(css) == django_settings.CSP_500_STYLE_HASH


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.se/{z}/{x}/{y}.png", "https://*.tile.example.se"),
        ("https://kartor.example.se:8443/tiles/{z}/{x}/{y}.png", "https://kartor.example.se:8443"),
        ("/static/tiles/{z}/{x}/{y}.png", None),  # the portal's own: 'self' already allows them
    ],
)
def test_the_map_tile_server_is_allowed_as_an_image_source(tile_url, source):
    assert map_tile_source(tile_url) == source


def test_the_policy_follows_map_tile_url_from_the_environment():
    policy = production_settings(MAP_TILE_URL="https://{s}.tiles.example.se/{z}/{x}/{y}.png")
    assert policy["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'",
        "data:",
        "https://*.tiles.example.se",
    ]


def test_production_cookies_are_host_only_secure_and_the_session_cookie_is_httponly():
    production = production_settings()

    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    # What a browser requires of a __Host- cookie: Secure, Path=/ and no Domain.
    for prefix in ("SESSION", "CSRF"):
        assert production[f"{prefix}_COOKIE_SECURE"] is True
        assert production[f"{prefix}_COOKIE_PATH"] == "/"
        assert production[f"{prefix}_COOKIE_DOMAIN"] is None
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    # No "messages" cookie (it would have no prefix): the admin's messages wait in the session.
    assert production["MESSAGE_STORAGE"] == "django.contrib.messages.storage.session.SessionStorage"


def test_development_keeps_plain_cookie_names_that_work_over_http():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(getattr(s, 'SESSION_COOKIE_NAME', 'sessionid'))"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sessionid"]


def cookie_headers(settings, **production_values):
    """The Set-Cookie headers Django's own session and CSRF middleware write with these settings."""
    for name, value in production_values.items():
        setattr(settings, name, value)

    def view(request):
        request.session["seen"] = True
        get_token(request)
        return HttpResponse("ok")

    request = RequestFactory().get("/", secure=True)
    response = SessionMiddleware(CsrfViewMiddleware(view))(request)
    return {name: morsel.OutputString() for name, morsel in response.cookies.items()}


@pytest.mark.django_db
def test_the_production_cookie_settings_make_valid_host_prefixed_cookies(settings):
    production = production_settings()
    names = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    cookies = cookie_headers(settings, **{name: production[name] for name in names})

    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for header in cookies.values():
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
        assert "secure" in attributes
        assert "domain" not in attributes
        assert "Path=/" in header
    assert "HttpOnly" in cookies["__Host-sessionid"]


def test_production_redirects_to_https_except_the_load_balancers_probes():
    production = production_settings()

    assert production["SECURE_SSL_REDIRECT"] is True
    exempt = production["SECURE_REDIRECT_EXEMPT"]
    # SecurityMiddleware matches these against the path without its leading slash.
    for probe in ("livez", "healthz"):
        assert any(re.search(pattern, probe) for pattern in exempt), probe
    for page in ("", "om/", "admin/login/", "livez-not", "vindeln/healthz"):
        assert not any(re.search(pattern, page) for pattern in exempt), page


@pytest.mark.django_db
def test_with_the_redirect_on_pages_go_to_https_and_the_probes_answer_over_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # new: SecurityMiddleware reads its settings when the handler is built

    page = client.get("/om/")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/om/"
    assert client.get("/livez").status_code == 200
    assert client.get("/healthz").status_code != 301


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload_unless_told_otherwise():
    production = production_settings()
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True

    trial = production_settings(
        SECURE_HSTS_SECONDS="300", SECURE_HSTS_INCLUDE_SUBDOMAINS="false", SECURE_HSTS_PRELOAD="false"
    )
    assert (trial["SECURE_HSTS_SECONDS"], trial["SECURE_HSTS_INCLUDE_SUBDOMAINS"], trial["SECURE_HSTS_PRELOAD"]) == (
        300,
        False,
        False,
    )


@pytest.mark.django_db
def test_hsts_header_over_https(settings):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = Client().get("/om/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("HTTP_X_FORWARDED_PROTO", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("", None),
    ],
)
def test_the_proxy_ssl_header_is_trusted_only_when_named(value, expected):
    assert production_settings(SECURE_PROXY_SSL_HEADER=value)["SECURE_PROXY_SSL_HEADER"] == expected


@pytest.mark.parametrize("redis", [False, True], ids=["one-process", "redis"])
def test_production_settings_pass_the_deployment_checks_without_warnings(redis):
    # A deployment names who publishes its open data (promises/checks.py warns until it does).
    # …and its public address, for the links in residents' subscription mails (subscriptions/checks.py).
    publisher = {
        "OPEN_DATA_PUBLISHER_NAME": "Vindelns kommun",
        "OPEN_DATA_CONTACT_EMAIL": "oppna-data@example.se",
        "SITE_URL": "https://medborgarloften.example.se",
    }
    # Several processes need REDIS_URL (portal/checks.py); one process, declared, does not.
    shared = {"REDIS_URL": "redis://127.0.0.1:6379/0"} if redis else {"WEB_CONCURRENCY": "1"}
    env = {**PRODUCTION, **publisher, **shared}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_admin_list_makes_django_write_its_inline_style():
    # Django's change_list.html writes an inline <style> when a ModelAdmin sets both actions_on_top and
    # actions_on_bottom to False, which the policy would refuse. None does; one that needs to must override that
    # template's extrastyle block with a stylesheet instead (static/css/admin-without-inline-styles.css).
    from django.contrib import admin

    offenders = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not (model_admin.actions_on_top or model_admin.actions_on_bottom)
    ]
    assert offenders == []
