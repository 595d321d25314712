"""Deletes django-axes' login records once LOGIN_RECORDS_RETENTION_DAYS have passed (portal/settings.py says why)."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Command(BaseCommand):
    help = (
        "Raderar inloggningsuppgifter (inloggningar och misslyckade inloggningsförsök, django-axes) som är äldre än "
        "LOGIN_RECORDS_RETENTION_DAYS dagar. Körs varje dag, t.ex. från cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa bara hur många som skulle raderas; radera ingenting."
        )

    def handle(self, *args, dry_run, **options):
        days = settings.LOGIN_RECORDS_RETENTION_DAYS
        now = timezone.now()
        # A failed attempt counts towards a lockout until its cool-off has passed: never cut one short, whatever
        # the two settings are.
        cutoff = min(
            now - datetime.timedelta(days=days), now - datetime.timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
        )
        logins = AccessLog.objects.filter(attempt_time__lt=cutoff)
        # attempt_time of a failed attempt is its latest failure: a username and address still failing stay.
        failures = AccessAttempt.objects.filter(attempt_time__lt=cutoff)
        failure_log = AccessFailureLog.objects.filter(
            attempt_time__lt=cutoff
        )  # only with AXES_ENABLE_ACCESS_FAILURE_LOG
        if dry_run:
            login_count, failure_count = logins.count(), failures.count() + failure_log.count()
        else:
            login_count = logins.delete()[0]
            failure_count = failures.delete()[1].get(AccessAttempt._meta.label, 0) + failure_log.delete()[0]
        values = {"logins": login_count, "failures": failure_count, "cutoff": cutoff.date().isoformat(), "days": days}
        if dry_run:
            message = ngettext(
                "%(logins)d inloggning och %(failures)d misslyckade inloggningsförsök före %(cutoff)s "
                "(mer än %(days)d dagar sedan) skulle raderas.",
                "%(logins)d inloggningar och %(failures)d misslyckade inloggningsförsök före %(cutoff)s "
                "(mer än %(days)d dagar sedan) skulle raderas.",
                login_count,
            )
        else:
            message = ngettext(
                "Raderade %(logins)d inloggning och %(failures)d misslyckade inloggningsförsök före %(cutoff)s "
                "(mer än %(days)d dagar sedan).",
                "Raderade %(logins)d inloggningar och %(failures)d misslyckade inloggningsförsök före %(cutoff)s "
                "(mer än %(days)d dagar sedan).",
                login_count,
            )
        self.stdout.write(message % values)
        if dry_run:
            self.stdout.write(_("Inget raderades (--dry-run)."))
