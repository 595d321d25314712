"""The accessibility feedback form: which page, what the problem is, and how to answer if the sender wants it."""

import re
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from portal.models import AccessibilityFeedback
from portal.public_forms import AnonymousPublicForm

PROBLEM_MAX_LENGTH = 4000
PAGE_MAX_LENGTH = 500
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 30
# A phone number as people write it: digits with spaces, dashes, brackets and a leading +; 6 to 15 digits.
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]+$")


def page_on_this_site(value, *, host):
    """The path (and query) of an address on this site, or None if it is not one.

    Accepts what a person copies from the address bar (https://host/umea/) as well as a path (/umea/).
    """
    value = (value or "").strip()
    if not value or len(value) > PAGE_MAX_LENGTH:
        return None
    # Django's own check for redirect targets: refuses other hosts, odd schemes, backslashes and control characters.
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={host}, require_https=False):
        return None
    parts = urlsplit(value)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class AccessibilityFeedbackForm(AnonymousPublicForm):
    token_namespace = "accessibility-feedback-token"

    page = forms.CharField(
        label=_("Vilken sida gäller det?"),
        required=False,
        max_length=PAGE_MAX_LENGTH,
        help_text=_(
            "Adressen till sidan, till exempel /umea/. Kom du hit via en länk längst ner på en sida är adressen "
            "redan ifylld. Lämna tomt om det gäller hela webbplatsen."
        ),
        error_messages={"max_length": _("Adressen får vara högst %(limit_value)d tecken.")},
    )
    problem = forms.CharField(
        label=_("Vad är problemet?"),
        max_length=PROBLEM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Beskriv vad du försökte göra och vad som inte fungerade, till exempel med skärmläsare, förstoring "
            "eller bara tangentbordet. Högst 4 000 tecken."
        ),
        error_messages={
            "required": _("Beskriv problemet innan du skickar."),
            "max_length": _("Beskrivningen får vara högst %(limit_value)d tecken. Nu är den %(show_value)d tecken."),
        },
    )
    email = forms.EmailField(
        label=_("Din e-postadress"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Frivilligt, om du vill ha svar med e-post. Vi använder den bara för att svara dig."),
        error_messages={
            "invalid": _("Skriv en hel e-postadress, till exempel namn@exempel.se, eller lämna fältet tomt."),
            "max_length": _("E-postadressen får vara högst %(limit_value)d tecken."),
        },
    )
    phone = forms.CharField(
        label=_("Ditt telefonnummer"),
        required=False,
        max_length=PHONE_MAX_LENGTH,
        help_text=_("Frivilligt, om du hellre vill att vi ringer. Vi använder det bara för att svara dig."),
        error_messages={"max_length": _("Telefonnumret får vara högst %(limit_value)d tecken.")},
    )
    field_order = ["page", "problem", "email", "phone", "website", "token"]

    def __init__(self, *args, host, **kwargs):
        super().__init__(*args, **kwargs)
        self.host = host
        # Their purpose for the browser's autofill (WCAG 1.3.5), and the right keyboard on a phone.
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            Field("page"),
            Field("problem"),
            Field("email"),
            Field("phone"),
            *self.honeypot_layout(),
            Submit("submit", _("Skicka"), css_class="btn-primary"),
        )

    def clean_page(self):
        value = self.cleaned_data["page"].strip()
        if not value:
            return ""
        path = page_on_this_site(value, host=self.host)
        if path is None:
            raise ValidationError(
                _("Skriv adressen till en sida på den här webbplatsen, till exempel /umea/, eller lämna fältet tomt."),
                code="not_on_site",
            )
        return path

    def clean_phone(self):
        value = " ".join(self.cleaned_data["phone"].split())
        if value and not (PHONE_PATTERN.match(value) and 6 <= sum(c.isdigit() for c in value) <= 15):
            raise ValidationError(
                _("Skriv telefonnumret med siffror, till exempel 070-123 45 67, eller lämna fältet tomt."),
                code="invalid",
            )
        return value

    def submit(self, *, language):
        """Store the feedback once; None when it came from a bot or repeats a form already sent."""
        if not self.is_first_submit():
            return None
        return AccessibilityFeedback.objects.create(
            page=self.cleaned_data["page"],
            problem=self.cleaned_data["problem"],
            email=self.cleaned_data["email"],
            phone=self.cleaned_data["phone"],
            language=language,
        )
