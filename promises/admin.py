from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

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


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "focus_area_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_focus_area_count=Count("focus_areas"))

    @admin.display(description=_("fokusområden"), ordering="_focus_area_count")
    def focus_area_count(self, obj):
        return obj._focus_area_count


class PartyInline(admin.TabularInline):
    model = Party
    fields = ["order", "name", "short_name", "kind", "role", "contribution"]
    extra = 0


class SignatoryInline(admin.TabularInline):
    model = Signatory
    fields = ["order", "name", "title", "party"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the parties of the period being edited make sense here.
        if db_field.name == "party":
            period_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Party.objects.filter(period_id=period_id) if period_id else Party.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    fields = ["order", "title", "theme", "description"]
    extra = 0
    show_change_link = True


@admin.register(PromisePeriod)
class PromisePeriodAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "municipality",
        "start_year",
        "end_year",
        "publication",
        "signed_on",
        "updated_at",
    ]
    list_select_related = ["municipality"]
    list_filter = ["publication", "municipality__police_area", "municipality", "start_year"]
    search_fields = [
        "municipality__name",
        "title",
        "preamble",
        "focus_areas__title",
        "focus_areas__activities__text",
    ]
    autocomplete_fields = ["municipality", "extends"]
    readonly_fields = ["updated_at"]
    view_on_site = True
    date_hierarchy = "signed_on"
    inlines = [PartyInline, SignatoryInline, FocusAreaInline]
    fieldsets = [
        (None, {"fields": ["municipality", ("start_year", "end_year"), "title"]}),
        (
            _("Dokumentets text"),
            {
                "description": _(
                    "Skriv av texten ordagrant från det undertecknade dokumentet. Tom rad mellan stycken."
                ),
                "fields": ["preamble", "basis", "feedback", "easy_read"],
            },
        ),
        (_("Förlängning"), {"fields": ["extends", "extension_note"], "classes": ["collapse"]}),
        (_("Undertecknande"), {"fields": [("signed_place", "signed_on"), "source"]}),
        (_("Publicering"), {"fields": [("publication", "published_at"), "updated_at"]}),
    ]


class ActivityInline(admin.StackedInline):
    model = Activity
    fk_name = "focus_area"
    fields = [
        ("order", "title"),
        "text",
        "responsible",
        ("frequency", "target"),
        ("recurrence", "added_in_extension"),
        "carried_over_from",
    ]
    autocomplete_fields = ["carried_over_from"]
    filter_horizontal = ["responsible"]
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            focus_area_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Party.objects.filter(period__focus_areas=focus_area_id)
                if focus_area_id
                else Party.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "theme", "order"]
    list_select_related = ["period__municipality", "theme"]
    list_filter = ["theme", "period__municipality"]
    search_fields = ["title", "description", "period__municipality__name"]
    autocomplete_fields = ["period", "theme"]
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
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
    filter_horizontal = ["responsible"]

    @admin.display(description=_("period"), ordering="focus_area__period")
    def period(self, obj):
        return obj.focus_area.period


# Links to evidence are typed without a scheme more often than not; https is the right guess in 2026.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


class ActivityReportInline(admin.StackedInline):
    model = ActivityReport
    formfield_overrides = URL_FORMFIELD
    fields = ["activity", "status", "done", ("count", "count_label"), "reason", "evidence_url"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "activity":
            follow_up_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Activity.objects.filter(focus_area__period__follow_ups=follow_up_id).select_related(
                    "focus_area"
                )
                if follow_up_id
                else Activity.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "publication", "published_on", "is_example", "updated_at"]
    list_select_related = ["period__municipality"]
    list_filter = ["publication", "year", "is_example", "period__municipality"]
    search_fields = ["period__municipality__name", "summary"]
    autocomplete_fields = ["period"]
    readonly_fields = ["updated_at"]
    view_on_site = True
    inlines = [ActivityReportInline]
    fieldsets = [
        (None, {"fields": ["period", "year", "summary"]}),
        (_("Publicering"), {"fields": [("publication", "published_on"), "is_example", "updated_at"]}),
    ]


@admin.register(ActivityReport)
class ActivityReportAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FORMFIELD
    list_display = ["activity", "year", "status", "count"]
    list_select_related = ["activity", "follow_up__period__municipality"]
    list_filter = ["status", "follow_up__year", "follow_up__period__municipality"]
    search_fields = ["activity__text", "activity__title", "done", "reason"]
    autocomplete_fields = ["follow_up", "activity"]

    @admin.display(description=_("år"), ordering="follow_up__year")
    def year(self, obj):
        return obj.follow_up.year
