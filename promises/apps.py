from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_coordinator_group(sender, using, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from promises.permissions import coordinator_group_sync

    # `migrate` passes the migration state's apps; `flush` (as in tests) passes none.
    coordinator_group_sync(apps=apps or global_apps, using=using)


def _renew_page_cache(sender, **kwargs):
    from portal.invalidation import everything_changed

    everything_changed()


class PromisesConfig(AppConfig):
    name = "promises"
    verbose_name = _("Medborgarlöften och uppföljningar")

    def ready(self):
        post_migrate.connect(_sync_coordinator_group, sender=self, dispatch_uid="promises.coordinator_group")

        from portal import invalidation

        # Cached public pages follow every change to what they show (portal/page_cache.py).
        invalidation.connect()
        # A deployment runs `migrate`: pages cached by the previous release's templates and code are not served.
        post_migrate.connect(_renew_page_cache, sender=self, dispatch_uid="promises.renew_page_cache")
