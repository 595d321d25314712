"""A stored survey answer cannot be traced to its sender: its ids reveal no order, and no log line gives its time.

With counted ids, "response 412" was the 412th post, and a reverse proxy's log (address, time, path) lists the posts
in order; a log line per answer post gives its time to the millisecond. Either ties an answer to an address.
"""

import copy
import io
import logging
import logging.config
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from surveys.forms.survey import field_name
from surveys.models import Answer, Response
from tests.factories.surveys import answer_data, make_survey_with_every_kind

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.7"


@pytest.fixture
def survey_and_questions():
    return make_survey_with_every_kind()


def url_of(survey):
    return reverse("survey_answer", kwargs={"slug": survey.slug})


# --- Ids ---


def test_responses_and_answers_get_ids_that_reveal_no_order(resident, survey_and_questions):
    survey, questions = survey_and_questions
    tokens = [uuid.uuid4() for _ in range(12)]
    for token in tokens:
        response = resident.post(url_of(survey), answer_data(questions, token=token), REMOTE_ADDR=CLIENT_IP)
        assert response.status_code == 302

    by_token = {response.submission_token: response for response in Response.objects.filter(survey=survey)}
    responses = [by_token[token] for token in tokens]
    response_ids = [response.pk for response in responses]
    # Random version-4 UUIDs: twelve in the order they arrived are sorted by chance once in 479 million times.
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in response_ids)
    assert sorted(response_ids) != response_ids
    # The answers were inserted in that order too: their ids must not give it away either.
    first_answer_ids = [
        min(Answer.objects.filter(response=response).values_list("pk", flat=True)) for response in responses
    ]
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in first_answer_ids)
    assert sorted(first_answer_ids) != first_answer_ids
    # Every answer is stored with its response, on SQLite (the ORM) and PostgreSQL (one statement) alike.
    assert all(response.answers.count() == 6 for response in responses)


def test_a_double_submit_still_stores_one_response(resident, survey_and_questions):
    survey, questions = survey_and_questions
    data = answer_data(questions)
    resident.post(url_of(survey), data, REMOTE_ADDR=CLIENT_IP)
    resident.post(url_of(survey), data, REMOTE_ADDR=CLIENT_IP)

    assert Response.objects.filter(survey=survey).count() == 1


BEFORE = ("surveys", "0008_survey_published_results_are_final")
AFTER = ("surveys", "0009_random_response_and_answer_ids")


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_stored_responses_and_answers_fresh_random_ids():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "surveys"]
        apps = executor.loader.project_state([BEFORE, *others]).apps
        area = apps.get_model("portal", "PoliceArea").objects.create(name="Lokalpolisområde Test")
        municipality = apps.get_model("portal", "Municipality").objects.create(
            name="Testby", official_name="Testby kommun", slug="testby", code="9999", county="Testlän", police_area=area
        )
        survey = apps.get_model("surveys", "Survey").objects.create(
            title="Trygghet", slug="trygghet", opens_on="2025-01-01", closes_on="2025-02-01"
        )
        question = apps.get_model("surveys", "Question").objects.create(survey=survey, kind="text", text="Varför?")
        old_response = apps.get_model("surveys", "Response")
        old_answer = apps.get_model("surveys", "Answer")
        tokens = [uuid.uuid4() for _ in range(5)]
        for number, token in enumerate(tokens):
            response = old_response.objects.create(
                survey=survey, municipality=municipality, submission_token=token, submitted_on=f"2025-01-0{number + 1}"
            )
            old_answer.objects.create(response=response, question=question, text=f"Svar {number}")
        assert sorted(old_response.objects.values_list("pk", flat=True)) == list(
            old_response.objects.order_by("submitted_on").values_list("pk", flat=True)
        )

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])

        apps = executor.loader.project_state([AFTER]).apps
        new_response = apps.get_model("surveys", "Response")
        stored = {response.submission_token: response for response in new_response.objects.all()}
        assert set(stored) == set(tokens)
        for number, token in enumerate(tokens):
            response = stored[token]
            assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
            assert str(response.submitted_on) == f"2025-01-0{number + 1}"
            assert response.municipality_id == municipality.pk
            # Each answer follows its own response.
            assert [(answer.text, answer.question_id) for answer in response.answers.all()] == [
                (f"Svar {number}", question.pk)
            ]
            assert isinstance(response.answers.get().pk, uuid.UUID)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- Logs ---


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def production_log(settings):
    """The portal's own logging configuration as on a server (DEBUG off, JSON lines), at LOG_LEVEL=DEBUG: every
    line it would write, in a buffer, and every record reaching it, in a list."""
    from portal import settings as portal_settings

    settings.DEBUG = False
    # Both caches in use, as with Redis: the survey form and the page cache (their code logs too).
    settings.SURVEY_FORM_CACHE_SECONDS = 300
    settings.PAGE_CACHE_SECONDS = 300
    config = copy.deepcopy(portal_settings.LOGGING)  # dictConfig takes the "()" keys out of the dict it is given
    config["root"]["level"] = "DEBUG"
    config["handlers"]["console"]["formatter"] = "json"
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(config)
    everything = Everything()
    root.addHandler(everything)
    yield buffer, everything.records
    root.handlers[:], level = saved
    root.setLevel(level)


def text_of(record):
    return " ".join([record.getMessage(), *(str(value) for value in vars(record).values())])


def test_a_stored_answer_writes_no_log_line_that_could_time_it(production_log, survey_and_questions):
    buffer, every_log_record = production_log
    survey, questions = survey_and_questions
    resident = Client(enforce_csrf_checks=False)
    resident.get(url_of(survey))  # the form, logged as any page
    every_log_record.clear()
    buffer.seek(0)
    buffer.truncate()
    token = uuid.uuid4()

    response = resident.post(url_of(survey), answer_data(questions, token=token), REMOTE_ADDR=CLIENT_IP, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("survey_thanks", kwargs={"slug": survey.slug}), 302)]
    # No request log line for the post nor for the thank-you page it leads to.
    assert not [record for record in every_log_record if record.name == "portal.request"]
    # Nor any other line naming either address, the form's token or the stored ids.
    stored = Response.objects.get(submission_token=token)
    ids = [stored.pk, *stored.answers.values_list("pk", flat=True)]
    named = [url_of(survey), reverse("survey_thanks", kwargs={"slug": survey.slug}), str(token), token.hex]
    named += [text for pk in ids for text in (str(pk), pk.hex)]
    for record in every_log_record:
        text = text_of(record)
        assert not [name for name in named if name in text], (
            record.name,
            [name for name in named if name in text],
            text,
        )
        assert "Mer belysning" not in text and "Gångtunneln" not in text
    written = buffer.getvalue()
    assert not [name for name in named if name in written], written


def test_a_refused_post_is_still_logged_as_before(production_log, survey_and_questions):
    _buffer, every_log_record = production_log
    # Nothing was stored, so its line ties no answer to a time; and refusals are what an operator watches for (a
    # broken form, a flood of posts without the form's token).
    survey, questions = survey_and_questions
    resident = Client()
    missing_required = answer_data(questions, **{field_name(questions["single"]): ""})
    without_token = answer_data(questions, submission_token="inte-en-nyckel")

    assert resident.post(url_of(survey), missing_required, REMOTE_ADDR=CLIENT_IP).status_code == 200
    assert resident.post(url_of(survey), without_token, REMOTE_ADDR=CLIENT_IP).status_code == 400

    lines = [record for record in every_log_record if record.name == "portal.request"]
    assert [(record.method, record.path, record.status) for record in lines] == [
        ("POST", url_of(survey), 200),
        ("POST", url_of(survey), 400),
    ]
    assert not Response.objects.filter(survey=survey).exists()
