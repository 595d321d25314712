"""How long a printable PDF takes a visitor: the first request when it is made on request (by WeasyPrint, as
before PDFs were made ahead), the first request after publication when it was made ahead (promises/
documents_ahead.py, what the background job does after the commit), and repeated ones (from storage).

Runs every request through the whole Django stack with the test client, against the content in the current
database (`manage.py load_content` first), and writes the table to docs/performance.md. Needs SITE_URL (the
Makefile sets it), which the PDFs print.
"""

import datetime
import os
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from promises.documents import document_origin, stored_filenames
from promises.documents_ahead import documents_render
from promises.models import FollowUp, PromisePeriod

SECTION_START = "<!-- bench-documents: start -->"
SECTION_END = "<!-- bench-documents: end -->"


def _body(response):
    # A PDF is read whole from storage and sent as one HttpResponse (promises/views/periods.py), not streamed.
    return b"".join(response.streaming_content) if response.streaming else response.content


def _clear_stored_documents():
    for kind in ("medborgarlofte", "uppfoljning"):
        folder = f"dokument/{kind}"
        for name in stored_filenames(folder):
            default_storage.delete(f"{folder}/{name}")


class Command(BaseCommand):
    help = "Mäter första och upprepade PDF-förfrågningar och skriver resultatet till docs/performance.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=20)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "performance.md"))

    def handle(self, *args, repeats, output, **options):
        targets = []
        for period in PromisePeriod.objects.published().select_related("municipality"):
            args = [period.municipality.slug, period.start_year, period.end_year]
            targets.append((f"Medborgarlöfte {period}", reverse("period_document_pdf", args=args)))
        for follow_up in FollowUp.objects.published().select_related("period__municipality")[:2]:
            period = follow_up.period
            args = [period.municipality.slug, period.start_year, period.end_year, follow_up.year]
            targets.append((f"Uppföljning {follow_up.year}, {period}", reverse("follow_up_report_pdf", args=args)))
        if not targets:
            raise CommandError("Inga publicerade dokument: kör `manage.py load_content` först.")

        if document_origin() is None:
            raise CommandError(
                "SITE_URL saknas: PDF:erna skriver portalens adress (`make bench-documents` sätter den)."
            )
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "testserver")

        def timed_first(url):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise CommandError(f"{url} svarade {response.status_code}")
            _body(response)
            return elapsed * 1000

        # Before: nothing stored, the visitor's request makes the PDF.
        _clear_stored_documents()
        on_request = [timed_first(url) for _label, url in targets]
        # After: what the background job does after publication, then the visitor's first request.
        _clear_stored_documents()
        started = time.perf_counter()
        made = documents_render()
        ahead_seconds = time.perf_counter() - started
        rows = []
        for (label, url), first in zip(targets, on_request, strict=True):
            ahead = timed_first(url)
            repeated = []
            for _ in range(repeats):
                started = time.perf_counter()
                _body(client.get(url))
                repeated.append(time.perf_counter() - started)
            rows.append((label, first, ahead, statistics.median(repeated) * 1000, max(repeated) * 1000))

        table = [
            SECTION_START,
            "## Printable PDFs (`make bench-documents`)",
            "",
            f"Measured {datetime.date.today()}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when it"
            " ended (other work on the machine slows every figure alike). Whole Django stack, test client, one process;"
            f" repeated requests: median and worst of {repeats}.",
            "Target (issue 17/4): no visitor waits for WeasyPrint. *Made on request*: nothing stored, the first",
            "request makes the PDF (as before PDFs were made ahead; still the last resort). *Made ahead*: the first",
            "request after publication, once the background job that publication starts has made the PDFs",
            f"(`promises/documents_ahead.py`; here all {made.made} of them in {ahead_seconds:.1f} s, off any visitor's"
            " path).",
            "",
            "| document | first request, made on request (ms) | first request after publication, made ahead (ms) "
            "| repeated, median (ms) | repeated, worst (ms) |",
            "| --- | ---: | ---: | ---: | ---: |",
            *[
                f"| {label} | {first:.0f} | {ahead:.1f} | {median:.1f} | {worst:.1f} |"
                for label, first, ahead, median, worst in rows
            ],
            SECTION_END,
        ]
        self.stdout.write("\n".join(table[1:-1]))
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_text() if path.exists() else "# Performance\n"
        if SECTION_START in existing:
            before, rest = existing.split(SECTION_START, 1)
            after = rest.split(SECTION_END, 1)[1]
            existing = before.rstrip("\n") + "\n\n" + "\n".join(table) + after
        else:
            existing = existing.rstrip("\n") + "\n\n" + "\n".join(table) + "\n"
        path.write_text(existing)
