import json

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import geography

# A kommun's page lives at /<slug>/, so a slug must never shadow one of the portal's own top-level paths.
RESERVED_SLUGS = (
    "admin",
    "static",
    "media",
    "teman",
    "oversikt",
    "sok",
    "oppna-data",
    "flode",
    "sitemap.xml",
    "robots.txt",
    "tillganglighet",
    "lattlast",
    "om",
    "kontakt",
    "en",
    "api",
    "healthz",
    "enkater",
    "dialoger",
    "platser",
)


# A phone number as people write it: digits, spaces and hyphens, an optional leading + (and a country code). The
# page links it as tel:<digits>, so nothing else may be in it.
PHONE_PATTERN = r"^\+?[0-9][0-9 -]{3,18}[0-9]$"


class ContactDetails(models.Model):
    """How a resident reaches a kommun or a police area. Every detail may stay empty: the portal ships only
    details a source states (none of the seed documents does), and a page shows nothing for an empty one."""

    website = models.URLField(
        _("webbplats"),
        blank=True,
        # Only addresses a browser opens as a page: no javascript:, ftp: or mailto: in a link residents click.
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Adressen till sidan där invånare hittar kontaktuppgifter, t.ex. https://www.vindeln.se/."),
    )
    phone = models.CharField(
        _("telefon"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(PHONE_PATTERN, _("Skriv numret med siffror, mellanslag och bindestreck, t.ex. 0933-140 00."))
        ],
        help_text=_("Växel eller kontaktcenter, t.ex. 0933-140 00."),
    )
    email = models.EmailField(_("e-post"), blank=True, help_text=_("En funktionsadress, inte en persons."))
    visiting_address = models.CharField(
        _("besöksadress"),
        max_length=200,
        blank=True,
        help_text=_("Gatuadress och ort, t.ex. ”Kommunhuset, Storgatan 1, Vindeln”."),
    )

    class Meta:
        abstract = True

    @property
    def has_contact_details(self):
        return bool(self.website or self.phone or self.email or self.visiting_address)

    @property
    def phone_link(self):
        """The number for a tel: link: digits only, with the + of a country code kept."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


def contact_constraints(prefix):
    """The contact details' rules in the database too, so that no import or shell session stores a link that the
    form would refuse."""
    return [
        models.CheckConstraint(
            condition=models.Q(website="")
            | models.Q(website__startswith="https://")
            | models.Q(website__startswith="http://"),
            name=f"{prefix}_website_http",
            violation_error_message=_("Webbplatsen måste börja med https:// eller http://."),
        ),
        models.CheckConstraint(
            condition=models.Q(phone="") | models.Q(phone__regex=PHONE_PATTERN),
            name=f"{prefix}_phone_digits",
            violation_error_message=_(
                "Telefonnumret får bara innehålla siffror, mellanslag, bindestreck och ett inledande +."
            ),
        ),
        models.CheckConstraint(
            condition=models.Q(email="") | models.Q(email__contains="@"),
            name=f"{prefix}_email_at",
            violation_error_message=_("E-postadressen saknar @."),
        ),
    ]


class PoliceArea(ContactDetails):
    municipality_path = "municipalities"
    # Named on every page, and deciding which kommun a page belongs to (portal/invalidation.py).
    page_cache_invalidates = "everywhere"

    name = models.CharField(_("namn"), max_length=100, unique=True, help_text=_("T.ex. ”Lokalpolisområde Umeå”."))
    region = models.CharField(_("polisregion"), max_length=100, blank=True, help_text=_("T.ex. ”Polisregion Nord”."))

    class Meta:
        verbose_name = _("lokalpolisområde")
        verbose_name_plural = _("lokalpolisområden")
        ordering = ["name"]
        constraints = contact_constraints("police_area")

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def in_police_area(self, police_area):
        return self.filter(police_area=police_area)


class Municipality(ContactDetails):
    municipality_path = "pk"
    page_cache_invalidates = "everywhere"  # as PoliceArea

    name = models.CharField(_("namn"), max_length=100, unique=True, help_text=_("Kort namn, t.ex. ”Vindeln”."))
    official_name = models.CharField(
        _("officiellt namn"),
        max_length=100,
        help_text=_("Som kommunen själv skriver det, t.ex. ”Vindelns kommun”."),
    )
    slug = models.SlugField(
        _("webbadressnamn"),
        max_length=60,
        unique=True,
        help_text=_("Används i adressen: /vindeln/. Små bokstäver a–z, siffror och bindestreck."),
    )
    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunkoden består av fyra siffror, t.ex. 2404."))],
        help_text=_("SCB:s fyrsiffriga kommunkod, t.ex. 2404 för Vindeln."),
    )
    county = models.CharField(_("län"), max_length=100, help_text=_("T.ex. ”Västerbottens län”."))
    police_area = models.ForeignKey(
        PoliceArea,
        verbose_name=_("lokalpolisområde"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    # The report form's map (surveys): where it opens, and which pins belong to the kommun. Without an uploaded
    # boundary the shipped SCB outline is used (portal/geography.py); without a centre, the outline's centroid.
    map_latitude = models.DecimalField(
        _("kartans mittpunkt, latitud"),
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("Decimala grader i WGS 84, t.ex. 64.20190. Tomt: mitten av kommungränsen."),
    )
    map_longitude = models.DecimalField(
        _("kartans mittpunkt, longitud"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("Decimala grader i WGS 84, t.ex. 19.71660."),
    )
    boundary = models.JSONField(
        _("kommungräns (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("En Polygon eller MultiPolygon i WGS 84. Tom: SCB:s kommungräns som följer med portalen."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"),
                name="municipality_code_four_digits",
                violation_error_message=_("Kommunkoden består av fyra siffror."),
            ),
            models.CheckConstraint(
                condition=~models.Q(slug__in=RESERVED_SLUGS) & ~models.Q(slug=""),
                name="municipality_slug_not_reserved",
                violation_error_message=_("Webbadressnamnet är upptaget av portalen själv."),
            ),
            # isnull=False named in the second branch: a CHECK passes on SQL's unknown (see UnsafePlace's).
            models.CheckConstraint(
                condition=models.Q(map_latitude__isnull=True, map_longitude__isnull=True)
                | models.Q(
                    map_latitude__isnull=False,
                    map_longitude__isnull=False,
                    map_latitude__gte=-90,
                    map_latitude__lte=90,
                    map_longitude__gte=-180,
                    map_longitude__lte=180,
                ),
                name="municipality_map_centre_both_or_none",
                violation_error_message=_("Ange både latitud och longitud för kartans mittpunkt, eller ingen av dem."),
            ),
            *contact_constraints("municipality"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipality_detail", kwargs={"municipality_slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("”%(slug)s” är upptaget av portalen själv.") % {"slug": self.slug}})
        if self.boundary is not None:
            try:
                self.boundary = geography.parse_boundary(json.dumps(self.boundary))
            except geography.BoundaryError as error:
                raise ValidationError({"boundary": str(error)}) from error
        if (self.map_latitude is None) != (self.map_longitude is None):
            raise ValidationError(
                {"map_longitude": _("Ange både latitud och longitud för kartans mittpunkt, eller ingen av dem.")}
            )
        if self.map_latitude is not None and self.contains_point(self.map_latitude, self.map_longitude) is False:
            raise ValidationError(
                {"map_latitude": _("Kartans mittpunkt ligger utanför kommungränsen. Kontrollera latitud och longitud.")}
            )

    # The map: the boundary in force and what the report form needs of it.

    @property
    def boundary_source(self):
        """Where the outline in force comes from: "uploaded", "scb" (shipped) or None (no outline known)."""
        if self.boundary:
            return "uploaded"
        return "scb" if geography.kommun(self.code) else None

    def map_boundary(self):
        """The outline in force as a GeoJSON geometry: the uploaded one, else SCB's; None when neither exists."""
        return self.boundary or geography.outline_geojson(self.code)

    def _boundary_shape(self):
        # Kept on the instance: one parse per request, however many points are checked against it.
        key = id(self.boundary) if self.boundary else self.code
        cached = getattr(self, "_boundary_shape_cache", None)
        if cached is None or cached[0] != key:
            outline = geography.prepared(self.boundary) if self.boundary else geography._shipped_shape(self.code)
            cached = (key, outline)
            self._boundary_shape_cache = cached
        return cached[1]

    def contains_point(self, latitude, longitude):
        """True inside the kommun's outline, False outside, None when no outline or no point is known."""
        return geography.shape_contains(self._boundary_shape(), latitude, longitude)

    def map_view(self):
        """What the report map needs: its centre [lat, lon] and bounds [[south, west], [north, east]], or None."""
        outline = self._boundary_shape()
        if outline is None and self.map_latitude is None:
            return None
        view = {"centre": None, "bounds": None}
        if outline is not None:
            west, south, east, north = outline.bounds
            view["bounds"] = [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]]
            centroid = outline.centroid
            view["centre"] = [round(centroid.y, 5), round(centroid.x, 5)]
        if self.map_latitude is not None:
            view["centre"] = [float(self.map_latitude), float(self.map_longitude)]
        return view


class Organisation(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommunen")
    POLICE = "police", _("Polisen")


# The group every coordinator belongs to; its permissions are set in promises/permissions.py. Which rows a
# coordinator may touch is decided by Coordinator.municipalities, everywhere in the admin (portal/scoping.py).
COORDINATOR_GROUP = "Samordnare"


class CoordinatorQuerySet(models.QuerySet):
    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)


class Coordinator(models.Model):
    """A person at the kommun or the police who keeps one or more kommuner's promises up to date."""

    page_cache_invalidates = "nothing"  # never shown publicly (portal/invalidation.py)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="coordinator",
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=20,
        choices=Organisation.choices,
        help_text=_("Godkännanden görs för den här organisationens räkning."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("kommuner"),
        related_name="coordinators",
        help_text=_("De kommuner vars löften och uppföljningar personen får se och ändra."),
    )
    # The weekly digest (portal/digest.py): the person turns it off on Mina inställningar or with the link in every
    # digest. The week it was last sent to them is kept as that day's date, so that a second run in the same ISO
    # week sends nothing.
    digest_enabled = models.BooleanField(
        _("veckobrev"),
        default=True,
        help_text=_(
            "Ett e-postbrev varje måndag med det som väntar på personen: uppföljningar som ska göras, godkännanden "
            "och det invånarna skickat in. Inget brev när inget väntar."
        ),
    )
    digest_last_sent_on = models.DateField(_("veckobrev senast skickat"), null=True, blank=True, editable=False)

    objects = CoordinatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("samordnare")
        verbose_name_plural = _("samordnare")
        ordering = ["user__username"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.username
        return f"{name} ({self.get_organisation_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A coordinator needs the admin and the group's permissions; granting them here means an
        # administrator only has to create the Coordinator row.
        user = self.user
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
        user.groups.add(group)


class AccessibilityFeedback(models.Model):
    """Someone tells us about an accessibility problem (lag 2018:1937 requires a way to do so).

    Read by national administrators only, never public, deleted after FEEDBACK_RETENTION_DAYS
    (portal/accessibility.py; manage.py delete_old_accessibility_feedback).
    """

    page_cache_invalidates = "nothing"

    page = models.CharField(
        _("sida"), max_length=500, blank=True, help_text=_("Adressen till sidan det gäller, på den här webbplatsen.")
    )
    problem = models.TextField(_("problemet"))
    # Only if the sender wants an answer; used for nothing else.
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    language = models.CharField(_("språk"), max_length=10, blank=True, help_text=_("Sidans språk när det skickades."))
    submitted_on = models.DateField(_("inskickat"), default=timezone.localdate)
    handled = models.BooleanField(_("hanterad"), default=False)
    note = models.TextField(_("intern anteckning"), blank=True)

    class Meta:
        verbose_name = _("synpunkt om tillgänglighet")
        verbose_name_plural = _("synpunkter om tillgänglighet")
        ordering = ["handled", "-submitted_on", "-pk"]

    def __str__(self):
        return self.problem if len(self.problem) <= 60 else self.problem[:59] + "…"
