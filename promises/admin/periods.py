"""Admin for promise periods and what they hold: parties, signatories, focus areas and activities, with the
evidence chain (the surveys, dialogues and places a promise rests on)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_mixins import ScopedAdmin, ScopedMixin
from portal.scoping import is_national_admin
from promises.admin.common import edited_object_id, translations_fieldset
from promises.admin.workflow import (
    ApprovableAdminMixin,
    ApprovalStateFilter,
    PeriodContentAdminMixin,
    VersionedAdminMixin,
)
from promises.locking import VersionedAdminForm
from promises.models import Activity, FocusArea, Party, PromisePeriod, Signatory
from promises.services import activity_added_during_period, signed_original_record
from promises.views.periods import period_detail_context
from surveys.models import Dialogue, Moderation, Survey, UnsafePlace

# --- The evidence chain: what a period rests on and where an activity came from ---

PERIOD_EVIDENCE_FIELDS = ("surveys", "dialogues", "unsafe_places")
ACTIVITY_EVIDENCE_FIELDS = ("from_dialogues", "addresses_places")


def _evidence_label(obj):
    # Four dialogues can share a title (”Medborgardialog om trygghet”): place and date tell them apart.
    if isinstance(obj, Dialogue):
        date = timezone.localtime(obj.starts_at).strftime("%Y-%m-%d")
        return f"{obj.title} – {obj.place}, {date} ({obj.municipality.name})"
    if isinstance(obj, UnsafePlace):
        label = f"{obj.title} ({obj.municipality.name})"
        if obj.moderation != Moderation.APPROVED:
            label += " – " + _("visas inte: %(state)s") % {"state": obj.get_moderation_display().lower()}
        return label
    return str(obj)


def _in_municipality(obj, municipality_id):
    if isinstance(obj, Survey):
        return any(m.pk == municipality_id for m in obj.municipalities.all())
    return obj.municipality_id == municipality_id


class EvidenceAdminMixin:
    """The evidence-chain fields: choices from the edited record's own kommun, and never another kommun's."""

    evidence_fields = ()

    def evidence_municipality_id(self, object_id):
        raise NotImplementedError

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.evidence_fields:
            model = db_field.related_model
            queryset = model._default_manager.all()
            if model is not Survey:
                queryset = queryset.select_related("municipality")
            object_id = edited_object_id(request)
            municipality_id = self.evidence_municipality_id(object_id) if object_id else None
            if municipality_id is not None:
                lookup = "municipalities" if model is Survey else "municipality"
                queryset = queryset.filter(**{lookup: municipality_id})
            kwargs["queryset"] = queryset  # ScopedMixin narrows it to the user's kommuner
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = _evidence_label
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def evidence_only_changed(self, form, formsets):
        """Linking what a promise rests on is not a change to the promise's text: approvals stand."""
        changed = set(form.changed_data) - {"edit_version"}
        return bool(changed) and changed <= set(self.evidence_fields) and not any(f.has_changed() for f in formsets)


def _check_evidence(form, municipality, fields):
    if municipality is None:
        return
    for name in fields:
        others = [obj for obj in form.cleaned_data.get(name) or () if not _in_municipality(obj, municipality.pk)]
        if others:
            form.add_error(
                name,
                _("Hör inte till %(kommun)s: %(items)s.")
                % {"kommun": municipality.name, "items": ", ".join(str(obj) for obj in others)},
            )


class PromisePeriodAdminForm(VersionedAdminForm):
    def clean(self):
        cleaned_data = super().clean()
        _check_evidence(self, cleaned_data.get("municipality") or self.instance_municipality(), PERIOD_EVIDENCE_FIELDS)
        return cleaned_data

    def instance_municipality(self):
        return self.instance.municipality if self.instance.municipality_id else None


class ActivityAdminForm(VersionedAdminForm):
    def clean(self):
        cleaned_data = super().clean()
        focus_area = cleaned_data.get("focus_area") or (
            self.instance.focus_area if self.instance.focus_area_id else None
        )
        if focus_area is not None:
            _check_evidence(self, focus_area.period.municipality, ACTIVITY_EVIDENCE_FIELDS)
        return cleaned_data


class PartyInline(ScopedMixin, admin.TabularInline):
    model = Party
    fields = [
        "order",
        "name",
        "short_name",
        "kind",
        "role",
        "contribution",
        "name_en",
        "short_name_en",
        "contribution_en",
    ]
    extra = 0


class SignatoryInline(ScopedMixin, admin.TabularInline):
    model = Signatory
    fields = ["order", "name", "title", "title_en", "party"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the parties of the period being edited make sense here.
        if db_field.name == "party":
            period_id = edited_object_id(request)
            kwargs["queryset"] = Party.objects.filter(period_id=period_id) if period_id else Party.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FocusAreaInline(ScopedMixin, admin.TabularInline):
    model = FocusArea
    fields = ["order", "title", "heading_is_portal_own", "themes", "description"]
    extra = 0
    show_change_link = True
    # Checkboxes: about fifteen national themes, several of which an area may address.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(PromisePeriod)
class PromisePeriodAdmin(
    EvidenceAdminMixin, ApprovableAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin
):
    form = PromisePeriodAdminForm
    evidence_fields = PERIOD_EVIDENCE_FIELDS
    filter_horizontal = PERIOD_EVIDENCE_FIELDS
    list_display = ["__str__", "municipality", "start_year", "end_year", "approval_state_label", "updated_at"]
    list_select_related = ["municipality"]
    list_filter = [ApprovalStateFilter, "municipality__police_area", "municipality", "start_year"]
    search_fields = [
        "municipality__name",
        "title",
        "preamble",
        "focus_areas__title",
        "focus_areas__activities__text",
    ]
    autocomplete_fields = ["municipality", "extends"]
    view_on_site = True
    inlines = [PartyInline, SignatoryInline, FocusAreaInline]
    publication_fields = ("publication", "published_at")
    readonly_fields = ["updated_at", "signed_original_uploaded_at", "signed_original_sha256"]
    fieldsets = [
        (
            None,
            {
                "fields": ["municipality", ("start_year", "end_year"), "title"],
                "description": gettext_lazy(
                    "Ett medborgarlöfte för en kommun och en period. Det blir offentligt när både kommunens och "
                    "polisens samordnare har godkänt det."
                ),
            },
        ),
        (
            gettext_lazy("Dokumentets text"),
            {
                "description": gettext_lazy(
                    "Skriv av texten ordagrant från det undertecknade dokumentet. Tom rad mellan stycken."
                ),
                "fields": ["preamble", "basis", "feedback"],
            },
        ),
        translations_fieldset(["title_en", "preamble_en", "basis_en", "feedback_en", "easy_read"]),
        (gettext_lazy("Förlängning"), {"fields": ["extends", "extension_note"], "classes": ["collapse"]}),
        (
            gettext_lazy("Underlag från invånarna"),
            {
                "fields": list(PERIOD_EVIDENCE_FIELDS),
                "description": gettext_lazy(
                    "De trygghetsundersökningar, medborgardialoger och otrygga platser som löftet bygger på. De "
                    "visas på löftets sida under ”Underlag från invånarna”: dialoger bara när de är publicerade, "
                    "platser bara när de är godkända i granskningen. Att ändra kopplingarna tar inte bort några "
                    "godkännanden, eftersom löftets text inte ändras."
                ),
            },
        ),
        (
            gettext_lazy("Undertecknande"),
            {
                "fields": [
                    ("signed_place", "signed_on"),
                    "signed_original",
                    ("signed_original_uploaded_at", "signed_original_sha256"),
                    "source",
                    "source_en",
                ],
                "description": gettext_lazy(
                    "Ladda upp det skannade, undertecknade dokumentet som PDF. Det visas för allmänheten med "
                    "uppladdningsdatum och kontrollsumma, och om löftestexten ändras efteråt visar sidan vad som "
                    "skiljer."
                ),
            },
        ),
        (
            gettext_lazy("Publicering och godkännanden"),
            {
                "fields": [
                    ("publication", "published_at"),
                    ("municipality_approved_at", "municipality_approved_by"),
                    ("police_approved_at", "police_approved_by"),
                    ("content_updated_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description=gettext_lazy("godkännande"))
    def approval_state_label(self, obj):
        return obj.approval_state_label

    def evidence_municipality_id(self, object_id):
        return PromisePeriod.objects.filter(pk=object_id).values_list("municipality_id", flat=True).first()

    def render_preview(self, request, obj, preview):
        period = PromisePeriod.objects.with_content(evidence=True).get(pk=obj.pk)
        return render(request, "promises/period_detail.html", {**period_detail_context(period), "preview": preview})

    def _form_has_changed(self, form):
        ignored = {"edit_version", *self.publication_fields, *PERIOD_EVIDENCE_FIELDS}
        return any(name not in ignored for name in form.changed_data)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "signed_original" in form.changed_data:
            signed_original_record(period=form.instance, user=request.user)


ACTIVITY_TRANSLATION_FIELDS = ["title_en", "text_en", ("frequency_en", "target_en"), "easy_read"]


class ActivityInline(ScopedMixin, admin.StackedInline):
    model = Activity
    fk_name = "focus_area"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("order", "title", "heading_is_portal_own"),
                    "text",
                    "responsible",
                    ("frequency", "target"),
                    ("recurrence", "added_in_extension"),
                    "carried_over_from",
                ]
            },
        ),
        translations_fieldset(ACTIVITY_TRANSLATION_FIELDS),
    ]
    autocomplete_fields = ["carried_over_from"]
    filter_horizontal = ["responsible"]
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            focus_area_id = edited_object_id(request)
            kwargs["queryset"] = (
                Party.objects.filter(period__focus_areas=focus_area_id) if focus_area_id else Party.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(FocusArea)
class FocusAreaAdmin(PeriodContentAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "period", "theme_names", "order"]
    list_select_related = ["period__municipality"]
    list_filter = ["themes", "period__municipality"]
    search_fields = ["title", "description", "period__municipality__name", "themes__name"]
    autocomplete_fields = ["period"]
    filter_horizontal = ["themes"]
    inlines = [ActivityInline]
    fieldsets = [
        (None, {"fields": ["period", ("order", "title", "heading_is_portal_own"), "themes", "description"]}),
        translations_fieldset(["title_en", "description_en"], easy_read=False),
    ]

    def period_of(self, obj):
        return obj.period

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    @admin.display(description=gettext_lazy("teman"))
    def theme_names(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is Activity:
            for activity_form in formset.forms:
                if activity_form.instance.pk is None and activity_form.has_changed():
                    activity_added_during_period(activity=activity_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(Activity)
class ActivityAdmin(EvidenceAdminMixin, PeriodContentAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    form = ActivityAdminForm
    evidence_fields = ACTIVITY_EVIDENCE_FIELDS
    list_display = ["__str__", "focus_area", "period", "recurrence", "added_in_extension", "added_after_signing"]
    list_select_related = ["focus_area__period__municipality"]
    list_filter = [
        "recurrence",
        "added_in_extension",
        "added_after_signing",
        "focus_area__period__municipality",
        "focus_area__themes",
    ]
    search_fields = ["title", "text", "focus_area__title", "focus_area__period__municipality__name"]
    autocomplete_fields = ["focus_area", "carried_over_from"]
    filter_horizontal = ["responsible", *ACTIVITY_EVIDENCE_FIELDS]
    fieldsets = [
        (None, {"fields": ["focus_area", ("order", "title", "heading_is_portal_own"), "text", "responsible"]}),
        (
            gettext_lazy("Omfattning"),
            {"fields": [("frequency", "target"), ("recurrence", "added_in_extension"), "carried_over_from"]},
        ),
        (
            gettext_lazy("Tillagd under perioden"),
            {
                "fields": [("added_after_signing", "added_on")],
                "description": gettext_lazy(
                    "En aktivitet som läggs till i ett undertecknat eller publicerat löfte märks som tillagd efter "
                    "undertecknandet. Den visas för sig under fokusområdet, aldrig som en del av den undertecknade "
                    "texten."
                ),
            },
        ),
        translations_fieldset(ACTIVITY_TRANSLATION_FIELDS),
        (
            gettext_lazy("Ni sa – vi gjorde"),
            {
                "fields": list(ACTIVITY_EVIDENCE_FIELDS),
                "description": gettext_lazy(
                    "Koppla aktiviteten till de medborgardialoger där invånarna tog upp det som den gör något åt, "
                    "och till de otrygga platser den ska göra tryggare. Kopplingen visas på dialogens sida under "
                    "”Det här ledde till” och vid aktiviteten på löftets sida. Att ändra kopplingarna tar inte bort "
                    "några godkännanden, eftersom löftets text inte ändras."
                ),
            },
        ),
    ]

    @admin.display(description=gettext_lazy("period"), ordering="focus_area__period")
    def period(self, obj):
        return obj.focus_area.period

    def period_of(self, obj):
        return obj.focus_area.period

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if not is_national_admin(request.user):
            # Set by the portal when an activity is added to a signed promise, so the public sees it apart.
            readonly += ["added_after_signing", "added_on"]
        return readonly

    def save_model(self, request, obj, form, change):
        if not change:
            activity_added_during_period(activity=obj)
        super().save_model(request, obj, form, change)

    def evidence_municipality_id(self, object_id):
        return (
            Activity.objects.filter(pk=object_id).values_list("focus_area__period__municipality_id", flat=True).first()
        )

    def save_related(self, request, form, formsets, change):
        if change and self.evidence_only_changed(form, formsets):
            # Skip PeriodContentAdminMixin: the promise itself did not change, so the period keeps its approvals.
            return super(PeriodContentAdminMixin, self).save_related(request, form, formsets, change)
        return super().save_related(request, form, formsets, change)
