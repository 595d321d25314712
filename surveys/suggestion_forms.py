"""The public suggestion form: ”Vad tycker du kan göras för att öka tryggheten?”

Bots are kept out without a CAPTCHA: a rate limit (in the view) and a honeypot field that people never see
or reach with the keyboard, but that a screen reader announces as ”Lämna det här fältet tomt”. A random
token in the form makes a second submit of the same form (a double click, a reload) store nothing.
"""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from surveys.models import Suggestion

TEXT_MAX_LENGTH = 4000
# Long enough for a slow double click or a reload of the thank-you redirect, short enough not to pile up.
TOKEN_TIMEOUT_SECONDS = 60 * 60


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("Vad tycker du kan göras för att öka tryggheten?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Högst 4 000 tecken. Skriv inte ditt namn eller något annat som kan peka ut dig eller någon annan."
        ),
        error_messages={
            "required": _("Skriv din synpunkt innan du skickar."),
            "max_length": _("Synpunkten får vara högst %(limit_value)d tecken. Nu är den %(show_value)d tecken."),
        },
    )
    # The honeypot: a field name bots like to fill in.
    website = forms.CharField(
        label=_("Lämna det här fältet tomt"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            Field("text"),
            Div("website", css_class="suggestion-honeypot"),
            "token",
            Submit("submit", _("Skicka synpunkten"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned_data = super().clean()
        try:
            cleaned_data["token"] = uuid.UUID(cleaned_data.get("token") or "")
        except ValueError:
            # A fresh token in the re-shown form, so that sending it again works.
            self.data = self.data.copy()
            self.data[self.add_prefix("token")] = str(uuid.uuid4())
            # Checked here, not on the field: an error on a hidden field would be shown next to nothing.
            raise forms.ValidationError(_("Formuläret gick inte att skicka. Försök igen."), code="token") from None
        return cleaned_data

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))

    def submit(self, *, municipality):
        """Store the suggestion once; None when it came from a bot or repeats a form already sent."""
        if self.is_bot:
            return None
        # cache.add is atomic (also in Redis): of two simultaneous submits of one form, only one adds the key.
        if not cache.add(f"suggestion-token:{self.cleaned_data['token']}", True, TOKEN_TIMEOUT_SECONDS):
            return None
        # Deliberately nothing about the sender: no IP address, no time of day, no browser.
        return Suggestion.objects.create(municipality=municipality, text=self.cleaned_data["text"])
