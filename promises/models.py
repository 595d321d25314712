import threading
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Municipality, Organisation
from promises.validators import validate_signed_pdf
from surveys.models import Dialogue, Survey, UnsafePlace

# Medborgarlöften began nationally in 2015; anything outside this window is a typo, not a period.
FIRST_YEAR = 2015
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]

# Content is written in Swedish; `<field>_en` holds an English version, shown on the English pages where present
# (portal/localized.py). The Swedish text stays the official one.
EN_HELP = _("Engelsk översättning, visas på den engelska sidan. Lämnas fältet tomt visas den svenska texten.")
EASY_READ_HELP = _("Samma innehåll på lättläst svenska: korta meningar och vanliga ord. Visas bredvid texten.")


class Versioned(models.Model):
    """A counter bumped on every save, so that the admin can refuse a save made from a stale form.

    The admin reads the counter under a row lock when it validates a form (promises/locking.py) and the save
    happens in the same transaction, so two coordinators saving the same record can never both succeed.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or (update_fields is not None and "version" not in update_fields):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            current = (
                type(self).objects.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
            )
            self.version = (current or 0) + 1
            return super().save(*args, **kwargs)


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("Utkast, inte godkänd")
    AWAITING_POLICE = "awaiting_police", _("Godkänd av kommunen, väntar på polisen")
    AWAITING_MUNICIPALITY = "awaiting_municipality", _("Godkänd av polisen, väntar på kommunen")
    PUBLISHED = "published", _("Publicerad")


# Whether changes make content versions in this thread (promises/versions.py suspended() turns it off).
versioning = threading.local()

# Written only by the approval workflow (promises/services.py), never by a form, a history revert or an import:
# Approvable.save() reloads them from the database unless the caller names them in update_fields.
APPROVAL_FIELDS = (
    "content_version",
    "municipality_approved_at",
    "municipality_approved_by",
    "municipality_approved_version",
    "police_approved_at",
    "police_approved_by",
    "police_approved_version",
    "published_version",
    "published_snapshot",
    "content_updated_at",
)


class Approvable(models.Model):
    """Publication needs both organisations: the kommun's and the police's coordinator each approve.

    An approval is of one content version: `content_version` goes up on every change to the record or to any of
    its parts (promises/versions.py), and an approval counts only while the version it names is the current one.
    The second approval of the same version publishes (promises/services.py) and keeps a snapshot of exactly what
    was published, which the preview compares the next draft with. A change before publication also clears the
    approvals; a change after it keeps the record public and is shown as an update.
    """

    # The fields that make up what the public reads; a change to any of them is a new content version.
    content_fields = ()

    content_version = models.PositiveIntegerField(
        _("innehållsversion"),
        default=1,
        editable=False,
        help_text=_("Ökar vid varje ändring av innehållet eller dess delar. Ett godkännande gäller en version."),
    )

    municipality_approved_at = models.DateTimeField(_("godkänd av kommunen"), null=True, blank=True)
    municipality_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av (kommunen)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality_approved_version = models.PositiveIntegerField(
        _("version som kommunen godkände"), null=True, blank=True, editable=False
    )
    police_approved_at = models.DateTimeField(_("godkänd av polisen"), null=True, blank=True)
    police_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av (polisen)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    police_approved_version = models.PositiveIntegerField(
        _("version som polisen godkände"), null=True, blank=True, editable=False
    )
    content_updated_at = models.DateTimeField(
        _("innehållet senast ändrat"),
        null=True,
        blank=True,
        help_text=_("Visas för allmänheten när innehållet ändrats efter publiceringen."),
    )
    published_version = models.PositiveIntegerField(_("publicerad version"), null=True, blank=True, editable=False)
    published_snapshot = models.JSONField(
        _("det publicerade innehållet"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Exakt det innehåll som båda parter godkände, för jämförelse med nästa utkast."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or update_fields is not None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            current = type(self).objects.select_for_update().filter(pk=self.pk).first()
            if current is not None:
                self._keep_approval_fields(current)
                if self.content_differs_from(current) and not getattr(versioning, "suspended", False):
                    self._new_content_version(current)
            return super().save(*args, **kwargs)

    def _keep_approval_fields(self, current):
        # Whatever the caller's copy says (a stale form, a historical record being reverted), the approvals and the
        # version are the database's: only promises/services.py writes them, with update_fields.
        for name in APPROVAL_FIELDS:
            attname = self._meta.get_field(name).attname
            setattr(self, attname, getattr(current, attname))

    def content_differs_from(self, other):
        for name in self.content_fields:
            attname = self._meta.get_field(name).attname
            if getattr(self, attname) != getattr(other, attname):
                return True
        return False

    def _new_content_version(self, current):
        self.content_version = current.content_version + 1
        self.content_updated_at = timezone.now()
        self._approvals_withdrawn = bool(
            not self.is_published and (self.municipality_approved_at or self.police_approved_at)
        )
        if not self.is_published:
            self.clear_approvals()

    def clear_approvals(self):
        self.municipality_approved_at = self.municipality_approved_by = self.municipality_approved_version = None
        self.police_approved_at = self.police_approved_by = self.police_approved_version = None

    def approved_at(self, organisation):
        """When the organisation approved the current version, or None."""
        if organisation == Organisation.MUNICIPALITY:
            return self.municipality_approved_at if self.municipality_approval_counts else None
        return self.police_approved_at if self.police_approval_counts else None

    @property
    def municipality_approval_counts(self):
        return bool(self.municipality_approved_at) and self.municipality_approved_version == self.content_version

    @property
    def police_approval_counts(self):
        return bool(self.police_approved_at) and self.police_approved_version == self.content_version

    @property
    def approval_state(self):
        if self.is_published:
            return ApprovalState.PUBLISHED
        if self.municipality_approval_counts and not self.police_approval_counts:
            return ApprovalState.AWAITING_POLICE
        if self.police_approval_counts and not self.municipality_approval_counts:
            return ApprovalState.AWAITING_MUNICIPALITY
        return ApprovalState.DRAFT

    @property
    def approval_state_label(self):
        return ApprovalState(self.approval_state).label

    @property
    def updated_after_publication(self):
        published = self.publication_moment
        return bool(published and self.content_updated_at and self.content_updated_at.date() > published)


def approval_state_q(state, prefix=""):
    """The filter for one approval state, for querysets and the admin's list filter."""
    published = Q(**{f"{prefix}publication": Publication.PUBLISHED})
    version = models.F(f"{prefix}content_version")
    municipality = Q(
        **{f"{prefix}municipality_approved_at__isnull": False, f"{prefix}municipality_approved_version": version}
    )
    police = Q(**{f"{prefix}police_approved_at__isnull": False, f"{prefix}police_approved_version": version})
    return {
        ApprovalState.PUBLISHED: published,
        ApprovalState.AWAITING_POLICE: ~published & municipality & ~police,
        ApprovalState.AWAITING_MUNICIPALITY: ~published & police & ~municipality,
        ApprovalState.DRAFT: ~published & ~(municipality ^ police),
    }[state]


class Theme(models.Model):
    """A national theme (Droger, Trafik …) that lets residents compare focus areas across kommuner."""

    page_cache_invalidates = "everywhere"  # the themes are in every page's navigation (portal/invalidation.py)

    name = models.CharField(_("namn"), max_length=100, unique=True)
    slug = models.SlugField(_("webbadressnamn"), max_length=60, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    name_en = models.CharField(_("namn på engelska"), max_length=100, blank=True, help_text=EN_HELP)
    description_en = models.TextField(_("beskrivning på engelska"), blank=True, help_text=EN_HELP)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("teman")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Publication(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publicerad")


def years_label(start, end):
    """A period's years as written everywhere: "2024–2026", or "2024" for one year; None without a start."""
    if start is None:
        return None
    return str(start) if start == end else f"{start}–{end}"


def signed_original_path(instance, filename):
    # A generated name: the uploader's file name is neither trusted nor needed.
    return f"undertecknade/{uuid.uuid4().hex}.pdf"


class PeriodPhase(models.TextChoices):
    UPCOMING = "upcoming", _("Kommande")
    ONGOING = "ongoing", _("Pågår")
    ENDED = "ended", _("Avslutad")


class PromisePeriodQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def for_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def ongoing(self, year):
        return self.filter(start_year__lte=year, end_year__gte=year)

    def ended(self, year):
        return self.filter(end_year__lt=year)

    def latest_first(self):
        return self.order_by("-start_year", "-end_year")

    def with_content(self, *, evidence=False):
        """Everything a period page shows, in a fixed number of queries however large the period is.

        With evidence=True also each focus area's themes and the public part of what the period rests on (six more
        queries): its surveys, published dialogues and approved unsafe places, and per activity the dialogues it came
        from and the places it makes safer. Only the period page shows them, so the kommun page and documents skip them.
        """
        activity_prefetches = ["responsible", _published_activity_reports()]
        period_prefetches = []
        area_prefetches = []
        if evidence:
            # Only the period page names each area's themes: one query, which the kommun page and documents skip.
            area_prefetches = ["themes"]
            public_dialogues = Dialogue.objects.published().order_by("starts_at", "pk")
            public_places = UnsafePlace.objects.public().order_by("title", "pk")
            activity_prefetches += [
                models.Prefetch("from_dialogues", queryset=public_dialogues, to_attr="evidence_dialogues"),
                models.Prefetch("addresses_places", queryset=public_places, to_attr="evidence_places"),
            ]
            period_prefetches = [
                models.Prefetch(
                    "surveys", queryset=Survey.objects.order_by("-opens_on", "pk"), to_attr="evidence_surveys"
                ),
                models.Prefetch("dialogues", queryset=public_dialogues, to_attr="evidence_dialogues"),
                models.Prefetch("unsafe_places", queryset=public_places, to_attr="evidence_places"),
            ]
        activities = Activity.objects.select_related("carried_over_from__focus_area__period").prefetch_related(
            *activity_prefetches
        )
        return self.select_related("municipality__police_area", "extends").prefetch_related(
            models.Prefetch(
                "focus_areas",
                queryset=FocusArea.objects.prefetch_related(
                    models.Prefetch("activities", queryset=activities), *area_prefetches
                ),
            ),
            "parties",
            models.Prefetch("signatories", queryset=Signatory.objects.select_related("party")),
            _published_follow_ups(),
            *period_prefetches,
        )


def _published_activity_reports():
    """Each activity's reports in published follow-ups. Unordered and without their follow-ups: report_timeline
    pairs them with the period's published follow-ups by id, so neither a join nor a copy of each follow-up is
    needed."""
    published = ActivityReport.objects.filter(follow_up__publication=Publication.PUBLISHED).order_by()
    return models.Prefetch("reports", queryset=published, to_attr="published_reports")


def _published_follow_ups():
    return models.Prefetch(
        "follow_ups",
        queryset=FollowUp.objects.filter(publication=Publication.PUBLISHED).order_by("year"),
        to_attr="published_follow_ups",
    )


def prefetch_period_summary(period):
    """Load what a kommun's summary of its latest period shows (the kommun page, its status box and share image)
    onto an already fetched period, as with_content() would: `focus_areas.all()`, each area's `activities.all()`,
    each activity's `published_reports` and the period's `published_follow_ups`. Four queries however large the
    period is, and none of what the summary never shows (parties, signatories, responsible parties, carried-over
    origins).

    Four plain queries grouped here rather than prefetch_related(): Django's prefetch filters a new queryset for
    every focus area and activity it fills, which cost more than the queries themselves (half the kommun page's
    database time at 290 kommuner). What it leaves on the objects is the same: each related manager's prefetched
    result, and each child's link to its parent.
    """
    focus_areas = list(FocusArea.objects.filter(period=period))
    activities = list(Activity.objects.filter(focus_area__in=[focus_area.pk for focus_area in focus_areas]))
    reports = ActivityReport.objects.filter(
        activity__in=[activity.pk for activity in activities], follow_up__publication=Publication.PUBLISHED
    ).order_by()
    reports_by_activity = {}
    for report in reports:
        reports_by_activity.setdefault(report.activity_id, []).append(report)
    activities_by_area = {}
    for activity in activities:
        activity.published_reports = reports_by_activity.get(activity.pk, [])
        activities_by_area.setdefault(activity.focus_area_id, []).append(activity)
    for focus_area in focus_areas:
        focus_area.period = period
        area_activities = activities_by_area.get(focus_area.pk, [])
        for activity in area_activities:
            activity.focus_area = focus_area
        _set_prefetched(focus_area, "activities", area_activities)
    _set_prefetched(period, "focus_areas", focus_areas)
    period.published_follow_ups = list(period.follow_ups.filter(publication=Publication.PUBLISHED).order_by("year"))
    return period


def _set_prefetched(instance, related_name, objects):
    """Make `instance.<related_name>.all()` answer `objects` without a query, as prefetch_related() leaves it."""
    queryset = getattr(instance, related_name).model._base_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[related_name] = queryset


class PromisePeriod(Versioned, Approvable, models.Model):
    """One kommun's medborgarlöfte for a span of years: the signed document and what it rests on."""

    municipality_path = "municipality"
    # Its parts (parties, signatories, focus areas, activities) are versioned with it in promises/versions.py.
    content_fields = (
        "start_year",
        "end_year",
        "title",
        "title_en",
        "preamble",
        "preamble_en",
        "basis",
        "basis_en",
        "feedback",
        "feedback_en",
        "easy_read",
        "extends",
        "extension_note",
        "signed_place",
        "signed_on",
        "signed_original",
    )

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.PROTECT, related_name="promise_periods"
    )
    start_year = models.PositiveSmallIntegerField(_("första år"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(
        _("sista år"), validators=YEAR_VALIDATORS, help_text=_("Samma som första år för ett ettårigt löfte.")
    )
    title = models.CharField(
        _("rubrik"),
        max_length=200,
        blank=True,
        help_text=_("Dokumentets rubrik, t.ex. ”Medborgarlöften 2023–2025”."),
    )
    title_en = models.CharField(_("rubrik på engelska"), max_length=200, blank=True, help_text=EN_HELP)
    preamble = models.TextField(
        _("inledning"),
        blank=True,
        help_text=_("Dokumentets inledande text, ordagrant. Tom rad mellan stycken."),
    )
    preamble_en = models.TextField(_("inledning på engelska"), blank=True, help_text=EN_HELP)
    basis = models.TextField(
        _("underlag"),
        blank=True,
        help_text=_(
            "Vad löftet bygger på: trygghetsundersökning, medborgardialoger, polisens och kommunens lägesbild."
        ),
    )
    basis_en = models.TextField(_("underlag på engelska"), blank=True, help_text=EN_HELP)
    feedback = models.TextField(
        _("återkoppling"), blank=True, help_text=_("Hur och var invånarna får veta hur arbetet går.")
    )
    feedback_en = models.TextField(_("återkoppling på engelska"), blank=True, help_text=EN_HELP)
    easy_read = models.TextField(
        _("lättläst sammanfattning"), blank=True, help_text=_("Korta meningar och vanliga ord.")
    )
    extends = models.ForeignKey(
        "self",
        verbose_name=_("förlänger"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        help_text=_("Den tidigare period som detta löfte förlänger, om löftena fördes över."),
    )
    extension_note = models.TextField(
        _("om förlängningen"), blank=True, help_text=_("Vad som fördes över och vad som lades till.")
    )
    signed_place = models.CharField(_("ort för undertecknande"), max_length=100, blank=True)
    signed_on = models.DateField(_("datum för undertecknande"), null=True, blank=True)
    signed_original = models.FileField(
        _("undertecknat original (PDF)"),
        upload_to=signed_original_path,
        validators=[validate_signed_pdf],
        blank=True,
        help_text=_("Det skannade, undertecknade dokumentet som PDF, högst 20 MB. Visas för allmänheten."),
    )
    signed_original_uploaded_at = models.DateTimeField(_("originalet laddades upp"), null=True, blank=True)
    signed_original_sha256 = models.CharField(_("SHA-256 för originalet"), max_length=64, blank=True)
    signed_original_size = models.PositiveIntegerField(_("originalets storlek (byte)"), null=True, blank=True)
    signed_text = models.TextField(
        _("löftestexten när originalet laddades upp"),
        blank=True,
        help_text=_("Jämförs med den aktuella texten, så att en ändring efter undertecknandet syns."),
    )
    source = models.TextField(
        _("källa"),
        blank=True,
        help_text=_("Var texten kommer ifrån (dokument, webbsida), så att den kan kontrolleras mot originalet."),
    )
    source_en = models.TextField(_("källa på engelska"), blank=True, help_text=EN_HELP)
    # The evidence chain: what the promise rests on (declared here, since promises depends on surveys).
    surveys = models.ManyToManyField(
        "surveys.Survey", verbose_name=_("trygghetsundersökningar"), blank=True, related_name="promise_periods"
    )
    dialogues = models.ManyToManyField(
        "surveys.Dialogue", verbose_name=_("medborgardialoger"), blank=True, related_name="promise_periods"
    )
    unsafe_places = models.ManyToManyField(
        "surveys.UnsafePlace", verbose_name=_("otrygga platser"), blank=True, related_name="promise_periods"
    )
    publication = models.CharField(
        _("publicering"), max_length=20, choices=Publication.choices, default=Publication.DRAFT
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    objects = PromisePeriodQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("historik för medborgarlöfte"))

    class Meta:
        verbose_name = _("medborgarlöfte (period)")
        verbose_name_plural = _("medborgarlöften (perioder)")
        ordering = ["municipality__name", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "start_year"],
                name="promise_period_one_per_start_year",
                violation_error_message=_("Kommunen har redan ett medborgarlöfte som börjar det året."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="promise_period_end_not_before_start",
                violation_error_message=_("Sista året kan inte ligga före det första."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=FIRST_YEAR, start_year__lte=LAST_YEAR)
                & Q(end_year__gte=FIRST_YEAR, end_year__lte=LAST_YEAR),
                name="promise_period_years_plausible",
                violation_error_message=_("Åren måste ligga mellan 2015 och 2100."),
            ),
            models.CheckConstraint(
                condition=~Q(extends=models.F("pk")),
                name="promise_period_does_not_extend_itself",
                violation_error_message=_("En period kan inte förlänga sig själv."),
            ),
            models.CheckConstraint(
                condition=Q(publication=Publication.DRAFT) | Q(published_at__isnull=False),
                name="promise_period_published_has_date",
                violation_error_message=_("En publicerad period måste ha ett publiceringsdatum."),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.years_label}"

    def get_absolute_url(self):
        return reverse(
            "period_detail",
            kwargs={
                "municipality_slug": self.municipality.slug,
                "start_year": self.start_year,
                "end_year": self.end_year,
            },
        )

    @property
    def years_label(self):
        return years_label(self.start_year, self.end_year)

    @property
    def display_title(self):
        return self.title or _("Medborgarlöften %(years)s") % {"years": self.years_label}

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)

    @property
    def signing_line(self):
        """Place and date as a signed Swedish document writes them (”Umeå den 3 mars 2023”), whatever the page's
        language: it is the document's own line, not a date of the portal's."""
        if not (self.signed_place or self.signed_on):
            return ""
        with translation.override("sv"):
            day = date_format(self.signed_on, "j F Y") if self.signed_on else ""
        return " den ".join(part for part in (self.signed_place, day) if part)

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED

    @property
    def municipality_for_scope(self):
        return self.municipality

    @property
    def publication_moment(self):
        return timezone.localdate(self.published_at) if self.published_at else None

    def publish(self, now):
        self.publication = Publication.PUBLISHED
        self.published_at = now

    def phase(self, today=None):
        """Where the period stands today: the pages never call an ended period current."""
        year = (today or timezone.localdate()).year
        if year < self.start_year:
            return PeriodPhase.UPCOMING
        if year > self.end_year:
            return PeriodPhase.ENDED
        return PeriodPhase.ONGOING

    def clean(self):
        super().clean()
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("Sista året kan inte ligga före det första.")
        if self.extends_id:
            if self.pk and self.extends_id == self.pk:
                errors["extends"] = _("En period kan inte förlänga sig själv.")
            elif self.municipality_id and self.extends.municipality_id != self.municipality_id:
                errors["extends"] = _("Den förlängda perioden måste gälla samma kommun.")
            elif self.start_year and self.extends.end_year >= self.start_year:
                errors["extends"] = _("Den förlängda perioden måste ha slutat innan den här börjar.")
        if self.municipality_id and self.start_year and self.end_year and not errors:
            overlapping = (
                PromisePeriod.objects.for_municipality(self.municipality_id)
                .filter(start_year__lte=self.end_year, end_year__gte=self.start_year)
                .exclude(pk=self.pk)
            )
            if overlapping.exists():
                errors["start_year"] = _("Perioden överlappar %(other)s.") % {"other": overlapping.first()}
        if errors:
            raise ValidationError(errors)


class Party(models.Model):
    """An organisation behind a period: the kommun and the police sign; others take part in activities."""

    municipality_path = "period__municipality"

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommun")
        POLICE = "police", _("Polisen")
        OTHER = "other", _("Annan aktör")

    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("Undertecknar löftet")
        # A partner works with the signing parties on an activity but promises nothing itself (Vindeln's
        # document: the kommun works "i samverkan med Länsstyrelsen"; Länsstyrelsen neither promised nor signed).
        PARTNER = "partner", _("Samverkar i aktiviteter")

    period = models.ForeignKey(
        PromisePeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="parties"
    )
    name = models.CharField(_("namn"), max_length=150, help_text=_("T.ex. ”Vindelns kommun”, ”Lokalpolisområde Umeå”."))
    short_name = models.CharField(
        _("kortnamn"), max_length=60, blank=True, help_text=_("Som det står i löftena, t.ex. ”Polisen”.")
    )
    name_en = models.CharField(_("namn på engelska"), max_length=150, blank=True, help_text=EN_HELP)
    short_name_en = models.CharField(_("kortnamn på engelska"), max_length=60, blank=True, help_text=EN_HELP)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.SIGNATORY)
    contribution = models.TextField(
        _("medverkan"),
        blank=True,
        help_text=_("Vad en samverkande aktör bidrar med, t.ex. ”följer och utvärderar projektet”."),
    )
    contribution_en = models.TextField(_("medverkan på engelska"), blank=True, help_text=EN_HELP)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "name"],
                name="party_unique_name_per_period",
                violation_error_message=_("Parten finns redan för perioden."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def label_en(self):
        # Read by portal/localized.py on English pages; empty (so the Swedish label shows) when untranslated.
        return self.short_name_en or self.name_en


class Signatory(models.Model):
    municipality_path = "period__municipality"

    period = models.ForeignKey(
        PromisePeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="signatories"
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="signatories",
        null=True,
        blank=True,
    )
    name = models.CharField(_("namn"), max_length=150)
    title = models.CharField(_("titel"), max_length=150, help_text=_("T.ex. ”Kommunstyrelsens ordförande”."))
    title_en = models.CharField(_("titel på engelska"), max_length=150, blank=True, help_text=EN_HELP)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("undertecknare")
        verbose_name_plural = _("undertecknare")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "name"],
                name="signatory_unique_name_per_period",
                violation_error_message=_("Personen står redan som undertecknare för perioden."),
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}"

    def clean(self):
        super().clean()
        if self.party_id and self.period_id and self.party.period_id != self.period_id:
            raise ValidationError({"party": _("Parten måste höra till samma period.")})


class FocusArea(Versioned, models.Model):
    municipality_path = "period__municipality"

    period = models.ForeignKey(
        PromisePeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    title = models.CharField(_("rubrik"), max_length=200)
    heading_is_portal_own = models.BooleanField(
        _("rubriken är portalens egen"),
        default=False,
        help_text=_(
            "Kryssa i om rubriken inte står i det undertecknade dokumentet. Den visas då märkt som portalens egen, "
            "så att ingen tror att dokumentet säger den."
        ),
    )
    description = models.TextField(_("beskrivning"), blank=True, help_text=_("Dokumentets text om området, ordagrant."))
    title_en = models.CharField(_("rubrik på engelska"), max_length=200, blank=True, help_text=EN_HELP)
    description_en = models.TextField(_("beskrivning på engelska"), blank=True, help_text=EN_HELP)
    # Several: one area of a signed document often covers more than one national theme (Umeå's "Öka trygghet och
    # minska brottslighet" holds Grannsamverkan as well as prostitution and människohandel).
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("teman"),
        blank=True,
        related_name="focus_areas",
        help_text=_(
            "De nationella teman som området hör till, för jämförelser mellan kommuner. Välj alla som "
            "områdets aktiviteter tar upp."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    # The themes (a many-to-many) are not in the history, like an activity's responsible parties; a change of
    # them still makes a new content version (promises/versions.py) and shows in the approvers' comparison.
    history = HistoricalRecords(verbose_name=_("historik för fokusområde"))

    class Meta:
        verbose_name = _("fokusområde")
        verbose_name_plural = _("fokusområden")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "title"],
                name="focus_area_unique_title_per_period",
                violation_error_message=_("Perioden har redan ett fokusområde med den rubriken."),
            ),
        ]

    def __str__(self):
        return self.title


# Shown only where the document says it: blank (the default) is "the document does not say", never a guess.
class Recurrence(models.TextChoices):
    NOT_STATED = "", _("Anges inte i dokumentet")
    ONE_OFF = "one_off", _("Engångsinsats")
    RECURRING = "recurring", _("Återkommande")
    CONTINUOUS = "continuous", _("Löpande")


class Activity(Versioned, models.Model):
    """One concrete promise: who promises what, and how often."""

    municipality_path = "focus_area__period__municipality"

    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("fokusområde"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(
        _("kort rubrik"),
        max_length=120,
        blank=True,
        help_text=_("För tabeller och listor, t.ex. ”Grannsamverkan”."),
    )
    # Short titles are usually the portal's own (the documents list promises without headings), so the safe default
    # is to say so: a page must never read as if the document said something it did not.
    heading_is_portal_own = models.BooleanField(
        _("rubriken är portalens egen"),
        default=True,
        help_text=_(
            "Kryssa ur bara om den korta rubriken står i det undertecknade dokumentet. Annars visas den märkt som "
            "portalens egen."
        ),
    )
    text = models.TextField(_("löftet"), help_text=_("Löftets text, ordagrant som i det undertecknade dokumentet."))
    title_en = models.CharField(_("kort rubrik på engelska"), max_length=120, blank=True, help_text=EN_HELP)
    text_en = models.TextField(_("löftet på engelska"), blank=True, help_text=EN_HELP)
    easy_read = models.TextField(_("löftet på lättläst svenska"), blank=True, help_text=EASY_READ_HELP)
    responsible = models.ManyToManyField(
        Party,
        verbose_name=_("lovas av"),
        related_name="activities",
        blank=True,
        help_text=_(
            "De parter som lovar aktiviteten. En aktör som bara samverkar i arbetet (t.ex. Länsstyrelsen i ett "
            "projekt) har inte lovat något: lägg in den bland periodens parter som samverkande, inte här."
        ),
    )
    target = models.CharField(
        _("mål"),
        max_length=300,
        blank=True,
        help_text=_("Vad som ska uppnås, t.ex. ”varje elev i årskurs 4”."),
    )
    target_en = models.CharField(_("mål på engelska"), max_length=300, blank=True, help_text=EN_HELP)
    frequency = models.CharField(
        _("omfattning"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. ”minst två tillfällen under året, vår och höst”."),
    )
    frequency_en = models.CharField(_("omfattning på engelska"), max_length=200, blank=True, help_text=EN_HELP)
    recurrence = models.CharField(
        _("typ av insats"),
        max_length=20,
        choices=Recurrence.choices,
        default=Recurrence.NOT_STATED,
        blank=True,
        help_text=_("Bara om dokumentet säger det. Lämnas tomt annars, och visas då inte."),
    )
    added_in_extension = models.BooleanField(
        _("tillägg vid förlängning"), default=False, help_text=_("Lades till när perioden förlängdes.")
    )
    # The seed documents say that activities are attached to each area during the period ("Till varje område
    # kommer det kopplas aktiviteter"). Those are shown apart from the signed text, never mixed into it.
    added_after_signing = models.BooleanField(
        _("tillagd efter undertecknandet"),
        default=False,
        help_text=_(
            "Aktiviteten ingår inte i det undertecknade dokumentet utan lades till under perioden. "
            "Den visas för sig, märkt som tillagd."
        ),
    )
    added_on = models.DateField(_("tillagd"), null=True, blank=True)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("förs över från"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        help_text=_("Samma löfte i den period som förlängdes."),
    )
    addresses_places = models.ManyToManyField(
        "surveys.UnsafePlace",
        verbose_name=_("åtgärdar otrygga platser"),
        blank=True,
        related_name="activities",
        help_text=_("De otrygga platser som aktiviteten ska göra tryggare."),
    )
    from_dialogues = models.ManyToManyField(
        "surveys.Dialogue",
        verbose_name=_("kom från medborgardialoger"),
        blank=True,
        related_name="led_to_activities",
        help_text=_("Dialoger där invånarna tog upp det som aktiviteten gör något åt (”Ni sa – vi gjorde”)."),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    # The responsible parties (a many-to-many) are not versioned: their history would need a table per
    # relation, and who promises an activity is part of the signed text, which changes rarely.
    history = HistoricalRecords(verbose_name=_("historik för aktivitet"))

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="activity_text_not_empty",
                violation_error_message=_("Löftets text saknas."),
            ),
            models.CheckConstraint(
                condition=Q(added_after_signing=False) | Q(added_on__isnull=False),
                name="activity_added_after_signing_has_date",
                violation_error_message=_("En aktivitet som lagts till efter undertecknandet behöver ett datum."),
            ),
            models.CheckConstraint(
                condition=~Q(carried_over_from=models.F("pk")),
                name="activity_not_carried_over_from_itself",
                violation_error_message=_("En aktivitet kan inte föras över från sig själv."),
            ),
        ]

    def __str__(self):
        return self.title or self.short_text

    @property
    def shows_portal_heading(self):
        """True when the page shows a short title that the signed document does not have."""
        return bool(self.title) and self.heading_is_portal_own

    @property
    def short_text(self):
        return self.text if len(self.text) <= 80 else self.text[:79].rstrip() + "…"

    def clean(self):
        super().clean()
        if self.carried_over_from_id and self.focus_area_id:
            origin_period = self.carried_over_from.focus_area.period
            period = self.focus_area.period
            if origin_period.municipality_id != period.municipality_id or origin_period.start_year >= period.start_year:
                raise ValidationError(
                    {"carried_over_from": _("Välj en aktivitet ur en tidigare period för samma kommun.")}
                )


class FollowUpQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED, period__publication=Publication.PUBLISHED)

    def unpublished(self):
        return self.exclude(publication=Publication.PUBLISHED)

    def in_approval_state(self, state):
        return self.filter(approval_state_q(state))

    def for_municipality(self, municipality):
        return self.filter(period__municipality=municipality)


class FollowUp(Versioned, Approvable, models.Model):
    """The yearly follow-up of one period: what was done in every focus area and for every activity that year."""

    municipality_path = "period__municipality"
    # Its reports are versioned with it in promises/versions.py.
    content_fields = ("summary", "summary_en")

    period = models.ForeignKey(
        PromisePeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    summary = models.TextField(_("sammanfattning"), blank=True)
    summary_en = models.TextField(_("sammanfattning på engelska"), blank=True, help_text=EN_HELP)
    publication = models.CharField(
        _("publicering"), max_length=20, choices=Publication.choices, default=Publication.DRAFT
    )
    published_on = models.DateField(_("publicerad"), null=True, blank=True)
    is_example = models.BooleanField(
        _("exempel"),
        default=False,
        help_text=_("Påhittad uppföljning för demonstration. Visas alltid med en tydlig märkning."),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("historik för uppföljning"))

    class Meta:
        verbose_name = _("årlig uppföljning")
        verbose_name_plural = _("årliga uppföljningar")
        ordering = ["period", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "year"],
                name="follow_up_one_per_period_and_year",
                violation_error_message=_("Det finns redan en uppföljning för det året."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="follow_up_year_plausible",
                violation_error_message=_("Året måste ligga mellan 2015 och 2100."),
            ),
            models.CheckConstraint(
                condition=Q(publication=Publication.DRAFT) | Q(published_on__isnull=False),
                name="follow_up_published_has_date",
                violation_error_message=_("En publicerad uppföljning måste ha ett publiceringsdatum."),
            ),
        ]

    def __str__(self):
        return _("Uppföljning %(year)s, %(period)s") % {"year": self.year, "period": self.period}

    def get_absolute_url(self):
        period = self.period
        return reverse(
            "follow_up_detail",
            kwargs={
                "municipality_slug": period.municipality.slug,
                "start_year": period.start_year,
                "end_year": period.end_year,
                "year": self.year,
            },
        )

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED

    @property
    def municipality_for_scope(self):
        return self.period.municipality

    @property
    def publication_moment(self):
        return self.published_on

    def publish(self, now):
        self.publication = Publication.PUBLISHED
        self.published_on = timezone.localdate(now)

    def clean(self):
        super().clean()
        if self.period_id and self.year and not (self.period.start_year <= self.year <= self.period.end_year):
            raise ValidationError(
                {"year": _("Året måste ligga inom perioden %(years)s.") % {"years": self.period.years_label}}
            )


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ej påbörjad")
    IN_PROGRESS = "in_progress", _("Pågår")
    CONTINUOUS = "continuous", _("Löpande")
    DONE = "done", _("Genomförd")
    PARTLY_DONE = "partly_done", _("Delvis genomförd")
    DELAYED = "delayed", _("Försenad")
    RENEGOTIATED = "renegotiated", _("Omförhandlad")
    STOPPED = "stopped", _("Avbruten")

    @classmethod
    def needing_reason(cls):
        return (cls.DELAYED, cls.RENEGOTIATED, cls.STOPPED)


REPORT_STATUS_LABELS = dict(ReportStatus.choices)


class Report(models.Model):
    """What came of a focus area or an activity in one year: its status, what was done and what it led to."""

    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices)
    done = models.TextField(_("vad som gjordes"), blank=True)
    done_en = models.TextField(_("vad som gjordes, på engelska"), blank=True, help_text=EN_HELP)
    count = models.PositiveIntegerField(
        _("antal"),
        null=True,
        blank=True,
        help_text=_("T.ex. antal insatser eller tillfällen, om det går att räkna."),
    )
    count_label = models.CharField(
        _("vad antalet avser"), max_length=100, blank=True, help_text=_("T.ex. ”trafikinsatser”.")
    )
    reason = models.TextField(
        _("skäl"), blank=True, help_text=_("Krävs när statusen är försenad, omförhandlad eller avbruten.")
    )
    reason_en = models.TextField(_("skäl på engelska"), blank=True, help_text=EN_HELP)
    evidence_url = models.URLField(
        _("länk till underlag"),
        blank=True,
        help_text=_("En sida eller ett dokument som visar resultatet, t.ex. en rapport eller statistik."),
    )

    class Meta:
        abstract = True

    @property
    def status_label(self):
        """As get_status_display(), which rebuilds the field's choices on every call: the pages list a report per
        activity and year."""
        return str(REPORT_STATUS_LABELS.get(self.status, self.status))

    @property
    def needs_reason(self):
        return self.status in ReportStatus.needing_reason()

    @property
    def is_empty(self):
        """Nothing written yet: a report like this cannot be approved (promises/services.py)."""
        return not self.done.strip()

    def clean(self):
        super().clean()
        errors = {}
        if self.needs_reason and not self.reason.strip():
            errors["reason"] = _("Ange ett skäl när statusen är försenad, omförhandlad eller avbruten.")
        if self.count is not None and not self.count_label.strip():
            errors["count_label"] = _("Skriv vad antalet avser, t.ex. ”trafikinsatser”.")
        errors.update(self.clean_parent())
        if errors:
            raise ValidationError(errors)

    def clean_parent(self):
        return {}


def report_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=~Q(status__in=ReportStatus.needing_reason()) | ~Q(reason=""),
            name=f"{prefix}_reason_when_required",
            violation_error_message=_("Ange ett skäl när statusen är försenad, omförhandlad eller avbruten."),
        ),
        models.CheckConstraint(
            condition=Q(count__isnull=True) | Q(count__gte=0),
            name=f"{prefix}_count_not_negative",
            violation_error_message=_("Antalet kan inte vara negativt."),
        ),
    ]


class FocusAreaReport(Report):
    """What came of one focus area in one year's follow-up: every area is followed up, with or without activities."""

    municipality_path = "follow_up__period__municipality"

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("uppföljning"), on_delete=models.CASCADE, related_name="area_reports"
    )
    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("fokusområde"), on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED
    )

    history = HistoricalRecords(verbose_name=_("historik för områdesrapport"))

    class Meta:
        verbose_name = _("rapport för fokusområde")
        verbose_name_plural = _("rapporter för fokusområden")
        ordering = ["focus_area__order", "focus_area__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "focus_area"],
                name="focus_area_report_one_per_follow_up",
                violation_error_message=_("Fokusområdet har redan en rapport i den här uppföljningen."),
            ),
            *report_constraints("focus_area_report"),
        ]

    def __str__(self):
        return f"{self.focus_area} ({self.follow_up.year}): {self.get_status_display()}"

    def clean_parent(self):
        if self.follow_up_id and self.focus_area_id and self.focus_area.period_id != self.follow_up.period_id:
            return {"focus_area": _("Fokusområdet hör inte till den här uppföljningens period.")}
        return {}


class ActivityReport(Report):
    """What came of one activity in one year's follow-up."""

    municipality_path = "follow_up__period__municipality"

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("uppföljning"), on_delete=models.CASCADE, related_name="reports"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("aktivitet"), on_delete=models.CASCADE, related_name="reports"
    )

    history = HistoricalRecords(verbose_name=_("historik för aktivitetsrapport"))

    class Meta:
        verbose_name = _("aktivitetsrapport")
        verbose_name_plural = _("aktivitetsrapporter")
        ordering = ["activity__focus_area__order", "activity__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "activity"],
                name="activity_report_one_per_follow_up",
                violation_error_message=_("Aktiviteten har redan en rapport i den här uppföljningen."),
            ),
            *report_constraints("activity_report"),
        ]

    def __str__(self):
        return f"{self.activity} ({self.follow_up.year}): {self.get_status_display()}"

    def clean_parent(self):
        if self.follow_up_id and self.activity_id and self.activity.focus_area.period_id != self.follow_up.period_id:
            return {"activity": _("Aktiviteten hör inte till den här uppföljningens period.")}
        return {}
