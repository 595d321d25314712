from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from promises.admin.follow_up_import import FollowUpImportAdminMixin
from promises.admin_mixins import (
    URL_FORMFIELD,
    ApprovableAdminMixin,
    ApprovalStateFilter,
    PeriodContentAdminMixin,
    ScopedAdmin,
    ScopedMixin,
    VersionedAdminMixin,
    csv_response,
)
from promises.locking import VersionedAdminForm
from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FollowUp,
    Party,
    PromisePeriod,
    Signatory,
    Theme,
)
from promises.scoping import is_national_admin
from promises.services import follow_up_add_missing_reports, follow_up_start, signed_original_record
from surveys.models import Dialogue, Moderation, Survey, UnsafePlace

# English and lättläst versions sit in a collapsed fieldset of their own: most coordinators write only the Swedish,
# which stays the official text, and should not have to scroll past empty translation fields to find it.
TRANSLATIONS = gettext_lazy("Engelska och lättläst")
TRANSLATIONS_HELP = gettext_lazy(
    "Frivilligt. Den engelska texten visas på portalens engelska sidor som en inofficiell översättning; lämnas ett "
    "fält tomt visas den svenska texten. Lättläst är samma innehåll på lättläst svenska: korta meningar, en tanke "
    "per mening, vanliga ord och förklaringar av svåra ord. Den svenska texten ovan är alltid den som gäller."
)
ENGLISH = gettext_lazy("Engelska")
ENGLISH_HELP = gettext_lazy(
    "Frivilligt. Visas på portalens engelska sidor som en inofficiell översättning; lämnas ett fält tomt visas den "
    "svenska texten."
)


def _translations(fields, *, easy_read=True):
    title, description = (TRANSLATIONS, TRANSLATIONS_HELP) if easy_read else (ENGLISH, ENGLISH_HELP)
    return (title, {"fields": fields, "classes": ["collapse"], "description": description})


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "focus_area_count"]
    search_fields = ["name", "description", "name_en"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        _translations(["name_en", "description_en"], easy_read=False),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_focus_area_count=Count("focus_areas"))

    @admin.display(description=gettext_lazy("fokusområden"), ordering="_focus_area_count")
    def focus_area_count(self, obj):
        return obj._focus_area_count


def _object_id(request):
    return request.resolver_match.kwargs.get("object_id") if request.resolver_match else None


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
            object_id = _object_id(request)
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
    fields = ["order", "name", "short_name", "kind", "role", "contribution"]
    extra = 0


class SignatoryInline(ScopedMixin, admin.TabularInline):
    model = Signatory
    fields = ["order", "name", "title", "party"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the parties of the period being edited make sense here.
        if db_field.name == "party":
            period_id = _object_id(request)
            kwargs["queryset"] = Party.objects.filter(period_id=period_id) if period_id else Party.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FocusAreaInline(ScopedMixin, admin.TabularInline):
    model = FocusArea
    fields = ["order", "title", "theme", "description"]
    extra = 0
    show_change_link = True


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
        _translations(["title_en", "preamble_en", "basis_en", "feedback_en", "easy_read"]),
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
                    ("order", "title"),
                    "text",
                    "responsible",
                    ("frequency", "target"),
                    ("recurrence", "added_in_extension"),
                    "carried_over_from",
                ]
            },
        ),
        _translations(ACTIVITY_TRANSLATION_FIELDS),
    ]
    autocomplete_fields = ["carried_over_from"]
    filter_horizontal = ["responsible"]
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            focus_area_id = _object_id(request)
            kwargs["queryset"] = (
                Party.objects.filter(period__focus_areas=focus_area_id) if focus_area_id else Party.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(FocusArea)
class FocusAreaAdmin(PeriodContentAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "period", "theme", "order"]
    list_select_related = ["period__municipality", "theme"]
    list_filter = ["theme", "period__municipality"]
    search_fields = ["title", "description", "period__municipality__name"]
    autocomplete_fields = ["period", "theme"]
    inlines = [ActivityInline]
    fieldsets = [
        (None, {"fields": ["period", ("order", "title"), "theme", "description"]}),
        _translations(["title_en", "description_en"], easy_read=False),
    ]

    def period_of(self, obj):
        return obj.period


@admin.register(Activity)
class ActivityAdmin(EvidenceAdminMixin, PeriodContentAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    form = ActivityAdminForm
    evidence_fields = ACTIVITY_EVIDENCE_FIELDS
    list_display = ["__str__", "focus_area", "period", "recurrence", "added_in_extension"]
    list_select_related = ["focus_area__period__municipality"]
    list_filter = [
        "recurrence",
        "added_in_extension",
        "focus_area__period__municipality",
        "focus_area__theme",
    ]
    search_fields = ["title", "text", "focus_area__title", "focus_area__period__municipality__name"]
    autocomplete_fields = ["focus_area", "carried_over_from"]
    filter_horizontal = ["responsible", *ACTIVITY_EVIDENCE_FIELDS]
    fieldsets = [
        (None, {"fields": ["focus_area", ("order", "title"), "text", "responsible"]}),
        (
            gettext_lazy("Omfattning"),
            {"fields": [("frequency", "target"), ("recurrence", "added_in_extension"), "carried_over_from"]},
        ),
        _translations(ACTIVITY_TRANSLATION_FIELDS),
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

    def evidence_municipality_id(self, object_id):
        return (
            Activity.objects.filter(pk=object_id).values_list("focus_area__period__municipality_id", flat=True).first()
        )

    def save_related(self, request, form, formsets, change):
        if change and self.evidence_only_changed(form, formsets):
            # Skip PeriodContentAdminMixin: the promise itself did not change, so the period keeps its approvals.
            return super(PeriodContentAdminMixin, self).save_related(request, form, formsets, change)
        return super().save_related(request, form, formsets, change)


class ActivityReportInline(ScopedMixin, admin.StackedInline):
    """The year's reports, one per activity, all filled in on the follow-up's page."""

    model = ActivityReport
    formfield_overrides = URL_FORMFIELD
    fieldsets = [
        (None, {"fields": ["promise", "status", "done", ("count", "count_label"), "reason", "evidence_url"]}),
        _translations(["done_en", "reason_en"], easy_read=False),
    ]
    readonly_fields = ["promise"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("activity__focus_area")
            .order_by("activity__focus_area__order", "activity__order", "pk")
        )

    def has_add_permission(self, request, obj=None):
        # Reports are created by starting the follow-up: one per activity, never by hand.
        return False

    @admin.display(description=gettext_lazy("löftet"))
    def promise(self, obj):
        return format_html("<strong>{}</strong><br>{}", obj.activity.focus_area.title, obj.activity.text)


@admin.register(FollowUp)
class FollowUpAdmin(
    FollowUpImportAdminMixin, ApprovableAdminMixin, VersionedAdminMixin, ScopedAdmin, SimpleHistoryAdmin
):
    list_display = [
        "__str__",
        "year",
        "approval_state_label",
        "published_on",
        "is_example",
        "content_updated_at",
    ]
    list_select_related = ["period__municipality"]
    list_filter = [ApprovalStateFilter, "year", "period__municipality", "is_example", "period"]
    search_fields = ["period__municipality__name", "summary", "reports__done"]
    autocomplete_fields = ["period"]
    readonly_fields = ["updated_at"]
    view_on_site = True
    inlines = [ActivityReportInline]
    publication_fields = ("publication", "published_on", "is_example")
    actions = ["export_csv", "export_import_format"]

    add_fieldsets = [
        (
            None,
            {
                "fields": ["period", "year"],
                "description": gettext_lazy(
                    "Välj medborgarlöfte och år. När du sparar skapas en rapport för varje aktivitet i "
                    "löftet, som du sedan fyller i på nästa sida."
                ),
            },
        )
    ]
    fieldsets = [
        (None, {"fields": ["summary"]}),
        _translations(["summary_en"], easy_read=False),
        (
            gettext_lazy("Publicering och godkännanden"),
            {
                "fields": [
                    ("publication", "published_on", "is_example"),
                    ("municipality_approved_at", "municipality_approved_by"),
                    ("police_approved_at", "police_approved_by"),
                    ("content_updated_at", "updated_at"),
                ],
                "description": gettext_lazy(
                    "Uppföljningen publiceras när både kommunens och polisens samordnare har godkänt den. "
                    "Ändras den efter ett godkännande behöver båda godkänna igen; ändras den efter "
                    "publiceringen visas det för allmänheten."
                ),
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            readonly = [*readonly, "period", "year"]
        return readonly

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=gettext_lazy("godkännande"))
    def approval_state_label(self, obj):
        return obj.approval_state_label

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        started = follow_up_start(period=obj.period, year=obj.year, user=request.user)
        obj.pk = started.pk
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("Uppföljningen för %(year)s är startad med en rapport per aktivitet. Fyll i status och vad som gjordes.")
            % {"year": obj.year},
            messages.SUCCESS,
        )
        # Always on to the page where the reports are filled in: that is the next step.
        return HttpResponseRedirect(reverse("admin:promises_followup_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object_in_scope_or_404(request, object_id)
        if request.method == "GET" and self.has_change_permission(request, obj):
            added = follow_up_add_missing_reports(follow_up=obj, user=request.user)
            if added:
                self.message_user(
                    request,
                    _("%(count)s aktiviteter har lagts till i löftet sedan uppföljningen startades; de finns nu med.")
                    % {"count": added},
                    messages.INFO,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("Exportera valda uppföljningar som CSV"))
    def export_csv(self, request, queryset):
        reports = (
            ActivityReport.objects.filter(follow_up__in=queryset)
            .select_related("follow_up__period__municipality", "activity__focus_area")
            .order_by("follow_up__period__municipality__name", "follow_up__year", "activity__focus_area__order")
        )
        header = [
            _("kommun"),
            _("period"),
            _("år"),
            _("publicering"),
            _("fokusområde"),
            _("aktivitet"),
            _("status"),
            _("vad som gjordes"),
            _("antal"),
            _("vad antalet avser"),
            _("skäl"),
            _("länk till underlag"),
        ]
        rows = (
            [
                r.follow_up.period.municipality.name,
                r.follow_up.period.years_label,
                r.follow_up.year,
                r.follow_up.approval_state_label,
                r.activity.focus_area.title,
                r.activity.text,
                r.get_status_display(),
                r.done,
                r.count,
                r.count_label,
                r.reason,
                r.evidence_url,
            ]
            for r in reports
        )
        return csv_response("uppfoljningar", header, rows)


@admin.register(ActivityReport)
class ActivityReportAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """For finding and comparing reports; they are edited on their follow-up's page."""

    list_display = ["activity", "year", "status", "count", "follow_up_link"]
    list_select_related = ["activity", "follow_up__period__municipality"]
    list_filter = ["status", "follow_up__year", "follow_up__period__municipality"]
    search_fields = ["activity__text", "activity__title", "done", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # One place to edit (the follow-up page), so one version to protect against lost updates.
        return is_national_admin(request.user) and super().has_change_permission(request, obj)

    @admin.display(description=gettext_lazy("år"), ordering="follow_up__year")
    def year(self, obj):
        return obj.follow_up.year

    @admin.display(description=gettext_lazy("uppföljning"))
    def follow_up_link(self, obj):
        url = reverse("admin:promises_followup_change", args=[obj.follow_up_id])
        return format_html('<a href="{}">{}</a>', url, _("Öppna uppföljningen"))
