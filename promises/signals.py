"""Hooks that apps above promises register (DESIGN.md: dependencies point one way)."""

from django.dispatch import Signal

# Sent by promises.services.approval_record inside the transaction that publishes a promise period or a yearly
# follow-up (the second approval of one version), with instance=the record. A receiver that does work outside the
# database defers it with transaction.on_commit, so that a publication rolled back announces nothing.
published = Signal()
