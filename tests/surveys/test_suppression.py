"""Small-count suppression (surveys.results.suppress_counts): the invariant in its docstring, checked.

Property-based tests draw random tables with hypothesis; the deduction test enumerates every small table
and plays the reader who knows the rule: for each published table, which true tables could have produced
it? Every hidden count must still have at least two possible values.
"""

import itertools
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.results import share, suppress_counts

thresholds = st.integers(min_value=1, max_value=12)
cells = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=9)


@st.composite
def multiple_choice_tables(draw):
    """Counts per choice and a number of respondents each of whom chose at least one choice."""
    counts = draw(cells)
    total = draw(st.integers(min_value=max(counts), max_value=max(sum(counts), max(counts))))
    return counts, total


def hidden(result):
    return [i for i, value in enumerate(result) if value is None]


@given(counts=cells, threshold=thresholds)
def test_shown_counts_are_the_true_counts(counts, threshold):
    result = suppress_counts(counts, threshold=threshold)
    assert len(result) == len(counts)
    assert all(shown is None or shown == true for shown, true in zip(result, counts, strict=True))


@given(counts=cells, threshold=thresholds)
def test_every_count_below_the_threshold_is_hidden(counts, threshold):
    result = suppress_counts(counts, threshold=threshold)
    assert all(result[i] is None for i, count in enumerate(counts) if count < threshold)


@given(counts=cells, threshold=thresholds)
def test_a_question_answered_by_too_few_is_hidden_whole(counts, threshold):
    result = suppress_counts(counts, threshold=threshold)
    if sum(counts) < threshold:
        assert result == [None] * len(counts)


@given(counts=cells, threshold=thresholds)
def test_hidden_cells_are_none_or_at_least_two_holding_at_least_the_threshold(counts, threshold):
    if sum(counts) < threshold:
        return
    result = suppress_counts(counts, threshold=threshold)
    cells_hidden = hidden(result)
    if cells_hidden:
        assert len(cells_hidden) >= 2 or len(cells_hidden) == len(counts)
        assert sum(counts[i] for i in cells_hidden) >= threshold


@given(counts=cells, threshold=thresholds)
def test_hidden_counts_are_below_every_shown_count_and_not_all_just_below(counts, threshold):
    result = suppress_counts(counts, threshold=threshold)
    shown = [value for value in result if value is not None]
    cells_hidden = hidden(result)
    if shown and cells_hidden:
        smallest_shown = min(shown)
        assert all(counts[i] < smallest_shown for i in cells_hidden)
        assert not all(counts[i] == smallest_shown - 1 for i in cells_hidden)


@given(counts=cells, threshold=thresholds)
def test_a_hidden_cell_cannot_be_worked_out_from_the_total_and_the_other_cells(counts, threshold):
    """With one answer per respondent the reader knows the hidden cells' sum; both 0 and that sum fit."""
    total = sum(counts)
    if total < threshold:
        return
    result = suppress_counts(counts, threshold=threshold)
    cells_hidden = hidden(result)
    if not cells_hidden or len(cells_hidden) == len(counts) == 1:
        return
    hidden_sum = total - sum(value for value in result if value is not None)
    for i in cells_hidden:
        other = next(j for j in cells_hidden if j != i)
        # Two tables the reader cannot tell apart from this one: all of the sum in cell i, or none of it.
        all_here = {j: (hidden_sum if j == i else 0) for j in cells_hidden}
        none_here = {j: (hidden_sum if j == other else 0) for j in cells_hidden}
        assert all_here[i] != none_here[i]
        assert sum(all_here.values()) == sum(none_here.values()) == hidden_sum


@given(table=multiple_choice_tables(), threshold=thresholds)
def test_multiple_choice_follows_the_same_rules(table, threshold):
    counts, total = table
    result = suppress_counts(counts, threshold=threshold, total=total)
    assert all(shown is None or shown == true for shown, true in zip(result, counts, strict=True))
    assert all(result[i] is None for i, count in enumerate(counts) if count < threshold)
    if total < threshold:
        assert result == [None] * len(counts)
    elif cells_hidden := hidden(result):
        assert len(cells_hidden) >= 2 or len(cells_hidden) == len(counts)
        assert sum(counts[i] for i in cells_hidden) >= threshold


@given(counts=st.lists(st.integers(min_value=5, max_value=60), min_size=1, max_size=9))
@settings(max_examples=50)
def test_nothing_is_hidden_when_every_count_reaches_the_threshold(counts):
    assert suppress_counts(counts, threshold=5) == counts


def test_a_worked_example_hides_the_small_count_and_the_next_smallest():
    assert suppress_counts([3, 12, 30, 25], threshold=5) == [None, None, 30, 25]


def test_a_table_that_a_simpler_rule_would_give_away_is_hidden_whole():
    # Hiding only [4, 4] would tell a reader who knows the rule that both are 4: any hidden count of 5 or
    # more would have had the shown 5 hidden in its place.
    assert suppress_counts([5, 4, 4], threshold=5) == [None, None, None]


def test_equal_counts_are_hidden_together():
    assert suppress_counts([2, 9, 9, 20], threshold=5) == [None, None, None, 20]


@pytest.mark.parametrize(
    ("counts", "threshold"), [([1, 2], 0), ([-1, 5], 5)], ids=["threshold below one", "negative count"]
)
def test_nonsense_input_is_refused(counts, threshold):
    with pytest.raises(ValueError):
        suppress_counts(counts, threshold=threshold)


def test_share_is_a_whole_percentage_and_none_when_hidden():
    assert share(1, 3) == 33
    assert share(None, 3) is None
    assert share(2, 0) is None


# Every table of `cells` counts from 0 to `largest`: big enough for each threshold to matter, small enough
# to enumerate (at most 15^3 or 11^4 or 8^5 tables).
EXHAUSTIVE = [(1, 3, 10), (2, 3, 14), (3, 4, 10), (4, 3, 14), (5, 3, 14), (5, 4, 10), (2, 5, 7)]


@pytest.mark.parametrize(("threshold", "cells", "largest"), EXHAUSTIVE)
def test_no_hidden_count_can_be_deduced_by_a_reader_who_knows_the_rule(threshold, cells, largest):
    """The reader sees which cells are hidden, the shown counts and the total (one answer per respondent).

    Among all true tables that would be published exactly like this one, every hidden cell must take at
    least two different values. Enumeration is cut off at `largest`, which can only remove alternatives:
    the check is the stricter for it.
    """
    published_as = defaultdict(list)
    for table in itertools.product(range(largest + 1), repeat=cells):
        total = sum(table)
        result = tuple(suppress_counts(table, threshold=threshold))
        published_as[result, total if total >= threshold else None].append(table)

    deduced = []
    for (result, total), tables in published_as.items():
        if total is None:
            continue  # nothing but "fewer than the threshold answered" is published
        for i, value in enumerate(result):
            if value is None and len({table[i] for table in tables}) < 2:
                deduced.append((result, total, i, tables[0]))
    assert not deduced, f"{len(deduced)} hidden counts can be worked out, e.g. {deduced[:3]}"
