"""The admin login is throttled (django-axes, portal/login_throttling.py): after AXES_FAILURE_LIMIT wrong passwords a
username is locked out at that address for AXES_COOLOFF_MINUTES, with a Swedish page (status 429); other people
and other addresses are unaffected; an address that fails on many usernames is stopped too.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.html_language import document_language

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-123"  # tests/factories.make_user's default
OFFICE = "198.51.100.7"
HOME = "203.0.113.20"


def log_in(client, username, password, address=OFFICE, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, address=OFFICE, **headers):
    return [log_in(client, username, "fel-lösenord", address, **headers) for _ in range(times)]


def text(response):
    """The page's text with runs of whitespace as one space, as it reads."""
    return " ".join(response.content.decode().split())


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_the_limits_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_MINUTES == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_wrong_password_shows_the_form_again(client, coordinator_vindeln):
    (response,) = fail(client, "kommun-vindeln", 1)

    assert response.status_code == 200
    assert "Ange användarnamn och lösenord för ett personalkonto" in text(response)


def test_fifth_wrong_password_locks_out_with_a_swedish_page(client, coordinator_vindeln):
    responses = fail(client, "kommun-vindeln", 5)

    assert [r.status_code for r in responses[:4]] == [200] * 4
    locked = responses[4]
    assert locked.status_code == 429
    html = text(locked)
    assert document_language(html) == "sv"
    assert "<h1>För många misslyckade inloggningar</h1>" in html
    assert "Lösenordet har angetts fel för många gånger (5 gånger i följd)" in html
    assert "Försök igen efter klockan" in html
    assert "kontakta portalens nationella administratör" in html
    assert "Traceback" not in html
    assert "kommun-vindeln" not in html  # the page never echoes the username that was tried
    assert 14 * 60 < int(locked["Retry-After"]) <= 16 * 60


def test_lockout_page_says_when_to_try_again(client, coordinator_vindeln):
    before = timezone.localtime() + datetime.timedelta(minutes=15)

    html = fail(client, "kommun-vindeln", 5)[-1].content.decode()

    shown = [(before + datetime.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1, 2)]
    assert any(f">{time}</time>" in html for time in shown), shown


def test_lockout_page_names_the_support_address_when_set(client, coordinator_vindeln, settings):
    settings.ADMIN_SUPPORT_EMAIL = "admin@medborgarloften.example.se"

    html = fail(client, "kommun-vindeln", 5)[-1].content.decode()

    assert 'href="mailto:admin@medborgarloften.example.se"' in html


def test_correct_password_is_refused_while_locked_out(client, coordinator_vindeln):
    fail(client, "kommun-vindeln", 5)

    response = log_in(client, "kommun-vindeln", PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, coordinator_vindeln):
    # Default settings: the address is REMOTE_ADDR, whatever headers the visitor sends.
    fail(client, "kommun-vindeln", 5)

    response = log_in(client, "kommun-vindeln", PASSWORD, HTTP_X_FORWARDED_FOR=HOME, HTTP_X_REAL_IP=HOME)

    assert response.status_code == 429


def test_a_colleague_at_the_same_address_is_not_locked_out(client, coordinator_vindeln, police_coordinator_vindeln):
    fail(client, "kommun-vindeln", 5)

    response = log_in(client, "polis-vindeln", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_same_person_at_another_address_is_not_locked_out(client, coordinator_vindeln):
    fail(client, "kommun-vindeln", 5, address=OFFICE)

    response = log_in(client, "kommun-vindeln", PASSWORD, address=HOME)

    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, coordinator_vindeln):
    fail(client, "kommun-vindeln", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    response = log_in(client, "kommun-vindeln", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_resets_the_count(client, coordinator_vindeln):
    fail(client, "kommun-vindeln", 4)
    assert log_in(client, "kommun-vindeln", PASSWORD).status_code == 302
    client.logout()

    responses = fail(client, "kommun-vindeln", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert log_in(client, "kommun-vindeln", PASSWORD).status_code == 302


def test_behind_a_proxy_its_header_names_the_client(client, coordinator_vindeln, settings):
    # The proxy overwrites X-Real-IP with the address it sees; every request comes from the proxy itself.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP"]
    proxy = "10.0.0.2"
    fail(client, "kommun-vindeln", 5, address=proxy, HTTP_X_REAL_IP=OFFICE)

    assert log_in(client, "kommun-vindeln", PASSWORD, address=proxy, HTTP_X_REAL_IP=OFFICE).status_code == 429
    assert log_in(client, "kommun-vindeln", PASSWORD, address=proxy, HTTP_X_REAL_IP=HOME).status_code == 302


def test_one_address_failing_on_many_usernames_is_stopped(client, coordinator_vindeln, settings):
    settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS = "3/h"
    for username in ("anna", "bertil", "cecilia"):
        assert fail(client, username, 1)[0].status_code == 200

    response = log_in(client, "kommun-vindeln", PASSWORD)

    assert response.status_code == 429
    assert "för många misslyckade inloggningar från din uppkoppling" in text(response)
    assert not is_logged_in(client)
    # Another address is not affected.
    assert log_in(client, "kommun-vindeln", PASSWORD, address=HOME).status_code == 302


def test_successful_logins_do_not_count_against_the_address(client, coordinator_vindeln, settings):
    settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS = "3/h"
    for _ in range(4):
        assert log_in(client, "kommun-vindeln", PASSWORD).status_code == 302
        client.logout()


def test_national_admin_sees_and_can_clear_the_attempts_in_the_admin(client, coordinator_vindeln, admin_client_for):
    fail(client, "kommun-vindeln", 5)

    response = admin_client_for.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert "kommun-vindeln" in response.content.decode()
    attempt = AccessAttempt.objects.get(username="kommun-vindeln")
    admin_client_for.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert log_in(client, "kommun-vindeln", PASSWORD).status_code == 302


def test_coordinators_do_not_see_the_attempts(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
