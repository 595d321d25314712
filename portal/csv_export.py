"""One CSV writer for every file the portal hands out: the admin's exports and the open data.

Semicolon-separated with a byte-order mark: that is what Excel in Sweden opens correctly (columns, å ä ö). Every
cell, the header row's included, goes through `escape_formula()`.
"""

import csv
import itertools

from django.http import HttpResponse
from django.utils import timezone

DELIMITER = ";"
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
# Spreadsheet programs run a cell that starts like a formula (or a tab or carriage return before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Lines per chunk when streaming: few enough to hold in memory, enough that each chunk is worth sending.
LINES_PER_CHUNK = 500


def escape_formula(text):
    """Formula-like text prefixed with an apostrophe, so that it stays text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text_cell(value):
    """A value as cell text: empty for None, escaped if it looks like a formula."""
    return escape_formula("" if value is None else str(value))


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer's output."""

    def write(self, value):
        return value


def iter_csv(rows):
    """The file as text chunks: the byte-order mark, then one line per row (the header is the first row)."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator="\r\n")
    yield BOM
    batch = []
    for row in rows:
        batch.append(writer.writerow([text_cell(value) for value in row]))
        if len(batch) >= LINES_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_response(filename, header, rows):
    """An admin export, downloaded as <filename>-<today>.csv."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    for chunk in iter_csv(itertools.chain([header], rows)):
        response.write(chunk)
    return response
