"""Work on surveys that spans models. Keyword-only functions named <entity>_<action>."""

import contextlib
import functools
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.page_cache import CACHE_ERRORS
from surveys.models import Answer, Choice, Question, Response, Survey, SurveySection

logger = logging.getLogger(__name__)

FORM_KEY_PREFIX = "survey-form:"

# slug -> (token, SurveyForm) in this process: the rows are read once per process and token, not per post.
_loaded = {}


@dataclass
class SurveyForm:
    """What the answer page and a resident's post need of a survey: it, its kommuner, its questions in order.

    Shared by the requests of a process while its token is current: read, never changed.
    """

    survey: Survey
    municipalities: list
    groups: list  # [(section or None, [questions with their choices])], as results.survey_questions


def _form_key(slug):
    return FORM_KEY_PREFIX + slug


def _form_from_database(slug):
    from surveys.results import survey_questions

    survey = Survey.objects.prefetch_related("municipalities").filter(slug=slug).first()
    if survey is None:
        return None
    groups, _questions = survey_questions(survey=survey)
    return SurveyForm(survey=survey, municipalities=list(survey.municipalities.all()), groups=groups)


def survey_form_load(*, slug):
    """The survey with this slug and its questions, or None: five queries, or one small cache read.

    Every post of a survey reads the same rows. With a shared cache (SURVEY_FORM_CACHE_SECONDS) each process keeps
    them, under a token in that cache; saving or deleting the survey, a section, a question, a choice or the
    survey's kommuner deletes the token (survey_form_forget), and the next post in every process reads the rows
    again. The token is taken before the rows are read, so rows read before a change never stay under a token
    made after it. Unknown slugs get no token: visitors cannot make the cache hold more than one per survey.
    """
    seconds = settings.SURVEY_FORM_CACHE_SECONDS
    if not seconds:
        return _form_from_database(slug)
    key = _form_key(slug)
    try:
        token = cache.get(key)
        if token is None:
            if _form_from_database(slug) is None:
                return None
            cache.add(key, secrets.token_hex(8), timeout=seconds)
            token = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("survey form cache unreachable; reading the survey from the database", exc_info=True)
        return _form_from_database(slug)
    loaded = _loaded.get(slug)
    if loaded is not None and token is not None and loaded[0] == token:
        return loaded[1]
    found = _form_from_database(slug)
    if found is None:
        _loaded.pop(slug, None)
    elif token is not None:
        _loaded[slug] = (token, found)
    return found


def survey_form_forget(*, slugs):
    """Deletes the tokens of these surveys' forms: now, and again when the transaction commits, so that rows read
    between the two (before the change was visible) are not kept under a token made in between."""
    keys = [_form_key(slug) for slug in slugs if slug]
    if not settings.SURVEY_FORM_CACHE_SECONDS or not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except CACHE_ERRORS:
            # The old rows are then used until the token expires, SURVEY_FORM_CACHE_SECONDS at most.
            logger.warning("survey form cache unreachable; a changed survey may be served for a while", exc_info=True)

    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)


def _slugs(instance):
    if isinstance(instance, Survey):
        # A renamed survey's old address keeps its copy until it expires: it only ever served the same survey.
        return [instance.slug]
    if isinstance(instance, (SurveySection, Question)):
        surveys = Survey.objects.filter(pk=instance.survey_id)
    else:  # a Choice
        surveys = Survey.objects.filter(questions=instance.question_id)
    return list(surveys.values_list("slug", flat=True))


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw and settings.SURVEY_FORM_CACHE_SECONDS:
        survey_form_forget(slugs=_slugs(instance))


def _municipalities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not settings.SURVEY_FORM_CACHE_SECONDS:
        return
    if not reverse:  # survey.municipalities.add(…)
        if action in ("post_add", "post_remove", "post_clear"):
            survey_form_forget(slugs=[instance.slug])
    elif action in ("post_add", "post_remove"):  # municipality.surveys.add(…)
        survey_form_forget(slugs=Survey.objects.filter(pk__in=pk_set or ()).values_list("slug", flat=True))
    elif action == "pre_clear":  # afterwards the kommun no longer leads to its surveys
        survey_form_forget(slugs=instance.surveys.values_list("slug", flat=True))


def _years_later(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February in a year that has none
        return date.replace(year=date.year + years, day=28)


def _free_slug(slug):
    max_length = Survey._meta.get_field("slug").max_length
    candidate, n = slug[:max_length], 2
    while Survey.objects.filter(slug=candidate).exists():
        suffix = f"-{n}"
        candidate, n = slug[: max_length - len(suffix)] + suffix, n + 1
    return candidate


@transaction.atomic
def survey_start_new_round(*, survey, today):
    """A copy of `survey` to ask the same questions again: its text, kommuner, sections, questions and choices,
    no answers, and its dates moved on by whole years until it opens after `today`. Results are not published.

    A survey whose results are out is never reopened (Survey.clean): asking again is a new survey. The copy keeps
    every question's wording, so the results page shows the rounds side by side (results.question_series).
    """
    years = 1
    while _years_later(survey.opens_on, years) <= today:
        years += 1
    old_year, new_year = str(survey.opens_on.year), str(survey.opens_on.year + years)
    title = survey.title.replace(old_year, new_year) if old_year in survey.title else f"{survey.title} {new_year}"
    slug = survey.slug.replace(old_year, new_year) if old_year in survey.slug else f"{survey.slug}-{new_year}"
    new = Survey.objects.create(
        title=title[: Survey._meta.get_field("title").max_length],
        slug=_free_slug(slug),
        introduction=survey.introduction,
        opens_on=_years_later(survey.opens_on, years),
        closes_on=_years_later(survey.closes_on, years),
        results_expected_on=survey.results_expected_on and _years_later(survey.results_expected_on, years),
        results_published=False,
        min_cell_size=survey.min_cell_size,
    )
    new.municipalities.set(survey.municipalities.all())
    sections = {}
    for section in survey.sections.all():
        sections[section.pk] = SurveySection.objects.create(
            survey=new, title=section.title, description=section.description, order=section.order
        )
    for question in survey.questions.prefetch_related("choices"):
        copy = Question.objects.create(
            survey=new,
            section=sections.get(question.section_id),
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            scale_min_label=question.scale_min_label,
            scale_max_label=question.scale_max_label,
            order=question.order,
        )
        Choice.objects.bulk_create(
            Choice(question=copy, text=choice.text, order=choice.order) for choice in question.choices.all()
        )
    return new


def connect():
    """Called from SurveysConfig.ready(): a change to a survey's form is seen by the next post."""
    for model in (Survey, SurveySection, Question, Choice):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"survey-form-save-{model.__name__}")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"survey-form-delete-{model.__name__}")
    m2m_changed.connect(
        _municipalities_changed, sender=Survey.municipalities.through, dispatch_uid="survey-form-municipalities"
    )


def response_submit(*, survey, municipality_id, answers, submission_token):
    """Store one resident's response with all its answers, or nothing at all.

    Returns the new Response, or None when a response with this submission token already exists: the same
    form sent twice (a double click, a reload after posting) stores one response. Nothing about the sender
    is stored: no IP address, browser, session or time of day, only the date (Response.submitted_on).

    Nearly every post carries a new token, so the unique constraint is the check: asking first would cost every
    post a query to catch the rare double submit, which the constraint catches anyway.
    """
    response = Response(survey=survey, municipality_id=municipality_id, submission_token=submission_token)
    connection = connections[router.db_for_write(Response)]
    if connection.vendor == "postgresql":
        return _insert_in_one_statement(connection, response, answers)
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
    except IntegrityError:
        # A double submit, or two copies of the same form arriving at once: the token lets exactly one in.
        if Response.objects.filter(submission_token=submission_token).exists():
            return None
        raise
    return response


def _columns(model, *, leave_out=()):
    # The random primary keys (surveys/models/survey.py) are made in Python and written like any other column; only
    # a key the database makes itself (an AutoField: db_returning) would be left to it.
    return [field for field in model._meta.concrete_fields if not field.db_returning and field.name not in leave_out]


@functools.cache
def _one_statement(alias):
    """The statement and the fields whose values it takes, made once per database: composing it cost a post more
    than running it."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    response_fields = _columns(Response)
    answer_fields = _columns(Answer, leave_out={"response"})
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in answer_fields)
    sql = (
        f"WITH response AS ("
        f"INSERT INTO {quote(Response._meta.db_table)} ({', '.join(quote(f.column) for f in response_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(response_fields))}) "
        f"ON CONFLICT ({quote(Response._meta.get_field('submission_token').column)}) DO NOTHING "
        f"RETURNING {quote(Response._meta.pk.column)}"
        f"), answers AS ("
        f"INSERT INTO {quote(Answer._meta.db_table)} ({quote(Answer._meta.get_field('response').column)}, "
        f"{', '.join(quote(f.column) for f in answer_fields)}) "
        f"SELECT response.{quote(Response._meta.pk.column)}, answer.* FROM response, unnest({arrays}) AS answer"
        f") SELECT {quote(Response._meta.pk.column)} FROM response"
    )
    return sql, response_fields, answer_fields


def _insert_in_one_statement(connection, response, answers):
    """PostgreSQL: the response and its answers in one statement, so one round trip and one commit.

    Under load every round trip inside a transaction is a wait for a busy application process while the database
    holds the transaction open; as BEGIN, two inserts and COMMIT a post took four. A single statement is atomic on
    its own (a refused answer stores nothing of the response), and the commit is as durable as any other. A token
    that is already stored inserts nothing (ON CONFLICT … DO NOTHING) and returns no row: a double submit.

    The columns and their types come from the models, so a field added to Response or Answer is written too.
    Responses and answers are never shown while a survey is open and have no signals to run (portal/invalidation.py:
    page_cache_invalidates = "nothing"), so skipping Model.save() skips nothing.
    """
    sql, response_fields, answer_fields = _one_statement(connection.alias)
    parameters = [field.get_db_prep_save(field.pre_save(response, True), connection) for field in response_fields]
    parameters += [
        [field.get_db_prep_save(getattr(answer, field.attname), connection) for answer in answers]
        for field in answer_fields
    ]
    # Called inside a transaction (a test, a management command), a savepoint keeps that transaction usable if the
    # statement is refused; in autocommit, as in a request, the statement needs none.
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    if row is None:
        return None
    response.pk = row[0]
    response._state.adding = False
    return response
