"""Two-factor login for the admin (django-otp): a code from an authenticator app (TOTP), or a one-time backup code.

With ADMIN_OTP_REQUIRED (production's default) every staff user gives a code at login. A staff user with no
confirmed device yet logs in with the password only and may then reach nothing in the admin but the enrolment
page (PortalAdminSite.admin_view sends them there), where they add the app and confirm it with a code. With
the setting off (DEBUG, `make run`, the tests) the login form has no code field and the admin works as before.

User-facing text is Swedish and not marked for translation: the admin is always Swedish.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import user_logged_in, user_login_failed
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

# The secret of an enrolment in progress lives in the session until a code confirms it: a wrong code saves nothing.
ENROL_KEY_SESSION_KEY = "two_factor_enrol_key"
# Backup codes are shown once, on the page after enrolment, and never again.
BACKUP_CODES_SESSION_KEY = "two_factor_backup_codes"
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
STATIC_DEVICE_NAME = "Reservkoder"

# One message for a wrong password, a missing code and a wrong code alike: a message that asked for the code
# only after a right password would tell someone guessing passwords that they had found one. Five failures of
# any kind lock the username out at that address (django-axes).
LOGIN_FAILED = (
    "Fel användarnamn, lösenord eller engångskod. Engångskoden är de sex siffror som autentiseringsappen visar "
    "just nu (de byts var 30:e sekund) eller en av dina reservkoder; första gången du loggar in lämnar du fältet "
    "tomt. Observera att användarnamn och lösenord kan vara skiftlägeskänsliga."
)


def required():
    return settings.ADMIN_OTP_REQUIRED


def is_staff(user):
    return user.is_authenticated and user.is_active and user.is_staff


def must_enrol(request):
    """A staff user who has logged in with a password but has no confirmed device yet: enrolment only."""
    user = request.user
    return required() and is_staff(user) and not user.is_verified() and not user_has_device(user, confirmed=True)


def _normalise(token):
    return "".join((token or "").split()).lower()


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form; with ADMIN_OTP_REQUIRED it also asks for a code from the user's device."""

    otp_token = forms.CharField(
        label="Engångskod",
        required=False,
        max_length=16,
        help_text="Sex siffror från autentiseringsappen, eller en reservkod. Lämna tomt första gången du loggar in.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if required():
            self.error_messages = {**self.error_messages, "invalid_login": LOGIN_FAILED}
        else:
            del self.fields["otp_token"]

    def clean(self):
        cleaned_data = super().clean()
        if "otp_token" in self.fields:
            self._clean_otp(self.get_user())
        return cleaned_data

    def _clean_otp(self, user):
        user.otp_device = None
        devices = list(devices_for_user(user, confirmed=True))
        if not devices:
            # First login: the password is enough to reach the enrolment page, and nothing else (must_enrol).
            return
        token = _normalise(self.cleaned_data.get("otp_token"))
        if not token:
            self._failed(user)
        # One device per kind of code, chosen by the code's shape, so that a code is checked (and a failure
        # throttled) on the device it belongs to only: six digits from the app, anything else a backup code.
        kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        with transaction.atomic():
            device = next(
                (d for d in devices_for_user(user, confirmed=True, for_verify=True) if isinstance(d, kind)), None
            )
            if device is not None:
                # A device throttled after failed codes (django-otp) refuses even the right one, with the same
                # message.
                allowed, _reason = device.verify_is_allowed()
                if allowed and device.verify_token(token):
                    user.otp_device = device
                    return
        self._failed(user)

    def _failed(self, user):
        # A missing or wrong code, or one tried while the device is throttled, counts as a failed login for
        # django-axes too: five lock the username out at this address like five wrong passwords.
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
        raise forms.ValidationError(LOGIN_FAILED, code="invalid_login")


class EnrolForm(forms.Form):
    token = forms.CharField(
        label="Kod från appen",
        max_length=10,
        help_text="De sex siffror som appen visar för kontot, utan mellanslag.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.time_step = None

    def clean_token(self):
        token = _normalise(self.cleaned_data["token"])
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Koden ska vara sex siffror. Skriv den kod som appen visar just nu.")
        totp = TOTP(unhexlify(self.key), step=30, t0=0, digits=6)
        totp.time = time.time()
        # One step either way, as the device itself will accept: a phone clock a little off still works.
        if not totp.verify(int(token), tolerance=1):
            raise forms.ValidationError(
                "Koden stämmer inte, så appen är inte kopplad ännu. Kontrollera att telefonens klocka går rätt "
                "och skriv den kod som appen visar just nu. Inget har sparats."
            )
        self.time_step = totp.t()
        return token


def _otpauth_url(user, key):
    # The same URL as TOTPDevice.config_url, built before any device row exists.
    return TOTPDevice(user=user, key=key).config_url


def _grouped(key):
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(url):
    # White background and quiet zone: scannable in the admin's dark mode too. segno writes no style attributes.
    # mark_safe: segno's output is path data and our fixed title, nothing from the user.
    return mark_safe(
        segno.make(url, error="m").svg_inline(
            scale=5, border=4, dark="#000", light="#fff", title="QR-kod att skanna med autentiseringsappen"
        )
    )


def enrol_view(request):
    """The only admin page a staff user without a confirmed device may open (when ADMIN_OTP_REQUIRED)."""
    user = request.user
    if not is_staff(user):
        return redirect_to_login(request)
    if user_has_device(user, confirmed=True):
        return HttpResponseRedirect(reverse("admin:index"))
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not key:
        key = random_hex(20)
        request.session[ENROL_KEY_SESSION_KEY] = key
    status = 200
    if request.method == "POST":
        form = EnrolForm(request.POST, key=key)
        if form.is_valid():
            codes = _confirm_devices(user, key=key, time_step=form.time_step)
            otp_login(request, user.totpdevice_set.get(confirmed=True))
            request.session.pop(ENROL_KEY_SESSION_KEY, None)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            messages.success(
                request, "Tvåstegsverifieringen är påslagen. Nästa gång loggar du in med en kod från appen."
            )
            return HttpResponseRedirect(reverse("admin:two_factor_backup_codes"))
        status = 400
    else:
        form = EnrolForm(key=key)
    context = {
        **admin.site.each_context(request),
        "title": "Slå på tvåstegsverifiering",
        "form": form,
        "qr_code": _qr_svg(_otpauth_url(user, key)),
        "secret": _grouped(key),
        "issuer": settings.OTP_TOTP_ISSUER,
        "username": user.get_username(),
    }
    return TemplateResponse(request, "admin/two_factor/enrol.html", context, status=status)


@transaction.atomic
def _confirm_devices(user, *, key, time_step):
    # Whatever the user had (only unconfirmed leftovers can exist here) is replaced by the new pair.
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=time_step)
    static = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def backup_codes_view(request):
    """The backup codes, once, right after enrolment (they are then only stored, never shown)."""
    user = request.user
    if not is_staff(user):
        return redirect_to_login(request)
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    context = {
        **admin.site.each_context(request),
        "title": "Dina reservkoder",
        "codes": codes,
    }
    return TemplateResponse(request, "admin/two_factor/backup_codes.html", context)


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as _redirect

    return _redirect(request.get_full_path(), reverse("admin:login"))


def reset_devices(user):
    """Removes every device of the user: at the next login they enrol again (a lost or replaced phone)."""
    count = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        count += 1
    return count


def _forget_enrolment_on_login(sender, request, user, **kwargs):
    # A secret shown to someone else earlier in this browser must not be the one confirmed by the next user.
    if request is not None and hasattr(request, "session"):
        request.session.pop(ENROL_KEY_SESSION_KEY, None)


user_logged_in.connect(_forget_enrolment_on_login, dispatch_uid="portal.two_factor.forget_enrolment")
