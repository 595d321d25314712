"""Two-factor admin login (portal/two_factor.py): with ADMIN_OTP_REQUIRED every staff user gives a code from an
authenticator app (or a backup code) at login; one without a device may open only the enrolment page until a code
confirms the app. Off (DEBUG, `make run`, the tests by default) the admin works with a password alone.
"""

import os
import re
import subprocess
import sys
from base64 import b32decode

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import two_factor
from promises.models import FollowUp, PromisePeriod
from tests.html_language import document_language

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-123"  # tests/factories.make_user's default
BACKUP_CODE = "abcd2345"


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_OTP_REQUIRED = True


@pytest.fixture
def enrolled_police_coordinator(police_coordinator_vindeln):
    """The police's coordinator for Vindeln, who has enrolled: an authenticator app and one unused backup code."""
    device = TOTPDevice.objects.create(user=police_coordinator_vindeln, name="Autentiseringsapp", confirmed=True)
    static = StaticDevice.objects.create(user=police_coordinator_vindeln, name="Reservkoder", confirmed=True)
    StaticToken.objects.create(device=static, token=BACKUP_CODE)
    police_coordinator_vindeln.app = device
    return police_coordinator_vindeln


def code_for(device_or_key):
    key = device_or_key.bin_key if isinstance(device_or_key, TOTPDevice) else device_or_key
    return f"{totp(key):06d}"


def wrong_code(right):
    return f"{(int(right) + 500_000) % 1_000_000:06d}"


def log_in(client, username, otp_token=None, password=PASSWORD):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return client.post(reverse("admin:login"), data)


def text(response):
    return " ".join(response.content.decode().split())


def is_logged_in(client):
    return "_auth_user_id" in client.session


ENROL = reverse("admin:two_factor_enrol")


def admin_urls(vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    follow_up = FollowUp.objects.filter(period=period).first()
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["promises"]),
        reverse("admin:promises_followup_changelist"),
        reverse("admin:promises_followup_change", args=[follow_up.pk]),
        reverse("admin:promises_followup_history", args=[follow_up.pk]),
        reverse("admin:promises_followup_import"),
        reverse("admin:promises_promiseperiod_change", args=[period.pk]),
        reverse("admin:promises_promiseperiod_add"),
        reverse("admin:autocomplete") + "?app_label=promises&model_name=followup&field_name=period&term=Vindeln",
        reverse("admin:password_change"),
        reverse("admin:jsi18n"),
    ]


# Not required: as before.


def test_without_the_setting_the_login_asks_for_no_code(client, coordinator_vindeln):
    response = client.get(reverse("admin:login"))
    assert 'name="otp_token"' not in response.content.decode()

    assert log_in(client, "kommun-vindeln").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_setting_a_staff_user_without_device_uses_the_admin(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    assert client.get(reverse("admin:promises_followup_changelist")).status_code == 200


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.se"}


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, "False"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.se"}, "True"),
        (
            {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.se", "ADMIN_OTP_REQUIRED": "false"},
            "False",
        ),
    ],
)
def test_codes_are_required_by_default_when_debug_is_off(env, required):
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ADMIN_OTP_REQUIRED"}
    clean = {name: value for name, value in os.environ.items() if name not in ours}
    code = "import portal.settings as s; print(s.ADMIN_OTP_REQUIRED)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )

    assert result.stdout.strip() == required, result.stderr


# Required: enrolment.


def test_staff_without_device_logs_in_with_password_and_lands_on_enrolment(client, otp_required, coordinator_vindeln):
    response = log_in(client, "kommun-vindeln", otp_token="")

    assert response.status_code == 302
    assert is_logged_in(client)
    assert client.get(reverse("admin:index"))["Location"] == ENROL
    assert client.get(reverse("admin:login"))["Location"] == ENROL


def test_staff_without_device_is_sent_to_enrolment_from_every_admin_page(
    client, otp_required, coordinator_vindeln, vasterbotten
):
    client.force_login(coordinator_vindeln)

    for url in admin_urls(vasterbotten):
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, ENROL), url
    # Posting is no way round it either.
    period = vasterbotten["periods"]["vindeln"]
    response = client.post(reverse("admin:promises_promiseperiod_change", args=[period.pk]), {"preamble": "Ändrad"})
    assert response["Location"] == ENROL
    assert PromisePeriod.objects.get(pk=period.pk).preamble != "Ändrad"


def test_enrolment_page_shows_a_qr_code_and_the_secret(client, otp_required, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = client.get(ENROL)

    assert response.status_code == 200
    html = response.content.decode()
    assert document_language(html) == "sv"
    assert "<h1>Slå på tvåstegsverifiering</h1>" in html
    assert re.search(r"<svg [^>]*><title>QR-kod att skanna med autentiseringsappen</title><g [^>]*><path ", html)
    key = client.session[two_factor.ENROL_KEY_SESSION_KEY]
    secret = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert b32decode(secret.replace(" ", "")).hex() == key
    assert '<label for="id_token">Kod från appen:</label>' in html
    assert 'aria-describedby="id_token_helptext"' in html
    assert 'id="id_token_helptext"' in html
    # Content-Security-Policy: nothing inline.
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)
    # Nothing is saved before a code confirms the app.
    assert not TOTPDevice.objects.exists()


def test_the_secret_stays_the_same_until_confirmed(client, otp_required, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    client.get(ENROL)
    key = client.session[two_factor.ENROL_KEY_SESSION_KEY]

    client.get(ENROL)

    assert client.session[two_factor.ENROL_KEY_SESSION_KEY] == key


def test_a_wrong_code_saves_nothing_and_says_so_in_swedish(client, otp_required, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    client.get(ENROL)
    key = bytes.fromhex(client.session[two_factor.ENROL_KEY_SESSION_KEY])

    response = client.post(ENROL, {"token": wrong_code(code_for(key))})

    assert response.status_code == 400
    assert "Koden stämmer inte, så appen är inte kopplad ännu" in text(response)
    assert "Inget har sparats." in text(response)
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert client.get(reverse("admin:index"))["Location"] == ENROL


def test_the_right_code_confirms_the_app_shows_backup_codes_once_and_opens_the_admin(
    client, otp_required, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    client.get(ENROL)
    key = bytes.fromhex(client.session[two_factor.ENROL_KEY_SESSION_KEY])

    response = client.post(ENROL, {"token": code_for(key)})

    assert response["Location"] == reverse("admin:two_factor_backup_codes")
    device = TOTPDevice.objects.get(user=coordinator_vindeln)
    assert device.confirmed and device.bin_key == key
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=coordinator_vindeln).values_list("token", flat=True)
    )
    assert "<code>" not in client.get(reverse("admin:two_factor_backup_codes")).content.decode()
    # This session is verified: the admin works.
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:promises_followup_changelist")).status_code == 200
    assert client.get(ENROL)["Location"] == reverse("admin:index")


def test_someone_in_the_middle_of_enrolling_can_log_out(client, otp_required, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert not is_logged_in(client)


def test_enrolment_is_only_for_staff(client, otp_required, vasterbotten):
    assert client.get(ENROL)["Location"].startswith(reverse("admin:login"))


# Required: login with a device.


def test_an_enrolled_user_must_give_a_code(client, otp_required, enrolled_police_coordinator):
    response = log_in(client, "polis-vindeln", otp_token="")

    assert response.status_code == 200
    assert two_factor.LOGIN_FAILED in text(response)
    assert not is_logged_in(client)


def test_a_right_password_without_code_reads_like_a_wrong_one(client, otp_required, enrolled_police_coordinator):
    # Otherwise the message would tell someone guessing passwords that they had found the right one.
    without_code = text(log_in(client, "polis-vindeln", otp_token=""))
    wrong_password = text(log_in(client, "polis-vindeln", password="fel-losenord-helt", otp_token=""))

    assert two_factor.LOGIN_FAILED in without_code
    assert two_factor.LOGIN_FAILED in wrong_password


def test_the_login_page_asks_for_the_code_with_a_label(client, otp_required):
    html = client.get(reverse("admin:login")).content.decode()

    assert '<label for="id_otp_token">Engångskod:</label>' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'aria-describedby="id_otp_token_helptext"' in html


def test_an_enrolled_user_logs_in_with_the_code_from_the_app(client, otp_required, enrolled_police_coordinator):
    response = log_in(client, "polis-vindeln", otp_token=code_for(enrolled_police_coordinator.app))

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:promises_followup_changelist")).status_code == 200


def test_a_wrong_code_is_refused(client, otp_required, enrolled_police_coordinator):
    right = code_for(enrolled_police_coordinator.app)

    response = log_in(client, "polis-vindeln", otp_token=wrong_code(right))

    assert response.status_code == 200
    assert two_factor.LOGIN_FAILED in text(response)
    assert not is_logged_in(client)


def test_a_code_is_not_accepted_twice(client, otp_required, enrolled_police_coordinator):
    code = code_for(enrolled_police_coordinator.app)
    assert log_in(client, "polis-vindeln", otp_token=code).status_code == 302
    client.logout()

    assert log_in(client, "polis-vindeln", otp_token=code).status_code == 200


def test_a_backup_code_works_once(client, otp_required, enrolled_police_coordinator):
    assert log_in(client, "polis-vindeln", otp_token=BACKUP_CODE.upper()).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()

    assert log_in(client, "polis-vindeln", otp_token=BACKUP_CODE).status_code == 200


def test_a_password_session_without_code_is_sent_back_to_the_login(client, otp_required, enrolled_police_coordinator):
    # E.g. a session from before the setting was turned on: logged in, but never verified.
    client.force_login(enrolled_police_coordinator)

    response = client.get(reverse("admin:promises_followup_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(ENROL)["Location"] == reverse("admin:index")  # no second device behind the login's back


def test_wrong_codes_lock_the_login_out_like_wrong_passwords(client, otp_required, enrolled_police_coordinator):
    wrong = wrong_code(code_for(enrolled_police_coordinator.app))
    responses = [log_in(client, "polis-vindeln", otp_token=wrong) for _ in range(5)]

    assert responses[-1].status_code == 429
    assert log_in(client, "polis-vindeln", otp_token=code_for(enrolled_police_coordinator.app)).status_code == 429


# Lost phone: a national administrator resets the devices.


def test_national_admin_resets_a_lost_phone(client, admin_client_for, enrolled_police_coordinator, settings):
    response = admin_client_for.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [enrolled_police_coordinator.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled_police_coordinator).exists()
    assert not StaticDevice.objects.filter(user=enrolled_police_coordinator).exists()
    # At the next login the coordinator enrols again.
    settings.ADMIN_OTP_REQUIRED = True
    assert log_in(client, "polis-vindeln", otp_token="").status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == ENROL


def test_the_device_admin_never_shows_a_secret(admin_client_for, enrolled_police_coordinator):
    device = enrolled_police_coordinator.app

    html = admin_client_for.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    static = StaticDevice.objects.get(user=enrolled_police_coordinator)
    static_html = admin_client_for.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk])).content

    assert device.key not in html
    assert BACKUP_CODE not in static_html.decode()


def test_a_coordinator_cannot_reset_anyones_devices(client, coordinator_vindeln, enrolled_police_coordinator):
    client.force_login(coordinator_vindeln)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [enrolled_police_coordinator.pk]},
    )

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=enrolled_police_coordinator).exists()
