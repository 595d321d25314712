from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portalen: lokalpolisområden och kommuner")

    def ready(self):
        # checks: `manage.py check --deploy` refuses several processes without a shared cache.
        from portal import checks, invalidation  # noqa: F401

        invalidation.connect()

        from portal.admin_site import register_todo
        from portal.admin_todo import accessibility_feedback_todo

        register_todo(accessibility_feedback_todo, order=70)
