from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeOfDay(models.TextChoices):
    DAY = "day", _("Dag")
    EVENING = "evening", _("Kväll")
    NIGHT = "night", _("Natt")


class Moderation(models.TextChoices):
    """What residents send in is read by a coordinator before anything of it can be public."""

    PENDING = "pending", _("Väntar på granskning")
    APPROVED = "approved", _("Godkänd för publicering")
    REJECTED = "rejected", _("Avvisad")
