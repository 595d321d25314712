from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    # Safety surveys, unsafe places, dialogues and suggestions arrive with their own issue; the app exists now
    # so that the dependency direction portal <- surveys <- promises is fixed from the start.
    name = "surveys"
    verbose_name = _("Trygghetsundersökningar och dialoger")

    def ready(self):
        from portal.admin_site import register_todo
        from surveys import services
        from surveys.admin.todo import admin_todo

        # Residents' input waiting to be read, on the admin start page; portal asks the apps above it.
        register_todo(admin_todo, order=60)

        from portal.digest import register_digest_part
        from surveys.digest import digest_items

        # Residents' input left unread for a week, in the coordinators' weekly digest.
        register_digest_part(digest_items)
        services.connect()
