import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accessibility import FEEDBACK_RETENTION_DAYS
from portal.models import AccessibilityFeedback


class Command(BaseCommand):
    help = (
        "Raderar synpunkter om tillgänglighet som är äldre än den tid som står i tillgänglighetsredogörelsen "
        "(portal/accessibility.py). Körs varje dag, t.ex. från cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa bara hur många som skulle raderas; radera ingenting."
        )

    def handle(self, *args, dry_run, **options):
        days = FEEDBACK_RETENTION_DAYS
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        old = AccessibilityFeedback.objects.filter(submitted_on__lt=cutoff)
        if dry_run:
            count = old.count()
            message = ngettext(
                "%(count)d synpunkt om tillgänglighet är inskickad före %(cutoff)s (mer än %(days)d dagar sedan) "
                "och skulle raderas.",
                "%(count)d synpunkter om tillgänglighet är inskickade före %(cutoff)s (mer än %(days)d dagar sedan) "
                "och skulle raderas.",
                count,
            )
        else:
            count = old.delete()[1].get(AccessibilityFeedback._meta.label, 0)
            message = ngettext(
                "Raderade %(count)d synpunkt om tillgänglighet inskickad före %(cutoff)s "
                "(mer än %(days)d dagar sedan).",
                "Raderade %(count)d synpunkter om tillgänglighet inskickade före %(cutoff)s "
                "(mer än %(days)d dagar sedan).",
                count,
            )
        self.stdout.write(message % {"count": count, "cutoff": cutoff.isoformat(), "days": days})
        if dry_run:
            self.stdout.write(_("Inget raderades (--dry-run)."))
