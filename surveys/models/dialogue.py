from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality


class DialogueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now):
        return self.filter(starts_at__gte=now).order_by("starts_at")

    def past(self, now):
        return self.filter(starts_at__lt=now).order_by("-starts_at")

    def starting_from(self, moment):
        return self.filter(starts_at__gte=moment)


class Dialogue(models.Model):
    """A medborgardialog or trygghetsvandring, and afterwards what was heard and what came of it."""

    municipality_path = "municipality"

    class Kind(models.TextChoices):
        DIALOGUE = "dialogue", _("Medborgardialog")
        SAFETY_WALK = "safety_walk", _("Trygghetsvandring")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.PROTECT, related_name="dialogues"
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.DIALOGUE)
    title = models.CharField(_("rubrik"), max_length=200)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    heard = models.TextField(_("ni sa"), blank=True, help_text=_("Vad invånarna tog upp."))
    not_taken_up = models.TextField(
        _("det här gick vi inte vidare med"), blank=True, help_text=_("Vad som inte ledde till något, och varför.")
    )
    source = models.TextField(_("källa"), blank=True)
    published = models.BooleanField(_("publicerad"), default=True)
    # The calendar feed's DTSTAMP and Last-Modified: the same bytes for the same content, so that a calendar app's
    # conditional request gets 304 Not Modified (surveys/calendar.py).
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("medborgardialog")
        verbose_name_plural = _("medborgardialoger och trygghetsvandringar")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="dialogue_ends_after_it_starts",
                violation_error_message=_("Dialogen kan inte sluta innan den börjar."),
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.municipality}"

    def get_absolute_url(self):
        return reverse("dialogue_detail", kwargs={"pk": self.pk})
