"""System check for a deployment (`manage.py check --deploy`): the subscription mails need the portal's address."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def site_url_for_mails(app_configs=None, **kwargs):
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set: residents' subscription mails cannot link to the portal, so publications are not "
            "announced to them.",
            hint="Set it to the portal's public address, e.g. https://medborgarloften.example.se.",
            id="subscriptions.W001",
        )
    ]
