from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from portal import health
from portal.converters import YearConverter

register_converter(YearConverter, "year")

# Not translated: the admin is for Swedish officials, and machine-read files keep one address.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("promises.urls_machine")),
]

# Public pages in Swedish at /…, and in English at /en/….
urlpatterns += i18n_patterns(
    path("", include("portal.urls_pages")),
    path("", include("surveys.urls")),
    path("", include("subscriptions.urls")),
    # Last: a kommun's pages live at the top level, /<kommun>/…;
    # reserved slugs (portal.models.RESERVED_SLUGS) keep them from shadowing the paths above.
    path("", include("promises.urls")),
    prefix_default_language=False,
)

# Swedish error pages; a database outage becomes a static 503 wherever in the request it shows (portal/errors.py).
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
