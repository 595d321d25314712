from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import two_factor
from portal.admin_boundary import MAP_FIELDSET, MunicipalityMapForm, boundary_summary
from portal.admin_mixins import ScopedAdmin, ScopedMixin
from portal.models import AccessibilityFeedback, Coordinator, Municipality, PoliceArea
from portal.scoping import is_national_admin

CONTACT_FIELDS = ["website", "phone", "email", "visiting_address"]
CONTACT_DESCRIPTION = _(
    "Visas på kommunens sidor, under Kontakt. Fyll bara i uppgifter som ni vet stämmer; ett tomt fält visas inte alls."
)


class MunicipalityInline(ScopedMixin, admin.TabularInline):
    model = Municipality
    fields = ["name", "official_name", "slug", "code", "county"]
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        # A coordinator may change their kommun's contact details (MunicipalityAdmin), but a police area's page,
        # which they may only view, must not offer its kommuner's names as editable fields.
        return is_national_admin(request.user) and super().has_change_permission(request, obj)


@admin.register(PoliceArea)
class PoliceAreaAdmin(ScopedAdmin):
    """Changed by national administrators only: a police area serves several kommuner, and a coordinator is
    responsible for their own kommun (promises/permissions.py gives coordinators view access only)."""

    list_display = ["name", "region"]
    search_fields = ["name", "region"]
    list_filter = ["region"]
    inlines = [MunicipalityInline]
    fieldsets = [
        (None, {"fields": ["name", "region"]}),
        (_("Kontaktuppgifter"), {"fields": CONTACT_FIELDS, "description": CONTACT_DESCRIPTION}),
    ]


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    list_display = ["name", "official_name", "code", "county", "police_area"]
    list_select_related = ["police_area"]
    list_filter = ["police_area", "county"]
    search_fields = ["name", "official_name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["police_area"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["name", "official_name", "slug"]}),
        (_("Officiella uppgifter"), {"fields": ["code", "county", "police_area"]}),
        MAP_FIELDSET,
        (_("Kontaktuppgifter"), {"fields": CONTACT_FIELDS, "description": CONTACT_DESCRIPTION}),
    ]
    form = MunicipalityMapForm
    readonly_fields = ["boundary_in_force"]

    @admin.display(description=_("gräns som gäller nu"))
    def boundary_in_force(self, obj):
        return boundary_summary(obj)

    # A coordinator keeps their own kommun's contact details up to date (the scoping shows them no other kommun);
    # its name, address, code and police area are the national administrators' to change.
    def get_readonly_fields(self, request, obj=None):
        if is_national_admin(request.user):
            return super().get_readonly_fields(request, obj)
        stored = [field.name for field in Municipality._meta.fields if field.name not in [*CONTACT_FIELDS, "id"]]
        return [*stored, "boundary_in_force"]

    def get_fieldsets(self, request, obj=None):
        # The boundary upload is the national administrators': a coordinator sees which boundary is in force.
        if is_national_admin(request.user):
            return super().get_fieldsets(request, obj)
        title, options = MAP_FIELDSET
        shown = {**options, "fields": ["boundary_in_force", ("map_latitude", "map_longitude")]}
        return [(title, shown) if name == title else (name, opts) for name, opts in self.fieldsets]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The upload fields are declared on the form, so leaving them out of the fieldsets does not drop them: a
        # coordinator's form is a plain one, and a posted boundary is ignored.
        if not is_national_admin(request.user):
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is read-only for a coordinator, and a prepopulated field must be in the form.
        return super().get_prepopulated_fields(request, obj) if is_national_admin(request.user) else {}


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    """Only national administrators manage who coordinates which kommuner (no group has these permissions)."""

    list_display = ["__str__", "organisation", "kommuner", "user__email"]
    list_filter = ["organisation", "municipalities"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "municipalities__name",
    ]
    autocomplete_fields = ["user"]
    filter_horizontal = ["municipalities"]
    fieldsets = [
        (
            None,
            {
                "fields": ["user", "organisation", "municipalities"],
                "description": _(
                    "En samordnare får logga in i administrationen och ändra löften och uppföljningar för de "
                    "valda kommunerna, och godkänna dem för sin organisations räkning."
                ),
            },
        ),
        (
            _("Veckobrev"),
            {
                "fields": ["digest_enabled", "digest_last_sent_on"],
                "description": _(
                    "Personen stänger själv av och slår på brevet under Mina inställningar eller med länken i "
                    "brevet (manage.py send_coordinator_digests)."
                ),
            },
        ),
    ]
    readonly_fields = ["digest_last_sent_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("municipalities")

    @admin.display(description=_("kommuner"))
    def kommuner(self, obj):
        return ", ".join(municipality.name for municipality in obj.municipalities.all())


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Reports of accessibility problems: for national administrators only, never for coordinators.

    They may hold an e-mail address or a phone number, and they are about the website, not about a kommun's
    promises, so no coordinator needs them. Checked here and not only through permissions, so that a
    permission given by mistake does not open them.
    """

    list_display = ["__str__", "page", "submitted_on", "wants_answer", "handled"]
    list_filter = ["handled", "submitted_on"]
    search_fields = ["problem", "page", "note"]
    date_hierarchy = "submitted_on"
    readonly_fields = ["submitted_on", "page", "page_link", "problem", "email", "phone", "language"]
    actions = ["mark_handled", "mark_not_handled"]
    fieldsets = [
        (
            None,
            {
                "fields": ["submitted_on", "page_link", "problem", "language"],
                "description": _(
                    "Skickad via formuläret på tillgänglighetsredogörelsen. Visas aldrig för allmänheten och "
                    "raderas automatiskt efter den tid som står i redogörelsen (manage.py "
                    "delete_old_accessibility_feedback)."
                ),
            },
        ),
        (
            _("Vill ha svar"),
            {
                "fields": ["email", "phone"],
                "description": _("Används bara för att svara personen. Tomt om hen inte vill ha svar."),
            },
        ),
        (_("Hantering"), {"fields": ["handled", "note"]}),
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        # Feedback comes from the public form, never from the admin.
        return False

    @admin.display(description=_("vill ha svar"), boolean=True)
    def wants_answer(self, obj):
        return bool(obj.email or obj.phone)

    @admin.display(description=_("sida"))
    def page_link(self, obj):
        if not obj.page:
            return _("(ingen sida angiven)")
        return format_html('<a href="{}">{}</a>', obj.page, obj.page)

    def _mark(self, request, queryset, *, handled):
        count = queryset.update(handled=handled)
        message = (
            ngettext(
                "%(count)d synpunkt markerades som hanterad.", "%(count)d synpunkter markerades som hanterade.", count
            )
            if handled
            else ngettext(
                "%(count)d synpunkt markerades som inte hanterad.",
                "%(count)d synpunkter markerades som inte hanterade.",
                count,
            )
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Markera valda som hanterade"))
    def mark_handled(self, request, queryset):
        self._mark(request, queryset, handled=True)

    @admin.action(description=_("Markera valda som inte hanterade"))
    def mark_not_handled(self, request, queryset):
        self._mark(request, queryset, handled=False)


class PortalUserAdmin(UserAdmin):
    """Django's user admin, plus resetting a person's two-factor devices (a lost or replaced phone)."""

    actions = ["reset_two_factor"]

    @admin.action(description="Återställ tvåstegsverifiering (borttappad eller ny telefon)")
    def reset_two_factor(self, request, queryset):
        # Only a national administrator: otherwise anyone who may change users could take over an account by
        # removing its second factor. No group has the user permissions today; this holds if one ever does.
        if not is_national_admin(request.user):
            raise PermissionDenied
        for user in queryset:
            count = two_factor.reset_devices(user)
            self.message_user(
                request,
                f"{user.get_username()}: {count} enhet(er) borttagna. Vid nästa inloggning lägger hen till "
                "autentiseringsappen igen och får nya reservkoder.",
                messages.SUCCESS,
            )


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)
