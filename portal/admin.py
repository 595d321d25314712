from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, PoliceArea

admin.site.site_header = _("Medborgarlöften – administration")
admin.site.site_title = _("Medborgarlöften")
admin.site.index_title = _("Kommuner, löften och uppföljningar")


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    fields = ["name", "official_name", "slug", "code", "county"]
    extra = 0
    show_change_link = True


@admin.register(PoliceArea)
class PoliceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name", "region"]
    list_filter = ["region"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
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
