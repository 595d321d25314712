"""System checks for a deployment (`manage.py check --deploy`): what the open-data catalogue needs to be told.

The organisation that runs a deployment cannot be guessed, so the portal does not invent one: until the settings
are given, the DCAT-AP-SE catalogue names the portal as publisher and its contact point has no e-mail address
(mandatory in DCAT-AP-SE), and these warnings say so.
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def open_data_publisher(app_configs=None, **kwargs):
    from promises.open_data.dcat import PUBLISHER_TYPE_TERMS

    problems = []
    if not settings.OPEN_DATA_PUBLISHER_NAME:
        problems.append(
            checks.Warning(
                "OPEN_DATA_PUBLISHER_NAME is not set: the open-data catalogue names the portal, not an organisation, "
                "as its publisher.",
                hint="Set it to the organisation that runs this portal, e.g. the kommun or the police region.",
                id="promises.W001",
            )
        )
    if not settings.OPEN_DATA_CONTACT_EMAIL:
        problems.append(
            checks.Warning(
                "OPEN_DATA_CONTACT_EMAIL is not set: the catalogue's contact point has no e-mail address, which "
                "DCAT-AP-SE requires.",
                hint="Set it to an address that reusers of the data can write to.",
                id="promises.W002",
            )
        )
    if settings.OPEN_DATA_PUBLISHER_TYPE and settings.OPEN_DATA_PUBLISHER_TYPE not in PUBLISHER_TYPE_TERMS:
        problems.append(
            checks.Error(
                f"OPEN_DATA_PUBLISHER_TYPE {settings.OPEN_DATA_PUBLISHER_TYPE!r} is not a publisher type of the EU "
                "vocabulary.",
                hint="One of: " + ", ".join(PUBLISHER_TYPE_TERMS),
                id="promises.E001",
            )
        )
    return problems
