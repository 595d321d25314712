"""The announcing job (found by portal/celery.py's autodiscover_tasks): one mail per confirmed subscriber when a
follow-up or a promise period is published, enqueued by subscriptions.services.publication_announce after the
publishing commit."""

from celery import shared_task
from django.db import DatabaseError

from subscriptions.services import announcement_send


# Retried when the database is away. Running again after a failure part-way sends nobody a second mail: each
# mail's Message-ID names the announcement and the subscriber, and the mail job sends a Message-ID once.
@shared_task(autoretry_for=(DatabaseError,), max_retries=5, retry_backoff=60)
def announce(kind, object_id):
    return announcement_send(kind=kind, object_id=object_id)
