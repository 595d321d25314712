import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality
from surveys.models.common import Moderation, TimeOfDay

# The report's reference: letters and digits that cannot be mistaken for each other when read aloud or copied by
# hand (no 0/O, 1/I/L). Ten of 31 symbols: about 10^15 references, so one cannot be found by guessing.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 10


def new_reference():
    """A random reference such as "K7QF2-M3XDW": it names the report and nothing about who sent it."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def normalise_reference(text):
    """The reference as stored, from what a resident typed (any case, dash or spaces); None if it is none."""
    code = "".join(str(text).split()).replace("-", "").upper()
    if len(code) != REFERENCE_LENGTH or any(character not in REFERENCE_ALPHABET for character in code):
        return None
    return f"{code[:5]}-{code[5:]}"


class UnsafePlaceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(moderation=Moderation.APPROVED)

    def not_fixed(self):
        return self.exclude(status=UnsafePlace.Status.FIXED)


class UnsafePlace(models.Model):
    """A place where residents feel unsafe, and what is being done about it."""

    municipality_path = "municipality"

    class Source(models.TextChoices):
        SURVEY = "survey", _("Trygghetsundersökning")
        DIALOGUE = "dialogue", _("Medborgardialog")
        SAFETY_WALK = "safety_walk", _("Trygghetsvandring")
        PUBLIC_REPORT = "public_report", _("Rapport från invånare")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Rapporterad")
        UNDER_REVIEW = "under_review", _("Utreds")
        ACTION_PLANNED = "action_planned", _("Åtgärd planerad")
        FIXED = "fixed", _("Åtgärdad")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.PROTECT, related_name="unsafe_places"
    )
    title = models.CharField(
        _("plats"), max_length=200, help_text=_("Kort namn på platsen, t.ex. ”Gångtunneln vid stationen”.")
    )
    description = models.TextField(_("beskrivning av platsen"), blank=True)
    why = models.TextField(_("varför platsen känns otrygg"), blank=True)
    time_of_day = models.CharField(_("tid på dygnet"), max_length=10, choices=TimeOfDay.choices, blank=True)
    latitude = models.DecimalField(_("latitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    position_confirmed = models.BooleanField(
        _("positionen stämmer trots att den ligger utanför kommunen"),
        default=False,
        help_text=_(
            "Kryssa bara i om du har kontrollerat att platsen verkligen ligger där, t.ex. precis vid kommungränsen."
        ),
    )
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices, default=Source.PUBLIC_REPORT)
    moderation = models.CharField(
        _("granskning"), max_length=20, choices=Moderation.choices, default=Moderation.PENDING
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    status_note = models.TextField(_("kommentar till status"), blank=True, help_text=_("Visas för allmänheten."))
    reported_on = models.DateField(_("rapporterad"), default=timezone.localdate)
    # Given to a resident's report only, so that the sender can follow it (/platser/rapport/<reference>/) without
    # anything about them being stored. Places a coordinator enters have none.
    reference = models.CharField(
        _("referens"), max_length=11, unique=True, null=True, blank=True, editable=False, default=None
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    objects = UnsafePlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("otrygg plats")
        verbose_name_plural = _("otrygga platser")
        ordering = ["municipality__name", "title"]
        constraints = [
            # The second branch names isnull=False because SQL compares NULL to unknown, not false, and a
            # CHECK passes on unknown: without it a latitude without a longitude would be accepted.
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__isnull=False, longitude__isnull=False)
                    & Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="unsafe_place_coordinates_both_or_none",
                violation_error_message=_("Ange både latitud och longitud, eller ingen av dem."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.municipality})"

    def get_absolute_url(self):
        return reverse("unsafe_place_detail", kwargs={"pk": self.pk})

    def get_status_url(self):
        """The report's own status page, for whoever holds its reference; None for places without one."""
        return reverse("unsafe_place_status", kwargs={"reference": self.reference}) if self.reference else None

    @property
    def position_outside_municipality(self):
        """True when the pin lies outside the place's kommun; False inside, or without a position or geography."""
        if self.latitude is None or self.longitude is None or self.municipality_id is None:
            return False
        return self.municipality.contains_point(self.latitude, self.longitude) is False

    @property
    def needs_position_check(self):
        """Outside its kommun and nobody has confirmed that it is right: not to be approved like this."""
        return not self.position_confirmed and self.position_outside_municipality

    def hidden_when_created(self):
        # A resident's report waits for moderation: until a coordinator approves it, no public page shows it, so
        # creating one leaves the cached pages as they are (portal/invalidation.py).
        return self.moderation != Moderation.APPROVED
