from django.contrib import admin
from django.urls import include, path, register_converter

from portal import views
from portal.converters import YearConverter

register_converter(YearConverter, "year")

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls")),
    # Last: a kommun's pages live at the top level, /<kommun>/…;
    # reserved slugs (portal.models.RESERVED_SLUGS) keep them from shadowing the paths above.
    path("", include("promises.urls")),
]
