from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Prenumerationer på e-post")

    def ready(self):
        # promises offers the hook (DESIGN.md: a lower app never imports a higher one); subscriptions listens.
        from promises.signals import published
        from subscriptions import checks, services  # noqa: F401 (checks: registers the deploy check)

        published.connect(services.publication_announce, dispatch_uid="subscriptions.publication_announce")
