"""Admin for safety surveys: building them, following the answers as they come in, and exporting them."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin_mixins import ScopedAdmin, ScopedMixin
from portal.csv_export import csv_response
from portal.scoping import is_national_admin, municipality_ids
from surveys.models import Answer, Choice, Question, Response, Survey, SurveySection, TimeOfDay
from surveys.results import answer_counts, survey_questions


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


class SurveySectionInline(ScopedMixin, admin.TabularInline):
    model = SurveySection
    fields = ["order", "title", "description"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class QuestionInline(ScopedMixin, admin.TabularInline):
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
    # municipality_names: a coordinator is offered only their own kommuner, but should see whom they share with.
    readonly_fields = ["municipality_names", "counts", "created_at"]
    actions = ["export_responses"]
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", "municipalities", "municipality_names", "introduction"],
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
        form.lowest_cell_size = None if is_national_admin(request.user) else settings.SURVEY_MIN_CELL_SIZE
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("municipalities")
            .annotate(_response_count=Count("responses", distinct=True))
        )

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
        return render_to_string(
            "surveys/includes/_survey_counts.html",
            {"questions": answer_counts(survey=obj), "responses": obj.responses.count()},
        )

    def save_model(self, request, obj, form, change):
        if change and not is_national_admin(request.user):
            # The kommun field offers only the coordinator's own kommuner, so saving would drop the others
            # from a shared survey; remember them and put them back in save_related.
            request._other_municipalities = list(obj.municipalities.exclude(pk__in=municipality_ids(request.user)))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if others := getattr(request, "_other_municipalities", None):
            form.instance.municipalities.add(*others)

    @admin.action(description=gettext_lazy("Exportera svar som CSV"), permissions=["view"])
    def export_responses(self, request, queryset):
        surveys = list(queryset[:2])
        if len(surveys) != 1:
            self.message_user(request, _("Välj en enkät i taget att exportera."), messages.WARNING)
            return None
        return responses_csv(surveys[0])


def responses_csv(survey):
    """One row per response, one column per question (two for a place), free text included."""
    _groups, questions = survey_questions(survey=survey)
    header = [_("svar nr"), _("inskickad"), _("kommun")]
    for question in questions:
        if question.kind == Question.Kind.PLACE:
            header += [f"{question.text} – {_('plats')}", f"{question.text} – {_('tid på dygnet')}"]
        else:
            header.append(question.text)
    times = dict(TimeOfDay.choices)
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("municipality")
        .prefetch_related("answers__choice")
        .order_by("pk")
    )

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


class ChoiceInline(ScopedMixin, admin.TabularInline):
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
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AnswerInline(ScopedMixin, admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "scale_value", "text", "place_description", "time_of_day"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "choice")

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
        return super().get_queryset(request).annotate(_answer_count=Count("answers", distinct=True))

    @admin.display(description=gettext_lazy("antal svar på frågor"), ordering="_answer_count")
    def answer_count(self, obj):
        return obj._answer_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
