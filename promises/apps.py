from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_coordinator_group(sender, using, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from promises.permissions import coordinator_group_sync

    # `migrate` passes the migration state's apps; `flush` (as in tests) passes none.
    coordinator_group_sync(apps=apps or global_apps, using=using)


class PromisesConfig(AppConfig):
    name = "promises"
    verbose_name = _("Medborgarlöften och uppföljningar")

    def ready(self):
        post_migrate.connect(_sync_coordinator_group, sender=self, dispatch_uid="promises.coordinator_group")

        # checks: `manage.py check --deploy` says what the open-data catalogue still needs to be told.
        from promises import checks, versions  # noqa: F401

        versions.connect()

        from portal.admin_site import register_todo
        from promises.admin.workflow import admin_todo

        # The admin start page lists what needs doing; portal asks the apps above it rather than importing them.
        register_todo(admin_todo)

        from portal.digest import register_digest_part
        from promises.digest import digest_items

        # The same to-do items, in the coordinators' weekly digest.
        register_digest_part(digest_items)

        from portal.invalidation import on_pages_changed
        from promises.documents_ahead import pages_changed

        # A change to a kommun's published content makes its PDFs anew, after the commit, in the background.
        on_pages_changed(pages_changed)
