"""portal/csv_export.py: the one CSV writer of the admin's exports and the open data."""

import csv
import io

import pytest

from portal import csv_export


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_escaped(text):
    assert csv_export.text_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "text"), [(None, ""), (2023, "2023"), ("Vindeln", "Vindeln"), ("a=b", "a=b")])
def test_other_cells_are_written_as_they_are(value, text):
    assert csv_export.text_cell(value) == text


def test_every_row_is_escaped_the_header_included():
    text = "".join(csv_export.iter_csv([["=kommun", "år"], ["@Vindeln", 2023]]))

    assert text == "\ufeff'=kommun;år\r\n'@Vindeln;2023\r\n"


@pytest.mark.parametrize("start", csv_export.FORMULA_STARTS)
def test_a_header_cell_starting_like_a_formula_is_escaped_as_a_data_cell_is(start):
    rows = list(
        csv.reader(
            io.StringIO("".join(csv_export.iter_csv([[f"{start}fråga", "år"], [f"{start}svar", 1]]))[1:]), delimiter=";"
        )
    )

    assert rows == [[f"'{start}fråga", "år"], [f"'{start}svar", "1"]]


def test_long_files_come_in_chunks():
    chunks = list(csv_export.iter_csv([[n] for n in range(csv_export.LINES_PER_CHUNK + 1)]))

    assert len(chunks) == 3  # the byte-order mark, a full chunk, the last line
