from django.conf import settings
from django.utils.translation import ngettext_lazy

from portal.retention import RetentionCommand
from surveys.models import Suggestion


class Command(RetentionCommand):
    help = (
        "Raderar synpunkter från invånare som är äldre än SUGGESTION_RETENTION_DAYS dagar. "
        "Körs varje dag, t.ex. från cron."
    )
    model = Suggestion
    would_delete_message = ngettext_lazy(
        "%(count)d synpunkt är inskickad före %(cutoff)s (mer än %(days)d dagar sedan) och skulle raderas.",
        "%(count)d synpunkter är inskickade före %(cutoff)s (mer än %(days)d dagar sedan) och skulle raderas.",
        "count",
    )
    deleted_message = ngettext_lazy(
        "Raderade %(count)d synpunkt inskickad före %(cutoff)s (mer än %(days)d dagar sedan).",
        "Raderade %(count)d synpunkter inskickade före %(cutoff)s (mer än %(days)d dagar sedan).",
        "count",
    )

    def retention_days(self):
        return settings.SUGGESTION_RETENTION_DAYS
