"""Admin sessions: a new session key at login, two idle hours, SESSION_ABSOLUTE_MAX_AGE (10 hours) after the login
however active (portal/session_lifetime.py), gone when the browser closes; and the password rules in Swedish.
"""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from portal.session_lifetime import LOGIN_TIME_SESSION_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-123"  # tests/factories.make_user's default


def log_in(client, username):
    response = client.post(
        reverse("admin:login"), {"username": username, "password": PASSWORD, "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    return response


def session_cookie(client):
    return client.cookies[settings.SESSION_COOKIE_NAME]


def set_login_time(client, seconds_ago):
    session = client.session
    session[LOGIN_TIME_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def text(response):
    return " ".join(response.content.decode().split())


def test_the_limits_are_two_idle_hours_and_ten_hours_in_all():
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_MAX_AGE == 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_login_gives_a_new_session_key(client, coordinator_vindeln):
    # A session from before the login (e.g. planted by someone else on a shared machine) must not carry over.
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    log_in(client, "kommun-vindeln")

    after = session_cookie(client).value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_session_cookie_ends_with_the_browser(client, coordinator_vindeln):
    log_in(client, "kommun-vindeln")

    cookie = session_cookie(client)

    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert client.session.get_expiry_age() == 2 * 60 * 60


def test_login_stamps_the_login_time(client, coordinator_vindeln):
    log_in(client, "kommun-vindeln")

    assert abs(client.session[LOGIN_TIME_SESSION_KEY] - time.time()) < 60


def test_an_active_session_ends_ten_hours_after_login_with_a_message(client, coordinator_vindeln):
    log_in(client, "kommun-vindeln")
    set_login_time(client, 10 * 60 * 60 + 1)

    response = client.get(reverse("admin:promises_followup_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    login_page = client.get(response["Location"])
    assert "Du har loggats ut eftersom du varit inloggad i 10 timmar" in text(login_page)
    assert "_auth_user_id" not in client.session


def test_a_session_younger_than_ten_hours_goes_on(client, coordinator_vindeln):
    log_in(client, "kommun-vindeln")
    set_login_time(client, 10 * 60 * 60 - 60)

    assert client.get(reverse("admin:promises_followup_changelist")).status_code == 200


def test_a_session_from_before_the_limit_existed_gets_its_clock_started(client, coordinator_vindeln):
    log_in(client, "kommun-vindeln")
    session = client.session
    del session[LOGIN_TIME_SESSION_KEY]
    session.save()

    assert client.get(reverse("admin:index")).status_code == 200
    assert abs(client.session[LOGIN_TIME_SESSION_KEY] - time.time()) < 60


def test_public_pages_leave_anonymous_visitors_without_a_session(client, vasterbotten):
    response = client.get("/")

    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_password_change_refuses_a_weak_password_in_swedish(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "vindeln1", "new_password2": "vindeln1"},
    )

    assert response.status_code == 200
    assert "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken." in text(response)
    coordinator_vindeln.refresh_from_db()
    assert coordinator_vindeln.check_password(PASSWORD)


def test_password_change_refuses_a_common_password_in_swedish(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "password1234", "new_password2": "password1234"},
    )

    assert response.status_code == 200
    assert "Detta lösenord är alldeles för vanligt." in text(response)
    coordinator_vindeln.refresh_from_db()
    assert coordinator_vindeln.check_password(PASSWORD)


def test_password_change_accepts_a_strong_password(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "blåbärssoppa-vid-vindelälven",
            "new_password2": "blåbärssoppa-vid-vindelälven",
        },
    )

    assert response.status_code == 302
    coordinator_vindeln.refresh_from_db()
    assert coordinator_vindeln.check_password("blåbärssoppa-vid-vindelälven")
