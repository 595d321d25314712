"""Admin for the yearly follow-ups and their activity reports, with the CSV export and import."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_mixins import URL_FORMFIELD, ScopedAdmin, ScopedMixin
from portal.csv_export import csv_response
from portal.scoping import is_national_admin
from promises.admin.common import translations_fieldset
from promises.admin.follow_up_import import FollowUpImportAdminMixin
from promises.admin.workflow import ApprovableAdminMixin, ApprovalStateFilter, VersionedAdminMixin
from promises.models import ActivityReport, FocusAreaReport, FollowUp
from promises.report_status import ReportStatusRadioSelect
from promises.services import follow_up_add_missing_reports, follow_up_start
from promises.views.periods import FOLLOW_UP_RELATED, follow_up_detail_context, follow_up_focus_areas

REPORT_FIELDS = ["status", "done", ("count", "count_label"), "reason", "evidence_url"]


class ReportInlineMixin:
    """The status as radios, each with its definition beside it (GOV.UK radios with hints)."""

    radio_fields = {"status": admin.VERTICAL}

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["widget"] = ReportStatusRadioSelect
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class FocusAreaReportInline(ReportInlineMixin, ScopedMixin, admin.StackedInline):
    """The year's report for every focus area: each area is followed up, whether or not it lists activities."""

    model = FocusAreaReport
    formfield_overrides = URL_FORMFIELD
    fieldsets = [
        (None, {"fields": ["area", *REPORT_FIELDS]}),
        translations_fieldset(["done_en", "reason_en"], easy_read=False),
    ]
    readonly_fields = ["area"]
    extra = 0
    can_delete = False
    verbose_name = gettext_lazy("fokusområde")
    verbose_name_plural = gettext_lazy("Fokusområden: status och vad som gjordes under året (krävs)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("focus_area").order_by("focus_area__order", "focus_area")

    def has_add_permission(self, request, obj=None):
        # Reports are created by starting the follow-up: one per focus area, never by hand.
        return False

    @admin.display(description=gettext_lazy("fokusområdet"))
    def area(self, obj):
        return format_html("<strong>{}</strong>", obj.focus_area.title)


class ActivityReportInline(ReportInlineMixin, ScopedMixin, admin.StackedInline):
    """The year's reports, one per activity, all filled in on the follow-up's page."""

    model = ActivityReport
    formfield_overrides = URL_FORMFIELD
    fieldsets = [
        (None, {"fields": ["promise", *REPORT_FIELDS]}),
        translations_fieldset(["done_en", "reason_en"], easy_read=False),
    ]
    verbose_name = gettext_lazy("aktivitet")
    verbose_name_plural = gettext_lazy("Aktiviteter under fokusområdena")
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
        activity = obj.activity
        if activity.added_after_signing:
            return format_html(
                "<strong>{}</strong><br>{}<br><em>{}</em>",
                activity.focus_area.title,
                activity.text,
                _("Tillagd efter undertecknandet, %(date)s") % {"date": date_format(activity.added_on, "j F Y")},
            )
        return format_html("<strong>{}</strong><br>{}", activity.focus_area.title, activity.text)


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
    inlines = [FocusAreaReportInline, ActivityReportInline]
    publication_fields = ("publication", "published_on", "is_example")
    actions = ["export_csv", "export_import_format"]

    add_fieldsets = [
        (
            None,
            {
                "fields": ["period", "year"],
                "description": gettext_lazy(
                    "Välj medborgarlöfte och år. När du sparar skapas en rapport för varje fokusområde och varje "
                    "aktivitet i löftet, som du sedan fyller i på nästa sida."
                ),
            },
        )
    ]
    fieldsets = [
        (None, {"fields": ["summary"]}),
        translations_fieldset(["summary_en"], easy_read=False),
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
                    "Uppföljningen publiceras när både kommunens och polisens samordnare har godkänt samma "
                    "version. Varje ändring blir en ny version: ändras den efter ett godkännande behöver båda "
                    "godkänna igen; ändras den efter publiceringen visas det för allmänheten som en uppdatering."
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

    def render_preview(self, request, obj, preview):
        follow_up = FollowUp.objects.select_related(*FOLLOW_UP_RELATED).get(pk=obj.pk)
        context = follow_up_detail_context(request, follow_up, follow_up_focus_areas(follow_up))
        return render(request, "promises/follow_up_detail.html", {**context, "preview": preview})

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        started = follow_up_start(period=obj.period, year=obj.year, user=request.user)
        obj.pk = started.pk
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _(
                "Uppföljningen för %(year)s är startad med en rapport per fokusområde och per aktivitet. "
                "Fyll i status och vad som gjordes."
            )
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
        """One row per focus area (marked "fokusområde", its activity column empty) and then one per activity in
        it, for each selected follow-up: every area is followed up as a whole, and each activity in it."""
        area_reports = (
            FocusAreaReport.objects.filter(follow_up__in=queryset)
            .select_related("follow_up__period__municipality", "focus_area")
            .order_by("follow_up__period__municipality__name", "follow_up__year", "focus_area__order", "pk")
        )
        activity_reports = (
            ActivityReport.objects.filter(follow_up__in=queryset)
            .select_related("follow_up__period__municipality", "activity__focus_area")
            .order_by(
                "follow_up__period__municipality__name",
                "follow_up__year",
                "activity__focus_area__order",
                "activity__order",
                "pk",
            )
        )
        # Each follow-up's rows together, an area's own row before its activities' rows.
        keyed = [
            ((r.follow_up_id, r.focus_area.order, r.focus_area_id, 0), _("fokusområde"), r, None) for r in area_reports
        ]
        keyed += [
            ((r.follow_up_id, r.activity.focus_area.order, r.activity.focus_area_id, 1), _("aktivitet"), r, r.activity)
            for r in activity_reports
        ]
        follow_up_order = {}
        for _key, _level, report, _activity in keyed:
            follow_up = report.follow_up
            follow_up_order.setdefault(
                follow_up.pk, (follow_up.period.municipality.name, follow_up.period.start_year, follow_up.year)
            )
        keyed.sort(key=lambda row: (follow_up_order[row[0][0]], *row[0]))
        header = [
            _("kommun"),
            _("period"),
            _("år"),
            _("publicering"),
            _("rapporten gäller"),
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
                level,
                (activity.focus_area if activity else r.focus_area).title,
                activity.text if activity else "",
                r.get_status_display(),
                r.done,
                r.count,
                r.count_label,
                r.reason,
                r.evidence_url,
            ]
            for _key, level, r, activity in keyed
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
