"""The subscription form: one e-mail address, for one kommun.

The honeypot, the double-submit token and the rate-limit answer are shared with the portal's other anonymous
forms (portal/public_forms.py).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.public_forms import AnonymousPublicForm

EMAIL_MAX_LENGTH = 254


class SubscriptionForm(AnonymousPublicForm):
    token_namespace = "subscription-token"

    email = forms.EmailField(
        label=_("Din e-postadress"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Skriv din e-postadress."),
            "invalid": _("Skriv en hel e-postadress, till exempel namn@exempel.se."),
            "max_length": _("E-postadressen får vara högst %(limit_value)d tecken."),
        },
    )
    field_order = ["email", "website", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Its purpose for the browser's autofill (WCAG 1.3.5), and the right keyboard on a phone.
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.form_method = "post"
        # The portal's own Swedish (or English) messages and error summary, not the browser's, in its own language.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("email"),
            *self.honeypot_layout(),
            Submit("submit", _("Prenumerera"), css_class="btn-primary"),
        )

    def clean_email(self):
        # Domains are case-insensitive; the part before @ is kept as typed (compared without case when stored).
        local, _at, domain = self.cleaned_data["email"].strip().rpartition("@")
        return f"{local}@{domain.lower()}"
