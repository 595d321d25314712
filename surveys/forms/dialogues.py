"""The public suggestion form: ”Vad tycker du kan göras för att öka tryggheten?”

The honeypot, the double-submit token and the rate-limit answer are shared with the portal's other anonymous
forms (portal/public_forms.py).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.public_forms import AnonymousPublicForm
from surveys.models import Suggestion

TEXT_MAX_LENGTH = 4000


class SuggestionForm(AnonymousPublicForm):
    token_namespace = "suggestion-token"
    honeypot_css_class = "suggestion-honeypot"

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
    field_order = ["text", "website", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            Field("text"),
            *self.honeypot_layout(),
            Submit("submit", _("Skicka synpunkten"), css_class="btn-primary"),
        )

    def submit(self, *, municipality):
        """Store the suggestion once; None when it came from a bot or repeats a form already sent."""
        if not self.is_first_submit():
            return None
        # Deliberately nothing about the sender: no IP address, no time of day, no browser.
        return Suggestion.objects.create(municipality=municipality, text=self.cleaned_data["text"])
