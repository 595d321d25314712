"""Admin for safety surveys: building them, following the answers as they come in, and exporting them."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.admin_mixins import ScopedAdmin, ScopedMixin
from portal.csv_export import csv_response
from portal.scoping import is_national_admin, municipality_ids
from surveys.models import Answer, Choice, Question, Response, Survey, SurveySection, TimeOfDay
from surveys.results import answer_counts, survey_questions
from surveys.services import survey_start_new_round

# Who may read which answers. A survey may cover several kommuner, and a coordinator sees it if it covers one of
# theirs; its answers, though, are the residents' own, and a coordinator reads only those of respondents from their
# own kommuner (Response.municipality): in the counts, the list of answers, free text and the CSV file. A
# national administrator reads them all. The public results are the whole survey's, suppressed as always.


def respondents_in_scope(queryset, user, path="municipality"):
    """Rows of `queryset` (responses, or answers with path="response__municipality") from respondents in the
    user's kommuner; all of them for a national administrator. A response without a kommun is nobody's kommun's."""
    ids = municipality_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{path}__in": ids})


def shared_survey_locked(user, survey):
    """A survey for several kommuner is changed only by a national administrator: one kommun's coordinator
    must not change the questions, dates or results that another kommun's residents answer and read."""
    return survey is not None and not is_national_admin(user) and survey.is_shared()


def survey_parts_locked(user, survey):
    """The sections, questions and choices of a survey are fixed once its results are published (for everyone:
    a question reworded afterwards would change what the published counts mean), and for coordinators while it is
    shared (shared_survey_locked)."""
    return survey is not None and (survey.results_published or shared_survey_locked(user, survey))


def _object_id(request):
    return request.resolver_match.kwargs.get("object_id") if request.resolver_match else None


class SurveyPhaseFilter(admin.SimpleListFilter):
    title = gettext_lazy("öppen eller stängd")
    parameter_name = "fas"

    def lookups(self, request, model_admin):
        return [
            ("open", gettext_lazy("Öppen nu")),
            ("upcoming", gettext_lazy("Har inte öppnat")),
            ("closed", gettext_lazy("Stängd")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "open":
            return queryset.open_on(today)
        if self.value() == "upcoming":
            return queryset.filter(opens_on__gt=today)
        if self.value() == "closed":
            return queryset.filter(closes_on__lt=today)
        return queryset


class SharedSurveyPartMixin:
    """Sections, questions and choices of a shared survey: read-only to coordinators, as the survey itself; and
    to everyone once the survey's results are published (survey_parts_locked)."""

    def _locked(self, request, obj):
        survey = obj.survey if isinstance(obj, Question) else obj
        return survey_parts_locked(request.user, survey)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)


class SurveySectionInline(SharedSurveyPartMixin, ScopedMixin, admin.TabularInline):
    model = SurveySection
    fields = ["order", "title", "description"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class QuestionInline(SharedSurveyPartMixin, ScopedMixin, admin.TabularInline):
    model = Question
    # The rest (help text, scale labels, answer choices) on the question's own page: the row stays readable.
    fields = ["order", "section", "kind", "text", "required"]
    extra = 0
    show_change_link = True
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 45})}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this survey's own sections; a new survey has none until it is saved.
        if db_field.name == "section":
            survey_id = _object_id(request)
            kwargs["queryset"] = (
                SurveySection.objects.filter(survey_id=survey_id) if survey_id else SurveySection.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SurveyAdminForm(forms.ModelForm):
    # Set per request in SurveyAdmin.get_form: coordinators may hide more, never less, than the national rule.
    lowest_cell_size = None
    # Set per request too: a coordinator's survey covers one of their own kommuner (the field offers no others).
    one_municipality_only = False

    class Meta:
        model = Survey
        fields = [
            "title",
            "slug",
            "municipalities",
            "introduction",
            "opens_on",
            "closes_on",
            "results_published",
            "results_expected_on",
            "min_cell_size",
        ]

    def clean_municipalities(self):
        value = self.cleaned_data["municipalities"]
        if self.one_municipality_only and len(value) > 1:
            # A shared survey is changed only by a national administrator: a coordinator who made one could not
            # add a question to it afterwards.
            raise forms.ValidationError(
                _("Välj en kommun. En enkät för flera kommuner läggs upp och ändras av en nationell administratör.")
            )
        return value

    def clean_min_cell_size(self):
        value = self.cleaned_data["min_cell_size"]
        if self.lowest_cell_size is not None and value is not None and value < self.lowest_cell_size:
            raise forms.ValidationError(
                _("Minst %(lowest)d: färre svar än så visas aldrig, så att ingen kan pekas ut.")
                % {"lowest": self.lowest_cell_size}
            )
        return value


@admin.register(Survey)
class SurveyAdmin(ScopedAdmin):
    form = SurveyAdminForm
    list_display = [
        "title",
        "municipality_names",
        "opens_on",
        "closes_on",
        "phase",
        "results_published",
        "response_count",
    ]
    list_filter = [SurveyPhaseFilter, ("municipalities", admin.RelatedOnlyFieldListFilter), "results_published"]
    search_fields = ["title", "slug", "introduction", "questions__text"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipalities"]
    date_hierarchy = "opens_on"
    view_on_site = True
    inlines = [SurveySectionInline, QuestionInline]
    # Whom a survey is shared with is shown by the kommuner field itself: a shared survey is read-only to a
    # coordinator (shared_survey_locked), so its page lists every kommun it covers.
    readonly_fields = ["counts", "created_at"]
    actions = ["export_responses", "start_new_round"]
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", "municipalities", "introduction"],
                "description": gettext_lazy(
                    "En trygghetsundersökning som invånarna svarar på anonymt. Lägg till avsnitt och frågor "
                    "längre ner. En fråga kan läggas i ett avsnitt när enkäten har sparats en gång. Hjälptext, "
                    "etiketter för skalan och svarsalternativ lägger du till på frågans egen sida (länken ”Ändra” "
                    "vid frågan)."
                ),
            },
        ),
        (gettext_lazy("När enkäten är öppen"), {"fields": [("opens_on", "closes_on")]}),
        (
            gettext_lazy("Resultat"),
            {
                "fields": ["results_expected_on", "results_published", "min_cell_size", "counts", "created_at"],
                "description": gettext_lazy(
                    "Antalen här är bara för samordnare och syns medan enkäten är öppen. Allmänheten ser resultaten "
                    "först när enkäten har stängt och de är publicerade, och då utan små antal."
                ),
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        national = is_national_admin(request.user)
        form.lowest_cell_size = None if national else settings.SURVEY_MIN_CELL_SIZE
        form.one_municipality_only = not national
        return form

    def get_queryset(self, request):
        ids = municipality_ids(request.user)
        own = Q() if ids is None else Q(responses__municipality__in=ids)
        return (
            super()
            .get_queryset(request)
            .prefetch_related("municipalities")
            .annotate(_response_count=Count("responses", filter=own, distinct=True))
            # A grouped query drops Meta.ordering; the autocomplete pages through it.
            .order_by(*Survey._meta.ordering)
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        asking_for_question = request.GET.get("model_name") == "question" and request.GET.get("field_name") == "survey"
        if asking_for_question and not is_national_admin(request.user):
            # The question form's survey field: a coordinator adds questions to no shared survey, so offer none.
            queryset = queryset.exclude(pk__in=Survey.objects.shared())
        return queryset, may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # For the counts field, which is given only the survey: whose answers it may count.
            obj._answers_of = municipality_ids(request.user)
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not shared_survey_locked(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not shared_survey_locked(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and Survey.objects.filter(pk=obj.pk, results_published=True).exists():
            readonly += [name for name in Survey.LOCKED_ONCE_PUBLISHED if name not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        locked = shared_survey_locked(request.user, obj)
        if obj is not None and not locked and Survey.objects.filter(pk=obj.pk, results_published=True).exists():
            fieldsets[1][1]["description"] = _(
                "Datumen är låsta eftersom resultaten är publicerade. Ett svar som kom in efter publiceringen "
                "skulle gå att peka ut genom att jämföra resultaten före och efter. Vill ni fråga igen: välj "
                "”Starta en ny omgång” överst på sidan. Då får ni en ny enkät med samma frågor, som ni ger nya datum. "
                "Frågorna och svarsalternativen är också låsta."
            )
        if locked:
            fieldsets[0][1]["description"] = _(
                "Enkäten gäller flera kommuner, så bara en nationell administratör kan ändra den. Du kan läsa den, "
                "och du ser svaren från invånare i dina egna kommuner."
            )
        return fieldsets

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/ny-omgang/",
                self.admin_site.admin_view(require_POST(self.new_round_view)),
                name="{}_{}_new_round".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_start_new_round"] = obj is not None and self._may_start_new_round(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_start_new_round(self, request, survey):
        return self.has_add_permission(request) and not shared_survey_locked(request.user, survey)

    def _start_new_round(self, request, survey):
        if not self._may_start_new_round(request, survey):
            raise PermissionDenied
        new = survey_start_new_round(survey=survey, today=timezone.localdate())
        self.log_addition(request, new, [{"added": {}}])
        self.message_user(
            request,
            _(
                "En ny omgång av ”%(old)s” är skapad, med samma frågor och inga svar. Kontrollera rubriken och "
                "datumen, och spara."
            )
            % {"old": survey.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[new.pk]))

    def new_round_view(self, request, object_id):
        return self._start_new_round(request, self.get_object_in_scope_or_404(request, object_id))

    @admin.action(description=gettext_lazy("Starta en ny omgång"), permissions=["add"])
    def start_new_round(self, request, queryset):
        surveys = list(queryset[:2])
        if len(surveys) != 1:
            self.message_user(request, _("Välj en enkät i taget att starta en ny omgång av."), messages.WARNING)
            return None
        if shared_survey_locked(request.user, surveys[0]):
            self.message_user(
                request,
                _("Enkäten gäller flera kommuner: en ny omgång startas av en nationell administratör."),
                messages.WARNING,
            )
            return None
        return self._start_new_round(request, surveys[0])

    @admin.display(description=gettext_lazy("kommuner"))
    def municipality_names(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return ", ".join(m.name for m in obj.municipalities.all())

    @admin.display(description=gettext_lazy("läge"))
    def phase(self, obj):
        today = timezone.localdate()
        if obj.is_open(today):
            return _("Öppen")
        if obj.opens_on > today:
            return _("Har inte öppnat")
        return _("Stängd")

    @admin.display(description=gettext_lazy("antal svar"), ordering="_response_count")
    def response_count(self, obj):
        return obj._response_count

    @admin.display(description=gettext_lazy("antal svar per fråga"))
    def counts(self, obj):
        if obj is None or obj.pk is None:
            return _("Visas när enkäten är sparad.")
        # Set by get_object; a survey that came another way shows no answers rather than all of them.
        ids = getattr(obj, "_answers_of", set())
        responses = obj.responses.all() if ids is None else obj.responses.filter(municipality__in=ids)
        return render_to_string(
            "surveys/includes/_survey_counts.html",
            {
                "questions": answer_counts(survey=obj, municipality_ids=ids),
                "responses": responses.count(),
                "own_kommuner_only": ids is not None and obj.is_shared(),
            },
        )

    @admin.action(description=gettext_lazy("Exportera svar som CSV"), permissions=["view"])
    def export_responses(self, request, queryset):
        surveys = list(queryset[:2])
        if len(surveys) != 1:
            self.message_user(request, _("Välj en enkät i taget att exportera."), messages.WARNING)
            return None
        return responses_csv(surveys[0], municipality_ids=municipality_ids(request.user))


def responses_csv(survey, *, municipality_ids):
    """One row per response, one column per question (two for a place), free text included.

    Only the responses of residents of `municipality_ids` (None: all, for a national administrator)."""
    _groups, questions = survey_questions(survey=survey)
    header = [_("svar nr"), _("inskickad"), _("kommun")]
    for question in questions:
        if question.kind == Question.Kind.PLACE:
            header += [f"{question.text} – {_('plats')}", f"{question.text} – {_('tid på dygnet')}"]
        else:
            header.append(question.text)
    times = dict(TimeOfDay.choices)
    responses = Response.objects.filter(survey=survey)
    if municipality_ids is not None:
        responses = responses.filter(municipality__in=municipality_ids)
    responses = responses.select_related("municipality").prefetch_related("answers__choice").order_by("pk")

    def rows():
        for number, response in enumerate(responses.iterator(chunk_size=500), start=1):
            by_question = {}
            for answer in response.answers.all():
                by_question.setdefault(answer.question_id, []).append(answer)
            row = [number, response.submitted_on.isoformat(), response.municipality or ""]
            for question in questions:
                answers = by_question.get(question.pk, [])
                if question.kind == Question.Kind.PLACE:
                    answer = answers[0] if answers else None
                    row += [
                        answer.place_description if answer else "",
                        times.get(answer.time_of_day, "") if answer else "",
                    ]
                elif question.kind == Question.Kind.SCALE:
                    row.append(answers[0].scale_value if answers else "")
                elif question.kind == Question.Kind.TEXT:
                    row.append(answers[0].text if answers else "")
                else:
                    row.append("; ".join(answer.choice.text for answer in answers if answer.choice))
            yield row

    return csv_response(f"enkat-{survey.slug}", header, rows())


class ChoiceInline(SharedSurveyPartMixin, ScopedMixin, admin.TabularInline):
    model = Choice
    fields = ["order", "text"]
    extra = 3


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "survey",
            "section",
            "order",
            "kind",
            "text",
            "help_text",
            "required",
            "scale_min_label",
            "scale_max_label",
        ]

    def clean(self):
        cleaned = super().clean()
        survey, section = cleaned.get("survey"), cleaned.get("section")
        if survey and section and section.survey_id != survey.pk:
            self.add_error("section", _("Avsnittet hör till en annan enkät."))
        kind = cleaned.get("kind")
        if kind not in (Question.Kind.SCALE, None) and (
            cleaned.get("scale_min_label") or cleaned.get("scale_max_label")
        ):
            self.add_error("scale_min_label", _("Etiketter för skalan används bara för frågor av typen skala 1–5."))
        return cleaned


@admin.register(Question)
class QuestionAdmin(ScopedAdmin):
    form = QuestionAdminForm
    list_display = ["text", "survey", "section", "kind", "required", "order"]
    list_select_related = ["survey", "section"]
    list_filter = ["kind", ("survey", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "help_text", "survey__title", "choices__text"]
    autocomplete_fields = ["survey"]
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["survey", "section", "order", "kind", "text", "help_text", "required"]}),
        (
            gettext_lazy("Skala 1–5"),
            {
                "fields": [("scale_min_label", "scale_max_label")],
                "description": gettext_lazy(
                    "Bara för frågor av typen skala: vad 1 och 5 betyder, t.ex. ”Mycket otrygg”."
                ),
            },
        ),
    ]

    def get_inlines(self, request, obj):
        # Only questions with answer choices have any.
        if obj is not None and obj.kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            return []
        return super().get_inlines(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            question_id = _object_id(request)
            if question_id:
                kwargs["queryset"] = SurveySection.objects.filter(survey__questions=question_id)
        if db_field.name == "survey":
            # Nobody adds a question to a survey whose results are published, or moves one into it; nor may a
            # coordinator to a shared survey.
            surveys = Survey.objects.exclude(results_published=True)
            if not is_national_admin(request.user):
                surveys = surveys.exclude(pk__in=Survey.objects.shared())
            kwargs["queryset"] = surveys
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and survey_parts_locked(request.user, obj.survey)
        return super().has_change_permission(request, obj) and not locked

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and survey_parts_locked(request.user, obj.survey)
        return super().has_delete_permission(request, obj) and not locked


class AnswerInline(ScopedMixin, admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "scale_value", "text", "place_description", "time_of_day"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        answers = super().get_queryset(request).select_related("question", "choice")
        return respondents_in_scope(answers, request.user, path="response__municipality")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ScopedAdmin):
    """Residents' answers, exactly as they were sent: nobody changes or adds them in the admin."""

    list_display = ["__str__", "survey", "municipality", "submitted_on", "answer_count"]
    list_select_related = ["survey", "municipality"]
    list_filter = [("survey", admin.RelatedOnlyFieldListFilter), ("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["answers__text", "answers__place_description"]
    fields = ["survey", "municipality", "submitted_on"]
    readonly_fields = fields
    inlines = [AnswerInline]

    def get_queryset(self, request):
        responses = respondents_in_scope(super().get_queryset(request), request.user)
        return responses.annotate(_answer_count=Count("answers", distinct=True))

    def has_view_permission(self, request, obj=None):
        # The survey's kommuner (ScopedMixin) are not enough: the respondent must be from one of the user's own.
        in_scope = obj is None or respondents_in_scope(Response.objects.filter(pk=obj.pk), request.user).exists()
        return super().has_view_permission(request, obj) and in_scope

    @admin.display(description=gettext_lazy("antal svar på frågor"), ordering="_answer_count")
    def answer_count(self, obj):
        return obj._answer_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
