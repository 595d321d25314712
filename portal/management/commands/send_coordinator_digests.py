from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from portal.digest import coordinator_digests_send


class Command(BaseCommand):
    help = (
        "Skickar veckobrevet till samordnarna: uppföljningar som ska göras, godkännanden som väntar på dem och "
        "invånarnas rapporter och synpunkter som inte lästs på en vecka (portal/digest.py). Körs varje måndag "
        "morgon; en andra körning samma vecka skickar inget. Inget brev till den som inget väntar på."
    )

    def handle(self, *args, **options):
        try:
            run = coordinator_digests_send()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Veckobrev: {run.sent} skickade, {run.failed} misslyckades.")
        if run.failed:
            # Non-zero for cron's mail or the job queue's retry; those not sent are tried again on the next run.
            raise CommandError(f"{run.failed} veckobrev kunde inte skickas; de skickas vid nästa körning.")
