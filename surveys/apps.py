from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    # Safety surveys, unsafe places, dialogues and suggestions arrive with their own issue; the app exists now
    # so that the dependency direction portal <- surveys <- promises is fixed from the start.
    name = "surveys"
    verbose_name = _("Trygghetsundersökningar och dialoger")
