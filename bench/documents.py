"""How long a printable PDF takes: the first request (rendered by WeasyPrint) and repeated ones (from storage).

Runs every request through the whole Django stack with the test client, against the content in the current
database (`manage.py load_content` first), and writes the table to docs/performance.md.
"""

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from promises.models import FollowUp, PromisePeriod

SECTION_START = "<!-- bench-documents: start -->"
SECTION_END = "<!-- bench-documents: end -->"


def _body(response):
    # A PDF is read whole from storage and sent as one HttpResponse (promises/views/periods.py), not streamed.
    return b"".join(response.streaming_content) if response.streaming else response.content


def _clear_stored_documents():
    for kind in ("medborgarlofte", "uppfoljning"):
        folder = f"dokument/{kind}"
        if default_storage.exists(folder):
            for name in default_storage.listdir(folder)[1]:
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

        _clear_stored_documents()
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "testserver")
        rows = []
        for label, url in targets:
            started = time.perf_counter()
            response = client.get(url)
            first = time.perf_counter() - started
            if response.status_code != 200:
                raise CommandError(f"{url} svarade {response.status_code}")
            _body(response)
            repeated = []
            for _ in range(repeats):
                started = time.perf_counter()
                _body(client.get(url))
                repeated.append(time.perf_counter() - started)
            rows.append((label, first * 1000, statistics.median(repeated) * 1000, max(repeated) * 1000))

        table = [
            SECTION_START,
            "## Printable PDFs (`make bench-documents`)",
            "",
            f"Whole Django stack, test client, one process; repeated requests: median and worst of {repeats}.",
            "Target (issue 4/7): first PDF under 1 s; repeated requests served from storage.",
            "",
            "| document | first request (ms) | repeated, median (ms) | repeated, worst (ms) |",
            "| --- | ---: | ---: | ---: |",
            *[f"| {label} | {first:.0f} | {median:.1f} | {worst:.1f} |" for label, first, median, worst in rows],
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
