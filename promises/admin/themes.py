"""Admin for the national themes that focus areas are sorted under."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from promises.admin.common import translations_fieldset
from promises.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "focus_area_count"]
    search_fields = ["name", "description", "name_en"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        translations_fieldset(["name_en", "description_en"], easy_read=False),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_focus_area_count=Count("focus_areas"))

    @admin.display(description=gettext_lazy("fokusområden"), ordering="_focus_area_count")
    def focus_area_count(self, obj):
        return obj._focus_area_count
