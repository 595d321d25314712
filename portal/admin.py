from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.models import Coordinator, Municipality, PoliceArea
from promises.admin_mixins import ScopedAdmin, ScopedMixin


class MunicipalityInline(ScopedMixin, admin.TabularInline):
    model = Municipality
    fields = ["name", "official_name", "slug", "code", "county"]
    extra = 0
    show_change_link = True


@admin.register(PoliceArea)
class PoliceAreaAdmin(ScopedAdmin):
    list_display = ["name", "region"]
    search_fields = ["name", "region"]
    list_filter = ["region"]
    inlines = [MunicipalityInline]


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
    ]


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
        )
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("municipalities")

    @admin.display(description=_("kommuner"))
    def kommuner(self, obj):
        return ", ".join(municipality.name for municipality in obj.municipalities.all())
