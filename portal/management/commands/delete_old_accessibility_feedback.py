from django.utils.translation import ngettext_lazy

from portal import accessibility
from portal.models import AccessibilityFeedback
from portal.retention import RetentionCommand


class Command(RetentionCommand):
    help = (
        "Raderar synpunkter om tillgänglighet som är äldre än den tid som står i tillgänglighetsredogörelsen "
        "(portal/accessibility.py). Körs varje dag, t.ex. från cron."
    )
    model = AccessibilityFeedback
    would_delete_message = ngettext_lazy(
        "%(count)d synpunkt om tillgänglighet är inskickad före %(cutoff)s (mer än %(days)d dagar sedan) "
        "och skulle raderas.",
        "%(count)d synpunkter om tillgänglighet är inskickade före %(cutoff)s (mer än %(days)d dagar sedan) "
        "och skulle raderas.",
        "count",
    )
    deleted_message = ngettext_lazy(
        "Raderade %(count)d synpunkt om tillgänglighet inskickad före %(cutoff)s (mer än %(days)d dagar sedan).",
        "Raderade %(count)d synpunkter om tillgänglighet inskickade före %(cutoff)s (mer än %(days)d dagar sedan).",
        "count",
    )

    def retention_days(self):
        return accessibility.FEEDBACK_RETENTION_DAYS
