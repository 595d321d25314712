"""PDFs made ahead: every published document's PDF is made when its content is published or changed, so that no
visitor waits for WeasyPrint (a first PDF took up to 1.7 s).

- `documents_render()` is the one place that makes them: every PDF of the published periods and follow-ups of the
  kommuner named (all when none are), for their current content, and the removal of what must no longer be kept
  (PDFs of drafts and of unpublished documents). Idempotent: a PDF already stored for the current content is not
  made again, so running it twice, or in two processes at once, costs the HTML only. A job queue calls this.
- `documents_render_soon()` runs it after the commit of a change to a kommun's public content (the page cache's
  change hook, portal/invalidation.py), so that the coordinator's request does not wait either.
  DOCUMENTS_RENDER_AHEAD chooses where: "queue" (the default with a broker) enqueues the job
  promises.tasks.render_documents for a worker; "thread" (the default without one) runs it in a small background
  thread of the process; "inline" in the request (tests); "off" not at all.
- `manage.py render_documents` does the same for every kommun: after a deploy, and hourly as a catch-up (celery
  beat's schedule, or cron without Celery).

The visitor's request needs none of this to be right: it serves the stored PDF named by the hash of the HTML it
renders, so a PDF of an older version is never served, and it makes a missing one itself as the last resort.
"""

import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import close_old_connections, connections

from portal.models import Municipality
from promises.documents import (
    FOLLOW_UP_RELATED,
    PARTIAL_PREFIX,
    PdfDocument,
    delete_stored_versions,
    document_origin,
    follow_up_pdf,
    period_pdf,
    stored_filenames,
    stored_pdf,
    stored_versions,
)
from promises.models import FollowUp, PromisePeriod

logger = logging.getLogger(__name__)

QUEUE = "queue"
THREAD = "thread"
INLINE = "inline"
OFF = "off"
KINDS = ("medborgarlofte", "uppfoljning")


@dataclass
class RenderResult:
    made: int = 0  # PDFs made now
    kept: int = 0  # already stored for the current content
    removed: int = 0  # files of drafts, unpublished documents and older versions deleted
    failed: int = 0

    def __str__(self):
        return f"{self.made} gjorda, {self.kept} redan klara, {self.removed} borttagna, {self.failed} misslyckade"


def published_documents(*, municipality_ids=None, origin):
    """The PDF of every published period and follow-up (of these kommuner), one period at a time."""
    periods = PromisePeriod.objects.published().with_content().order_by("municipality__slug", "start_year")
    follow_ups = FollowUp.objects.published().select_related(*FOLLOW_UP_RELATED).order_by("period_id", "year")
    if municipality_ids is not None:
        periods = periods.filter(municipality__in=municipality_ids)
        follow_ups = follow_ups.filter(period__municipality__in=municipality_ids)
    for period in periods.iterator(chunk_size=50):
        yield period_pdf(period, origin=origin)
    for follow_up in follow_ups.iterator(chunk_size=200):
        yield follow_up_pdf(follow_up, origin=origin)


def _names(kind, queryset):
    """The stored names of documents: kommun slug and years, as PdfDocument.name has them."""
    if kind == "medborgarlofte":
        rows = queryset.values_list("municipality__slug", "start_year", "end_year")
    else:
        rows = queryset.values_list("period__municipality__slug", "period__start_year", "period__end_year", "year")
    return {"-".join(str(part) for part in row) for row in rows}


def documents_render(*, municipality_ids=None, origin=None):
    """Make every missing PDF of the published documents of these kommuner (all when None) and delete the stored
    PDFs that must not be kept: those of drafts and unpublished documents, and every version but the current one.

    A document whose PDF cannot be made is logged with its error and skipped: its visitors' requests make it
    as before. Returns a RenderResult.
    """
    origin = origin or document_origin()
    result = RenderResult()
    if origin is None:
        _warn_once_without_site_url()
        return result
    current = set()
    for document in published_documents(municipality_ids=municipality_ids, origin=origin):
        try:
            path, made_now = stored_pdf(document, base_url=origin + "/")
        except Exception:
            result.failed += 1
            logger.exception(
                "Could not make the PDF %s/%s ahead; its first visitor makes it.", document.kind, document.name
            )
            continue
        current.add(path)
        if made_now:
            result.made += 1
        else:
            result.kept += 1
    result.removed = _remove_unpublished(municipality_ids, current)
    return result


def _remove_unpublished(municipality_ids, current):
    """Delete every stored PDF in the kommuner's scope that is not the current version of a published document."""
    periods = PromisePeriod.objects.all()
    follow_ups = FollowUp.objects.all()
    if municipality_ids is not None:
        periods = periods.filter(municipality__in=municipality_ids)
        follow_ups = follow_ups.filter(period__municipality__in=municipality_ids)
    removed = 0
    for kind, queryset in (("medborgarlofte", periods), ("uppfoljning", follow_ups)):
        folder = f"dokument/{kind}"
        filenames = stored_filenames(folder)
        if municipality_ids is None:
            # Everything: a file of no published document's current version goes, also one named by a slug or
            # years that no longer exist.
            stale = [
                f"{folder}/{name}"
                for name in filenames
                if f"{folder}/{name}" not in current and not name.startswith(PARTIAL_PREFIX)
            ]
        else:
            stale = [
                path
                for name in _names(kind, queryset)
                for path in stored_versions(folder, name, filenames)
                if path not in current
            ]
        for path in stale:
            try:
                default_storage.delete(path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed


# One worker: the PDFs of one change are made one after the other, beside the requests the process serves, and
# never more than one WeasyPrint at a time per process. Kommuner waiting for it are kept once each, so the queue
# holds at most one entry per kommun however many changes arrive while it works.
_executor = None
_waiting = set()
_lock = threading.Lock()


def _pool():
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents-ahead")
        return _executor


def documents_render_soon(municipality_ids):
    """Make the kommuner's PDFs after this change, without the request that made it waiting (see the module)."""
    mode = settings.DOCUMENTS_RENDER_AHEAD
    if mode == OFF or not municipality_ids:
        return None
    if mode == INLINE:
        _render_logged(set(municipality_ids))
        return None
    if mode == QUEUE:
        from portal import jobs
        from promises.tasks import render_documents

        # A broker that is down loses nothing here: enqueue logs it, each PDF is made on its first request, and the
        # hourly job makes the rest once the broker is back.
        jobs.enqueue(render_documents, sorted(municipality_ids))
        return None
    with _lock:
        new = set(municipality_ids) - _waiting
        _waiting.update(new)
    if not new:
        return None
    return _pool().submit(_render_in_thread, new)


def _render_in_thread(municipality_ids):
    with _lock:
        _waiting.difference_update(municipality_ids)
    try:
        close_old_connections()
        _render_logged(municipality_ids)
    finally:
        # The thread's own database connection, opened for this job: not left for the next job to find closed.
        connections.close_all()


def _render_logged(municipality_ids):
    try:
        result = documents_render(municipality_ids=municipality_ids)
        if result.made or result.removed or result.failed:
            logger.info("PDFs made ahead for kommuner %s: %s", sorted(municipality_ids), result)
    except Exception:
        # Never lost silently, never the coordinator's error: the visitors' requests make the PDFs as before.
        logger.exception("Making PDFs ahead for kommuner %s failed", sorted(municipality_ids))


def wait_for_pending(timeout=None):
    """Block until the PDFs scheduled so far are made (tests, and a management command before it exits)."""
    if _executor is not None:
        _executor.submit(lambda: None).result(timeout=timeout)


@functools.cache
def _warn_once_without_site_url():
    # Once per process: every change would say it again.
    logger.warning("SITE_URL is not set: PDFs are made on the first request, not ahead (docs/operations.md).")


def pages_changed(municipality_slugs):
    """The page cache's change hook (portal/invalidation.py), after commit: the kommuner whose public pages changed,
    or None when every page did (a migration, a theme): that sweep is left to `render_documents` (a deploy step and
    a cron job), not done inside a web process."""
    if municipality_slugs is None or settings.DOCUMENTS_RENDER_AHEAD == OFF:
        return
    if document_origin() is None:
        _warn_once_without_site_url()
        return
    ids = set(Municipality.objects.filter(slug__in=municipality_slugs).values_list("pk", flat=True))
    documents_render_soon(ids)


__all__ = ["PdfDocument", "delete_stored_versions", "documents_render", "documents_render_soon"]
