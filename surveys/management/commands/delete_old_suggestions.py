import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.models import Suggestion


class Command(BaseCommand):
    help = (
        "Raderar synpunkter från invånare som är äldre än SUGGESTION_RETENTION_DAYS dagar. "
        "Körs varje dag, t.ex. från cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa bara hur många som skulle raderas; radera ingenting."
        )

    def handle(self, *args, dry_run, **options):
        days = settings.SUGGESTION_RETENTION_DAYS
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        old = Suggestion.objects.filter(submitted_on__lt=cutoff)
        if dry_run:
            count = old.count()
            message = ngettext(
                "%(count)d synpunkt är inskickad före %(cutoff)s (mer än %(days)d dagar sedan) och skulle raderas.",
                "%(count)d synpunkter är inskickade före %(cutoff)s (mer än %(days)d dagar sedan) och skulle raderas.",
                count,
            )
        else:
            count = old.delete()[1].get(Suggestion._meta.label, 0)
            message = ngettext(
                "Raderade %(count)d synpunkt inskickad före %(cutoff)s (mer än %(days)d dagar sedan).",
                "Raderade %(count)d synpunkter inskickade före %(cutoff)s (mer än %(days)d dagar sedan).",
                count,
            )
        self.stdout.write(message % {"count": count, "cutoff": cutoff.isoformat(), "days": days})
        if dry_run:
            self.stdout.write(_("Inget raderades (--dry-run)."))
