"""The PDFs' background job (found by portal/celery.py's autodiscover_tasks): promises/documents_ahead.py enqueues it
after a change to a kommun's published content is committed, and celery beat runs it hourly for every kommun (the
catch-up that `manage.py render_documents` is from cron)."""

import logging

from celery import shared_task

from promises.documents_ahead import documents_render

logger = logging.getLogger("portal.jobs")


# Retried when the job itself fails (the database away); a PDF that WeasyPrint cannot make is logged and counted by
# documents_render and left to its first visitor's request, as without a queue. Idempotent: a PDF already stored for
# the current content is not made again.
@shared_task(autoretry_for=(Exception,), max_retries=5, retry_backoff=30)
def render_documents(municipality_ids=None):
    """Make the missing PDFs of these kommuner (a list of primary keys; every kommun when None)."""
    result = documents_render(municipality_ids=None if municipality_ids is None else set(municipality_ids))
    logger.info("PDFs for kommuner %s: %s", "all" if municipality_ids is None else sorted(municipality_ids), result)
