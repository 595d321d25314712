from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Medborgarlöften – administration")
    site_title = _("Medborgarlöften")
    index_title = _("Att göra och alla register")
    index_template = "admin/portal_index.html"

    def index(self, request, extra_context=None):
        # Imported here: promises depends on portal, never the other way round at import time.
        from promises.services import coordinator_todo

        extra_context = {**(extra_context or {}), "todo": coordinator_todo(user=request.user)}
        return super().index(request, extra_context)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
