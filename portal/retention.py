"""One base for the daily commands that delete what residents sent in once its retention period has passed."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _


class RetentionCommand(BaseCommand):
    """Deletes the rows of `model` submitted more than `retention_days()` days ago (`date_field` before the
    cutoff); `--dry-run` only counts them.

    A subclass names the model and gives the two messages, each an `ngettext_lazy(singular, plural, "count")`
    formatted with `count`, `cutoff` and `days`: the wording names what is deleted, so it stays with the command.
    """

    model = None
    # The DateField the cutoff applies to; rows where it is empty are never deleted by the command.
    date_field = "submitted_on"
    would_delete_message = None
    deleted_message = None

    def retention_days(self):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa bara hur många som skulle raderas; radera ingenting."
        )

    def handle(self, *args, dry_run, **options):
        days = self.retention_days()
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        old = self.model.objects.filter(**{f"{self.date_field}__lt": cutoff})
        if dry_run:
            count = old.count()
            message = self.would_delete_message
        else:
            count = old.delete()[1].get(self.model._meta.label, 0)
            message = self.deleted_message
        self.stdout.write(message % {"count": count, "cutoff": cutoff.isoformat(), "days": days})
        if dry_run:
            self.stdout.write(_("Inget raderades (--dry-run)."))
