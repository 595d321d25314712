"""What every anonymous public form shares: a honeypot, a double-submit token and the rate-limit answer.

Bots are kept out without a CAPTCHA: a rate limit (django-ratelimit on the view, see `rate_limit_response`) and
a honeypot field that people never see or reach with the keyboard, but that a screen reader announces as
”Lämna det här fältet tomt”. A random token in the form makes a second submit of the same form (a double click,
a reload) store nothing.

Lives in portal so that every app may use it (surveys' suggestion form, portal's accessibility feedback).
"""

import uuid

from crispy_forms.layout import Div
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited

# Long enough for a slow double click or a reload of the thank-you redirect, short enough not to pile up.
TOKEN_TIMEOUT_SECONDS = 60 * 60


class AnonymousPublicForm(forms.Form):
    """A form sent by anyone: subclasses add their fields and place `honeypot_layout()` in their layout."""

    # Each form's tokens in their own part of the cache: a token used on one form says nothing about another.
    token_namespace = "public-form-token"
    # Hidden by static/css/site.css.
    honeypot_css_class = "form-honeypot"

    # The honeypot: a field name bots like to fill in.
    website = forms.CharField(
        label=_("Lämna det här fältet tomt"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def honeypot_layout(self):
        """The honeypot and the token, for the subclass's crispy Layout."""
        return [Div("website", css_class=self.honeypot_css_class), "token"]

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

    def is_first_submit(self):
        """True once per form: False for a bot, and for a repeat of a form already sent."""
        if self.is_bot:
            return False
        # cache.add is atomic (also in Redis): of two simultaneous submits of one form, only one adds the key.
        return cache.add(f"{self.token_namespace}:{self.cleaned_data['token']}", True, TOKEN_TIMEOUT_SECONDS)


def rate_limit_response(request):
    """The portal's 429 page when django-ratelimit (block=False) has marked the request as over its limit."""
    if getattr(request, "limited", False):
        # settings.RATELIMIT_VIEW, whether or not the rate-limit middleware is on.
        return import_string(settings.RATELIMIT_VIEW)(request, Ratelimited())
    return None
