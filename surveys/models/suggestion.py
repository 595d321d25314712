from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality


class Suggestion(models.Model):
    """”Vad tycker du kan göras för att öka tryggheten?” Read by coordinators, never shown publicly, and
    deleted after SUGGESTION_RETENTION_DAYS (manage.py delete_old_suggestions)."""

    municipality_path = "municipality"
    page_cache_invalidates = "nothing"  # never shown publicly (portal/invalidation.py)

    class State(models.TextChoices):
        NEW = "new", _("Ny")
        READ = "read", _("Läst")
        FORWARDED = "forwarded", _("Vidarebefordrad")
        ARCHIVED = "archived", _("Arkiverad")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.PROTECT, related_name="suggestions"
    )
    text = models.TextField(_("förslag"))
    submitted_on = models.DateField(_("inskickat"), default=timezone.localdate)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.NEW)
    note = models.TextField(_("intern anteckning"), blank=True)

    class Meta:
        verbose_name = _("synpunkt")
        verbose_name_plural = _("synpunkter")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"
