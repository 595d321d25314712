"""Survey results: counting answers, hiding small counts, and the numbers behind the public bar charts.

The rules for what may be shown are pure functions at the top (`suppress_counts`), tested on their own
with hypothesis and exhaustively on small tables (tests/surveys/test_suppression.py). Everything below
them reads the database in a fixed number of queries, however many questions and answers a survey has.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal.charts import Bar, BarChart
from surveys.models import Answer, Question, Survey, SurveySection, TimeOfDay
from surveys.models.survey import question_key


def suppress_counts(counts, *, threshold, total=None):
    """The counts of one question as they may be published: each either its true value or None (hidden).

    `counts` are the numbers of answers per cell (choice, scale step or time of day), `threshold` the
    smallest count that may be shown (a survey's min_cell_size, at least 1) and `total` the number of
    people who answered the question. Each respondent is in at least one cell, so total <= sum(counts);
    it defaults to sum(counts), which is exact when each respondent is in exactly one cell.

    Invariant (with H the hidden cells, S their true sum, U the smallest shown count):

    1. Shown counts are true: result[i] is None or result[i] == counts[i].
    2. Small counts are hidden: counts[i] < threshold implies result[i] is None. Zero counts too.
    3. A question answered by fewer than `threshold` people is hidden whole (the total is not shown either).
    4. Otherwise H is empty, or H holds at least two cells (or every cell) and S >= threshold.
    5. Every hidden count is smaller than every shown count, and the hidden counts are not all U - 1.

    Why that is enough: a reader of the table knows the total, the shown counts, which cells are hidden and
    (we assume) this very rule. For a question with one answer per respondent that gives S exactly, and
    tells them that each hidden count lies between 0 and U - 1. With two or more hidden cells, S >= 1 (by 4)
    and not every hidden cell at its upper bound (by 5), no hidden count is fixed by those constraints.
    Rule 5 also closes the gap a simpler "hide the next-smallest cell" rule leaves to someone replaying it:
    with threshold 5, [5, 4, 4] published as "5, hidden, hidden" would force both hidden counts to be 4
    (either would have to be at most 4, or else the 5 would have been hidden instead); here that table is
    hidden whole. tests/surveys/test_suppression.py checks, for every table up to a size, that each
    hidden count takes at least two values among all tables that publish the same thing.

    The price is that ties are hidden together: with threshold 5, [3, 10, 10, 10] shows nothing. Questions
    with several answers per respondent (multiple choice) follow the same rule; their hidden counts are
    only easier to protect, since the total does not give their sum.
    """
    counts = list(counts)
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if any(count < 0 for count in counts):
        raise ValueError("counts cannot be negative")
    if total is None:
        total = sum(counts)
    if total < threshold:
        return [None] * len(counts)
    small = [count for count in counts if count < threshold]
    if not small:
        return counts
    # Hide everything up to a cut-off value, never part of a tie: choosing one of two equal counts would
    # tell a reader which one is the larger.
    for cutoff in sorted({count for count in counts if count >= max(small)}):
        hidden = [count for count in counts if count <= cutoff]
        if len(hidden) == len(counts):
            break
        smallest_shown = min(count for count in counts if count > cutoff)
        if len(hidden) >= 2 and sum(hidden) >= threshold and not all(count == smallest_shown - 1 for count in hidden):
            return [None if count <= cutoff else count for count in counts]
    return [None] * len(counts)


def share(count, total):
    """A share as a whole percentage, or None when it cannot be given."""
    if count is None or not total:
        return None
    return round(100 * count / total)


# Longer labels are shortened in the chart; the table beside it has them in full.
CHART_LABEL_LENGTH = 48


@dataclass
class ResultRow:
    label: str
    count: int | None  # None: hidden
    share: int | None = None

    @property
    def hidden(self):
        return self.count is None

    @property
    def chart_label(self):
        if len(self.label) <= CHART_LABEL_LENGTH:
            return self.label
        return self.label[: CHART_LABEL_LENGTH - 1].rstrip() + "…"


@dataclass
class QuestionResult:
    question: Question
    respondents: int | None  # None: fewer than the survey's threshold answered
    rows: list = field(default_factory=list)
    threshold: int = 5

    @property
    def hidden(self):
        return self.respondents is None

    @property
    def has_hidden_rows(self):
        return any(row.hidden for row in self.rows)

    @property
    def multiple(self):
        return self.question.kind == Question.Kind.MULTIPLE

    @property
    def heading(self):
        if self.question.kind == Question.Kind.PLACE:
            return _("%(question)s – tid på dygnet") % {"question": self.question.text}
        return self.question.text

    @property
    def chart(self):
        bars = [
            Bar(label=row.chart_label, value=None if row.hidden else f"{row.share} %", width=row.share or 0)
            for row in self.rows
        ]
        return BarChart(bars=bars, summary=self.summary, title_id=f"diagram-{self.question.pk}")

    @property
    def summary(self):
        """The chart in one sentence, for its accessible name."""
        parts = []
        for row in self.rows:
            if row.hidden:
                parts.append(_("%(label)s visas inte") % {"label": row.label})
            else:
                parts.append(_("%(label)s %(share)s procent") % {"label": row.label, "share": number_format(row.share)})
        return _("Stapeldiagram, andel av %(total)s svarande: %(parts)s.") % {
            "total": number_format(self.respondents),
            "parts": "; ".join(parts),
        }


def _cells(question):
    """(key, label) for each cell of a question, in the order they are shown; keys match _raw_counts()."""
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return [(("choice", choice.pk), choice.text) for choice in question.choices.all()]
    if question.kind == Question.Kind.SCALE:
        return [(("scale", value), scale_label(question, value)) for value in range(1, 6)]
    if question.kind == Question.Kind.PLACE:
        return [(("time", value), label) for value, label in TimeOfDay.choices]
    return []


def scale_label(question, value):
    if value == 1 and question.scale_min_label:
        return f"1 – {question.scale_min_label}"
    if value == 5 and question.scale_max_label:
        return f"5 – {question.scale_max_label}"
    return str(value)


def _raw_counts(survey, municipality_ids=None):
    """Answers per cell and respondents per question for a whole survey, in two queries; with `municipality_ids`,
    only the answers of respondents from those kommuner."""
    answers = Answer.objects.filter(question__survey=survey).order_by()
    if municipality_ids is not None:
        answers = answers.filter(response__municipality__in=municipality_ids)
    cells = defaultdict(int)
    for row in answers.values("question_id", "choice_id", "scale_value", "time_of_day").annotate(n=Count("*")):
        question_id = row["question_id"]
        if row["choice_id"] is not None:
            cells[question_id, ("choice", row["choice_id"])] += row["n"]
        elif row["scale_value"] is not None:
            cells[question_id, ("scale", row["scale_value"])] += row["n"]
        elif row["time_of_day"]:
            cells[question_id, ("time", row["time_of_day"])] += row["n"]
    respondents = {
        row["question_id"]: row["n"]
        for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True))
    }
    return cells, respondents


def survey_questions(*, survey):
    """The survey's sections and questions (with their choices) in the order they are asked: three queries.

    Returns (groups, questions): groups is a list of (section or None, [questions]); questions without a
    section come first.
    """
    questions = list(Question.objects.filter(survey=survey).prefetch_related("choices").order_by("order", "pk"))
    sections = list(SurveySection.objects.filter(survey=survey).order_by("order", "pk"))
    by_section = defaultdict(list)
    for question in questions:
        by_section[question.section_id].append(question)
    groups = []
    if by_section.get(None):
        groups.append((None, by_section[None]))
    groups.extend((section, by_section[section.pk]) for section in sections if by_section.get(section.pk))
    ordered = [question for _section, group in groups for question in group]
    return groups, ordered


def answer_counts(*, survey, municipality_ids):
    """Unsuppressed counts for coordinators: per question its respondents and, per cell, label and count.

    Only the answers of respondents from `municipality_ids`, the coordinator's own kommuner (None: every answer, for
    a national administrator): a shared survey's other kommuner's answers are not theirs to read.
    """
    _groups, questions = survey_questions(survey=survey)
    cells, respondents = _raw_counts(survey, municipality_ids)
    return [
        {
            "question": question,
            "respondents": respondents.get(question.pk, 0),
            "cells": [(label, cells.get((question.pk, key), 0)) for key, label in _cells(question)],
        }
        for question in questions
    ]


def survey_results(*, survey):
    """What the public results page shows: per section, each question's suppressed counts and shares.

    Free-text questions are left out entirely: their answers are never public.
    """
    groups, _questions = survey_questions(survey=survey)
    cells, respondents = _raw_counts(survey)
    threshold = survey.min_cell_size
    sections = []
    for section, questions in groups:
        results = []
        for question in questions:
            if question.kind == Question.Kind.TEXT:
                continue
            keys_and_labels = _cells(question)
            total = respondents.get(question.pk, 0)
            counts = [cells.get((question.pk, key), 0) for key, _label in keys_and_labels]
            shown = suppress_counts(counts, threshold=threshold, total=total)
            visible_total = total if total >= threshold else None
            rows = [
                ResultRow(label=label, count=count, share=share(count, visible_total))
                for (_key, label), count in zip(keys_and_labels, shown, strict=True)
            ]
            results.append(QuestionResult(question=question, respondents=visible_total, rows=rows, threshold=threshold))
        if results:
            sections.append((section, results))
    return sections


@dataclass
class SeriesColumn:
    survey: object
    result: QuestionResult

    @property
    def label(self):
        return str(self.survey.closes_on.year)


@dataclass
class SeriesRow:
    label: str
    cells: list  # per column: the ResultRow, or None where that year's survey had no such answer


@dataclass
class QuestionSeries:
    """One question asked in the same words in several years' surveys of the same kommun, side by side."""

    columns: list
    rows: list


def question_series(*, survey, sections):
    """Per question of this survey (by pk) its QuestionSeries, where other surveys with public results for one of
    the same kommuner asked it in the same words (surveys.models.survey.question_key).

    Each year's numbers are that survey's own published results (survey_results), so its small-count suppression
    holds column by column; a survey with fewer respondents than its threshold contributes nothing. Two queries to
    find the repeats, then survey_results' queries for each survey that repeats a question.
    """
    shown = {question_key(result.question): result for _section, results in sections for result in results}
    if not shown:
        return {}
    others = {
        other.pk: other
        for other in Survey.objects.with_published_results()
        .filter(municipalities__in=survey.municipalities.all())
        .exclude(pk=survey.pk)
        .annotate(respondents=Count("responses", distinct=True))
        .distinct()
        if other.respondents >= other.min_cell_size
    }
    repeating = {
        question.survey_id
        for question in Question.objects.filter(survey_id__in=others).only("survey_id", "kind", "text")
        if question_key(question) in shown
    }
    columns = {key: [SeriesColumn(survey=survey, result=result)] for key, result in shown.items()}
    for other_pk in repeating:
        other = others[other_pk]
        for _section, results in survey_results(survey=other):
            for result in results:
                key = question_key(result.question)
                if key in columns:
                    columns[key].append(SeriesColumn(survey=other, result=result))
    series = {}
    for key, year_columns in columns.items():
        if len(year_columns) < 2:
            continue
        year_columns.sort(key=lambda column: (column.survey.closes_on, column.survey.pk))
        labels = []
        for column in year_columns:
            labels += [row.label for row in column.result.rows if row.label not in labels]
        rows = [
            SeriesRow(
                label=label,
                cells=[
                    next((row for row in column.result.rows if row.label == label), None) for column in year_columns
                ],
            )
            for label in labels
        ]
        series[shown[key].question.pk] = QuestionSeries(columns=year_columns, rows=rows)
    return series
