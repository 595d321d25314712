import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality
from surveys.models.common import TimeOfDay


class SurveyQuerySet(models.QuerySet):
    def open_on(self, date):
        return self.filter(opens_on__lte=date, closes_on__gte=date)

    def awaiting_results(self, date):
        """Closed on or before `date`, results not public yet."""
        return self.filter(closes_on__lt=date).exclude(results_published=True)

    def with_published_results(self):
        # Never while a survey is open: live counts would let anyone watch answers arrive.
        return self.filter(results_published=True, closes_on__lt=timezone.localdate())

    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)

    def shared(self):
        """Covering more than one kommun: changed only by a national administrator (surveys/admin/survey.py)."""
        through = self.model.municipalities.through.objects.order_by().values("survey_id")
        return self.filter(pk__in=through.annotate(n=models.Count("pk")).filter(n__gt=1).values("survey_id"))


class Survey(models.Model):
    """A trygghetsundersökning: built by coordinators, answered anonymously by residents."""

    # A survey may cover several kommuner; a coordinator of any of them sees it (portal/scoping.py).
    municipality_path = "municipalities"

    title = models.CharField(_("rubrik"), max_length=200)
    slug = models.SlugField(_("webbadressnamn"), max_length=80, unique=True)
    introduction = models.TextField(_("inledning"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("kommuner"), related_name="surveys", help_text=_("Kommuner som enkäten gäller.")
    )
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("stänger"), help_text=_("Sista dagen att svara."))
    results_published = models.BooleanField(
        _("resultaten är publicerade"),
        default=False,
        help_text=_(
            "Kan kryssas i först när enkäten har stängt. Publicerade resultat går inte att ta tillbaka, och "
            "enkätens datum går då inte att ändra."
        ),
    )
    # Residents who answered ask when they will see what came of it; the thank-you page, the closed survey and
    # the list of surveys give this date until the results are published.
    results_expected_on = models.DateField(
        _("resultaten publiceras"),
        null=True,
        blank=True,
        help_text=_(
            "Dagen ni räknar med att publicera resultaten, tidigast dagen efter att enkäten stänger. Datumet visas "
            "för dem som svarar och på enkätens sida tills resultaten är publicerade. Lämna tomt om det inte är "
            "bestämt."
        ),
    )
    min_cell_size = models.PositiveSmallIntegerField(
        _("minsta antal svar som visas"),
        default=settings.SURVEY_MIN_CELL_SIZE,
        help_text=_("Färre svar än så i en cell visas inte, så att ingen kan pekas ut."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("trygghetsundersökning")
        verbose_name_plural = _("trygghetsundersökningar")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("Enkäten kan inte stänga innan den öppnar."),
            ),
            models.CheckConstraint(
                # Results are never shown while a survey is open (SurveyQuerySet.with_published_results).
                condition=Q(results_expected_on__isnull=True) | Q(results_expected_on__gt=models.F("closes_on")),
                name="survey_results_expected_after_closing",
                violation_error_message=_("Resultaten kan publiceras tidigast dagen efter att enkäten stänger."),
            ),
            models.CheckConstraint(
                condition=Q(min_cell_size__gte=1),
                name="survey_min_cell_size_positive",
                violation_error_message=_("Minsta antal svar måste vara minst 1."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("survey_answer", kwargs={"slug": self.slug})

    # A survey whose results are out never takes another answer: one answer that arrived after them could be
    # singled out by comparing the two releases. Published results are therefore final, and the dates with them
    # (also in the database: migration 0008's trigger). Asking again is a new survey (survey_start_new_round).
    LOCKED_ONCE_PUBLISHED = ("opens_on", "closes_on", "results_published")

    def clean(self):
        super().clean()
        today = timezone.localdate()
        stored = Survey.objects.filter(pk=self.pk).values(*self.LOCKED_ONCE_PUBLISHED).first() if self.pk else None
        if stored and stored["results_published"]:
            errors = {}
            if not self.results_published:
                errors["results_published"] = _(
                    "Resultaten är publicerade och kan inte tas tillbaka. Vill ni fråga igen, starta en ny omgång."
                )
            for name in ("opens_on", "closes_on"):
                if getattr(self, name) != stored[name]:
                    errors[name] = _(
                        "Datumen kan inte ändras när resultaten är publicerade. Vill ni fråga igen, starta en ny "
                        "omgång."
                    )
            if errors:
                raise ValidationError(errors)
        elif self.results_published and self.closes_on is not None and self.closes_on >= today:
            raise ValidationError({"results_published": _("Resultaten kan publiceras först när enkäten har stängt.")})

    def is_shared(self):
        """Covers more than one kommun: then only a national administrator changes it (surveys/admin/survey.py)."""
        if self.pk is None:
            return False
        return len(self.municipalities.all()) > 1

    def takes_answers(self, today=None):
        """Open by its dates and its results not published: published results close a survey for good."""
        return self.is_open(today) and not self.results_published

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def has_public_results(self, today=None):
        """The same rule as SurveyQuerySet.with_published_results(), for one survey already in hand."""
        today = today or timezone.localdate()
        return self.results_published and self.closes_on < today

    def results_overdue(self, today=None):
        """The announced date has passed and the results are still not public: say so rather than repeat it."""
        today = today or timezone.localdate()
        return self.results_expected_on is not None and self.results_expected_on < today


def question_key(question):
    """What makes a question "the same" in a later year's survey: its kind and its wording (case and spaces aside).

    Coordinators repeat a survey by asking the same question in the same words; the results page then shows the
    years side by side (surveys/results.py question_series).
    """
    return question.kind, " ".join(question.text.split()).casefold()


class SurveySection(models.Model):
    """A page of a long survey."""

    municipality_path = "survey__municipalities"

    survey = models.ForeignKey(Survey, verbose_name=_("enkät"), on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    municipality_path = "survey__municipalities"

    class Kind(models.TextChoices):
        SINGLE = "single", _("Ett svarsalternativ")
        MULTIPLE = "multiple", _("Flera svarsalternativ")
        SCALE = "scale", _("Skala 1–5")
        TEXT = "text", _("Fritext")
        PLACE = "place", _("Plats och tid på dygnet")

    survey = models.ForeignKey(Survey, verbose_name=_("enkät"), on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        SurveySection,
        verbose_name=_("avsnitt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text = models.CharField(
        _("fråga"),
        max_length=500,
        help_text=_(
            "Ställ ni samma fråga med samma ord som i en tidigare enkät för kommunen, visas svaren från åren sida vid "
            "sida i resultaten."
        ),
    )
    help_text = models.CharField(_("hjälptext"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatorisk"), default=False)
    scale_min_label = models.CharField(_("etikett för 1"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("etikett för 5"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    municipality_path = "question__survey__municipalities"

    question = models.ForeignKey(Question, verbose_name=_("fråga"), on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("svarsalternativ"), max_length=300)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "text"],
                name="choice_unique_text_per_question",
                violation_error_message=_("Frågan har redan det svarsalternativet."),
            )
        ]

    def __str__(self):
        return self.text


# The primary keys of responses and answers are random (UUID4), not counted up. Sequential ids put the answers in
# the order they arrived: with the date and someone else's record of who posted when (a proxy's log, a colleague
# watching), "the third answer on Tuesday" becomes a person. A random 122-bit UUID says nothing about order, is made
# in Python so both write paths (the ORM, and surveys/services.py's single PostgreSQL statement) set it without a
# round trip, never collides in practice (a random 63-bit integer would need a retry on the rare clash inside that
# single statement), and is PostgreSQL's native 16-byte uuid type. Nothing may sort responses or answers by the time
# they arrived either: they carry only the date (Response.submitted_on), and no timestamp.


class Response(models.Model):
    """One resident's whole submission. Deliberately nothing that identifies them: no IP, no time of day, and no
    order of arrival (the random id above)."""

    municipality_path = "survey__municipalities"
    # Results show only once a survey has closed, when no more answers arrive: saving one must not throw away
    # cached pages (portal/invalidation.py), least of all at 200 answers a second.
    page_cache_invalidates = "nothing"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="ID")
    survey = models.ForeignKey(Survey, verbose_name=_("enkät"), on_delete=models.PROTECT, related_name="responses")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
        null=True,
        blank=True,
    )
    submitted_on = models.DateField(_("inskickad"), default=timezone.localdate)
    # A random value put in the form when it is shown; a second submit of the same form carries the same
    # value, and the unique constraint makes it store nothing. It is not linked to the person.
    submission_token = models.UUIDField(_("formulärnyckel"), unique=True, editable=False)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    municipality_path = "response__survey__municipalities"
    page_cache_invalidates = "nothing"  # as Response

    # Random like Response's: answers are inserted in the order responses arrive, so counted ids would give that
    # order away as well.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="ID")
    response = models.ForeignKey(Response, verbose_name=_("svar"), on_delete=models.CASCADE, related_name="answers")
    # Indexed by answer_counts below, which starts with the question.
    question = models.ForeignKey(
        Question, verbose_name=_("fråga"), on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("svarsalternativ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
    )
    scale_value = models.PositiveSmallIntegerField(_("värde på skalan"), null=True, blank=True)
    text = models.TextField(_("fritext"), blank=True)
    place_description = models.CharField(_("plats"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    time_of_day = models.CharField(_("tid på dygnet"), max_length=10, choices=TimeOfDay.choices, blank=True)

    class Meta:
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")
        # The published results count a survey's answers per question and cell, and its respondents per question
        # (surveys/results.py): with every column they read in one index, both are index-only scans of the
        # survey's own answers, where PostgreSQL otherwise scanned every answer of every survey (0.2 s alone at
        # 370 000 answers, seconds under load). It replaces the question's own index: no more work per post.
        indexes = [
            models.Index(fields=["question", "choice", "scale_value", "time_of_day", "response"], name="answer_counts")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=1, scale_value__lte=5),
                name="answer_scale_value_1_to_5",
                violation_error_message=_("Skalan går från 1 till 5."),
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="answer_choice_once_per_response",
                violation_error_message=_("Samma svarsalternativ kan bara väljas en gång."),
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.choice or self.scale_value or self.text or self.place_description}"
