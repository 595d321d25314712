"""What each status means, in plain Swedish, shown beside the choice (GOV.UK's radios with a hint).

A coordinator choosing between "Pågår" and "Löpande", or "Delvis genomförd" and "Försenad", needs to know what
the portal means by each, and residents read the same words on the public pages. The widget is wired into the
follow-up admin in promises/admin/follow_ups.py (`ReportStatusRadioSelect`).
"""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from promises.models import ApprovalState, ReportStatus

STATUS_DEFINITIONS = {
    ReportStatus.NOT_STARTED: _("Arbetet har inte börjat ännu."),
    ReportStatus.IN_PROGRESS: _("Arbetet har börjat men är inte klart. Det ska bli klart under perioden."),
    ReportStatus.CONTINUOUS: _(
        "Görs hela tiden eller återkommande, t.ex. varje vecka eller varje termin, och fortsätter så länge "
        "löftet gäller. Blir aldrig ”klart”."
    ),
    ReportStatus.DONE: _("Genomförd: allt som lovades för året är gjort."),
    ReportStatus.PARTLY_DONE: _("En del av det som lovades för året är gjort, men inte allt. Skriv vad som återstår."),
    ReportStatus.DELAYED: _("Blir inte klart i tid. Skriv varför och när det väntas bli klart."),
    ReportStatus.RENEGOTIATED: _(
        "Kommunen och polisen har kommit överens om att ändra löftet. Skriv vad som ändrades och varför."
    ),
    ReportStatus.STOPPED: _("Arbetet har lagts ner och kommer inte att göras. Skriv varför."),
}

APPROVAL_STATE_DEFINITIONS = {
    ApprovalState.DRAFT: _("Ingen har godkänt den här versionen ännu. Den syns inte för allmänheten."),
    ApprovalState.AWAITING_POLICE: _(
        "Kommunen har godkänt den här versionen. Den publiceras när polisen godkänner samma version."
    ),
    ApprovalState.AWAITING_MUNICIPALITY: _(
        "Polisen har godkänt den här versionen. Den publiceras när kommunen godkänner samma version."
    ),
    ApprovalState.PUBLISHED: _("Både kommunen och polisen har godkänt. Den syns för alla på webbplatsen."),
}


class DefinedRadioSelect(forms.RadioSelect):
    """Radios with each choice's definition beside it, tied to the radio by aria-describedby.

    The template is templates/admin/widgets/radio_with_definitions.html; it is rendered with the project's
    template engine (Django's form renderer looks only in the apps and django/forms).
    """

    template_name = "admin/widgets/radio_with_definitions.html"
    definitions = {}

    def __init__(self, attrs=None, choices=(), definitions=None):
        super().__init__(attrs, choices)
        if definitions is not None:
            self.definitions = definitions

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        definition = self.definitions.get(value, "") if value not in (None, "") else ""
        option["definition"] = definition
        if definition and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option

    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))


class ReportStatusRadioSelect(DefinedRadioSelect):
    definitions = STATUS_DEFINITIONS


class ApprovalStateRadioSelect(DefinedRadioSelect):
    definitions = APPROVAL_STATE_DEFINITIONS
