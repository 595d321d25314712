"""/enkater/<slug>/ and /enkater/<slug>/tack/: residents answer a safety survey anonymously."""

import datetime
import re
import threading
import uuid

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from surveys.forms.survey import HONEYPOT_FIELD, TEXT_MAX_LENGTH, field_name
from surveys.models import Answer, Question, Response, TimeOfDay
from surveys.services import response_submit
from tests.factories import make_municipality
from tests.factories.surveys import (
    answer_data,
    choice_of,
    make_question,
    make_section,
    make_survey,
    make_survey_with_every_kind,
)

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    # The rate limit counts in the cache: every test starts from zero, and leaves nothing behind.
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey_and_questions():
    return make_survey_with_every_kind()


def url_of(survey):
    return reverse("survey_answer", kwargs={"slug": survey.slug})


def post(client, survey, data, **extra):
    return client.post(url_of(survey), data, REMOTE_ADDR=CLIENT_IP, **extra)


def test_the_form_asks_every_question_in_its_section(resident, survey_and_questions):
    survey, questions = survey_and_questions
    response = resident.get(url_of(survey))

    assert response.status_code == 200
    html = response.content.decode()
    for question in questions.values():
        assert question.text in html
    assert html.index("Där du bor") < html.index(questions["single"].text) < html.index("Platser och förslag")
    assert '<legend class="survey-section-legend"><h2 class="survey-section-title">Där du bor</h2></legend>' in html
    assert "1 – Mycket missnöjd" in html and "5 – Mycket nöjd" in html
    for value, label in TimeOfDay.choices:
        assert f'value="{value}"' in html and str(label) in html


def test_every_visitor_gets_a_form_of_their_own_that_no_cache_keeps(resident, survey_and_questions):
    survey, _questions = survey_and_questions
    first, second = resident.get(url_of(survey)), resident.get(url_of(survey))

    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    token = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
    assert token.search(first.content.decode()).group(1) != token.search(second.content.decode()).group(1)


def test_required_questions_are_marked_in_words_and_help_is_tied_to_its_question(resident, survey_and_questions):
    survey, questions = survey_and_questions
    html = resident.get(url_of(survey)).content.decode()

    assert f'{questions["single"].text} <span class="survey-required">(obligatorisk)</span>' in html
    assert f'{questions["scale"].text} <span class="survey-required">' not in html
    multiple = field_name(questions["multiple"])
    assert f'aria-describedby="id_{multiple}_helptext"' in html
    assert f'id="id_{multiple}_helptext"' in html


def test_the_honeypot_is_labelled_and_out_of_the_tab_order(resident, survey_and_questions):
    survey, _questions = survey_and_questions
    html = resident.get(url_of(survey)).content.decode()

    assert "Lämna det här fältet tomt" in html
    assert f'name="{HONEYPOT_FIELD}"' in html
    field = html[html.index(f'name="{HONEYPOT_FIELD}"') - 200 : html.index(f'name="{HONEYPOT_FIELD}"') + 200]
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


def test_answering_every_kind_stores_one_whole_response(resident, survey_and_questions):
    survey, questions = survey_and_questions

    response = post(resident, survey, answer_data(questions))

    assert response.status_code == 302
    assert response["Location"] == reverse("survey_thanks", kwargs={"slug": survey.slug})
    stored = Response.objects.get()
    assert stored.survey == survey
    assert stored.municipality == survey.municipalities.get()
    assert stored.submitted_on == timezone.localdate()
    answers = {(answer.question_id, answer.choice_id): answer for answer in stored.answers.all()}
    single, multiple = questions["single"], questions["multiple"]
    assert (single.pk, choice_of(single, "Ganska otrygg").pk) in answers
    assert (multiple.pk, choice_of(multiple, "Nedskräpning").pk) in answers
    assert (multiple.pk, choice_of(multiple, "Fortkörning").pk) in answers
    assert answers[questions["scale"].pk, None].scale_value == 2
    place = answers[questions["place"].pk, None]
    assert (place.place_description, place.time_of_day) == ("Gångtunneln under järnvägen", TimeOfDay.NIGHT)
    assert answers[questions["text"].pk, None].text == "Mer belysning i gångtunneln."
    assert len(answers) == 6


def test_questions_left_empty_store_no_answer(resident, survey_and_questions):
    survey, questions = survey_and_questions
    data = answer_data(questions)
    for key in list(data):
        if key.startswith("fraga_") and key != field_name(questions["single"]):
            del data[key]

    assert post(resident, survey, data).status_code == 302
    assert Answer.objects.get().question == questions["single"]


def test_a_missing_required_answer_shows_the_form_again_with_everything_typed(resident, survey_and_questions):
    survey, questions = survey_and_questions
    data = answer_data(questions)
    del data[field_name(questions["single"])]

    response = post(resident, survey, data)

    assert response.status_code == 200
    assert Response.objects.count() == 0
    html = response.content.decode()
    assert "Svaren skickades inte: en sak behöver rättas" in html
    assert "Det du redan har fyllt i finns kvar." in html
    single = questions["single"]
    assert f'<a href="#id_{field_name(single)}_0">{single.text} – Svara på frågan.</a>' in html
    assert "<title>Fel i formuläret:" in html
    # What was typed and chosen is still there, and the same token, so sending again stores one response.
    assert "Mer belysning i gångtunneln." in html
    assert 'value="Gångtunneln under järnvägen"' in html
    assert f'value="{data["submission_token"]}"' in html
    scale = field_name(questions["scale"])
    assert re.search(rf'name="{scale}" value="2"\s+id="id_{scale}_1"[^>]*checked', html)


def test_a_place_needs_both_where_and_when(resident, survey_and_questions):
    survey, questions = survey_and_questions
    data = answer_data(questions, **{field_name(questions["place"], "tid"): ""})

    response = post(resident, survey, data)

    assert response.status_code == 200
    assert "Välj när på dygnet, eller ta bort beskrivningen av platsen." in response.content.decode()
    assert Response.objects.count() == 0


def test_a_survey_for_several_kommuner_asks_which_one_you_live_in(resident):
    vindeln, umea, other = make_municipality(name="Vindeln"), make_municipality(name="Umeå"), make_municipality()
    survey = make_survey(municipalities=[vindeln, umea])
    question = make_question(survey, required=True)
    html = resident.get(url_of(survey)).content.decode()
    assert "Vilken kommun bor du i?" in html
    assert "Vindeln" in html and "Umeå" in html and other.name not in html

    base = {"submission_token": str(uuid.uuid4()), field_name(question): str(question.choices.first().pk)}
    refused = post(resident, survey, {**base, "municipality": str(other.pk)})
    assert refused.status_code == 200
    assert "Vilken kommun bor du i? – Välj ett av svarsalternativen." in refused.content.decode()

    assert post(resident, survey, {**base, "municipality": str(umea.pk)}).status_code == 302
    assert Response.objects.get().municipality == umea


def test_a_survey_for_one_kommun_does_not_ask(resident, survey_and_questions):
    survey, _questions = survey_and_questions
    assert "Vilken kommun bor du i?" not in resident.get(url_of(survey)).content.decode()


def test_a_double_submit_stores_one_response_and_shows_thanks_twice(resident, survey_and_questions):
    survey, questions = survey_and_questions
    data = answer_data(questions)

    first = post(resident, survey, data)
    second = post(resident, survey, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == reverse("survey_thanks", kwargs={"slug": survey.slug})
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 6


def test_a_filled_honeypot_stores_nothing_but_says_thanks(resident, survey_and_questions):
    survey, questions = survey_and_questions

    response = post(resident, survey, answer_data(questions, **{HONEYPOT_FIELD: "https://spam.example"}))

    assert response.status_code == 302
    assert response["Location"] == reverse("survey_thanks", kwargs={"slug": survey.slug})
    assert Response.objects.count() == 0


def test_too_many_posts_from_one_address_get_the_429_page(resident, survey_and_questions):
    survey, questions = survey_and_questions
    for _ in range(20):
        assert post(resident, survey, answer_data(questions)).status_code == 302

    response = post(resident, survey, answer_data(questions))

    assert response.status_code == 429
    assert "För många försök" in response.content.decode()
    assert Response.objects.count() == 20
    # Reading the survey is never limited, and another address may still answer.
    assert resident.get(url_of(survey), REMOTE_ADDR=CLIENT_IP).status_code == 200
    assert resident.post(url_of(survey), answer_data(questions), REMOTE_ADDR="198.51.100.1").status_code == 302


def test_no_ip_address_or_other_identifier_is_stored(resident, survey_and_questions):
    survey, questions = survey_and_questions

    post(resident, survey, answer_data(questions), HTTP_USER_AGENT="Testläsare/1.0 (unik)")

    for model in (Response, Answer):
        names = {f.name for f in model._meta.concrete_fields}
        assert not names & {"ip", "ip_address", "user_agent", "session", "session_key", "created_at", "submitted_at"}
        for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]):
            for value in row:
                assert CLIENT_IP not in str(value)
                assert "Testläsare" not in str(value)
    # Not anywhere else in the database either (sessions included: answering starts none).
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert not any(CLIENT_IP in str(value) for value in row), f"{CLIENT_IP} found in {table}"


def _row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.parametrize("cached", [False, True], ids=["form read", "form cached"])
def test_a_post_writes_the_response_and_its_answers_and_nothing_else(resident, survey_and_questions, settings, cached):
    settings.SURVEY_FORM_CACHE_SECONDS = 300 if cached else 0
    survey, questions = survey_and_questions
    before = _row_counts()

    answered = post(resident, survey, answer_data(questions))

    assert answered.status_code == 302
    assert not answered.cookies  # no session, nothing that follows the resident to the next page
    after = _row_counts()
    changed = {table: after[table] - before[table] for table in after if after[table] != before[table]}
    assert changed == {Response._meta.db_table: 1, Answer._meta.db_table: 6}


@pytest.mark.parametrize("kind", ["upcoming", "closed"])
def test_a_survey_that_is_not_open_explains_why_and_refuses_answers(resident, survey_and_questions, kind):
    survey, questions = survey_and_questions
    today = timezone.localdate()
    if kind == "upcoming":
        survey.opens_on, survey.closes_on = today + datetime.timedelta(days=3), today + datetime.timedelta(days=30)
        expected = "Enkäten har inte öppnat ännu."
    else:
        survey.opens_on, survey.closes_on = today - datetime.timedelta(days=30), today - datetime.timedelta(days=1)
        expected = "Enkäten är stängd sedan"
    survey.save()

    page = resident.get(url_of(survey))
    assert page.status_code == 200
    assert expected in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]

    refused = post(resident, survey, answer_data(questions))
    assert refused.status_code == 403
    assert "Dina svar har inte sparats." in refused.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("expected_in_days", "says"),
    [
        (10, "Resultaten publiceras {date}."),
        (-3, "Resultaten skulle ha publicerats {date} men är inte publicerade ännu."),
        (None, "Kommunen och polisen har inte bestämt när resultaten publiceras."),
    ],
    ids=["date ahead", "date passed", "no date"],
)
def test_a_closed_survey_says_when_its_results_come(resident, expected_in_days, says):
    today = timezone.localdate()
    expected = today + datetime.timedelta(days=expected_in_days) if expected_in_days is not None else None
    survey = make_survey(
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=5),
        results_expected_on=expected,
    )

    response = resident.get(url_of(survey))

    assert response.status_code == 200
    assert says.format(date=expected and date_format(expected, "j F Y")) in text_of(response)
    assert 'href="/enkater/?kommun=' in response.content.decode()


def test_a_closed_survey_with_public_results_links_to_them_and_gives_no_date(resident):
    today = timezone.localdate()
    survey = make_survey(
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=5),
        results_expected_on=today - datetime.timedelta(days=1),
        results_published=True,
    )

    html = resident.get(url_of(survey)).content.decode()

    assert reverse("survey_results", kwargs={"slug": survey.slug}) in html
    assert "Resultaten skulle ha publicerats" not in html


def text_of(response):
    """The page's main text without tags, white space collapsed."""
    main = response.content.decode().split("<main", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()).replace(" .", ".")


def test_a_survey_is_open_on_its_first_and_last_day(resident):
    today = timezone.localdate()
    for survey in (
        make_survey(opens_on=today),
        make_survey(opens_on=today - datetime.timedelta(days=9), closes_on=today),
    ):
        assert "<form" in resident.get(url_of(survey)).content.decode()


def test_an_unknown_survey_is_404(resident):
    assert resident.get("/enkater/finns-inte/").status_code == 404
    assert resident.post("/enkater/finns-inte/", {}).status_code == 404
    assert resident.get("/enkater/finns-inte/tack/").status_code == 404


def test_the_thanks_page_thanks_and_links_back_to_the_kommun(resident, survey_and_questions):
    survey, _questions = survey_and_questions
    response = resident.get(reverse("survey_thanks", kwargs={"slug": survey.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tack för dina svar!" in html
    assert survey.municipalities.get().get_absolute_url() in html


def malformed_posts(questions):
    single, multiple, scale = questions["single"], questions["multiple"], questions["scale"]
    other_question_choice = str(multiple.choices.first().pk)
    return {
        "choice from another question": {field_name(single): other_question_choice},
        "choice that is not a number": {field_name(single): "drop table"},
        "choice that does not exist": {field_name(single): "999999"},
        "scale value 9": {field_name(scale): "9"},
        "scale value 0": {field_name(scale): "0"},
        "scale value as text": {field_name(scale): "fem"},
        "time of day that does not exist": {field_name(questions["place"], "tid"): "morgon"},
        "multiple choice with a foreign id": {
            field_name(multiple): [other_question_choice, str(single.choices.first().pk)]
        },
        "free text too long": {field_name(questions["text"]): "x" * (TEXT_MAX_LENGTH + 1)},
        "free text with a NUL byte": {field_name(questions["text"]): "hej\x00då"},
        "place too long": {field_name(questions["place"], "plats"): "x" * 301},
    }


MALFORMED = [
    "choice from another question",
    "choice that is not a number",
    "choice that does not exist",
    "scale value 9",
    "scale value 0",
    "scale value as text",
    "time of day that does not exist",
    "multiple choice with a foreign id",
    "free text too long",
    "free text with a NUL byte",
    "place too long",
]


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_answer_is_a_form_error_and_stores_nothing(resident, survey_and_questions, case):
    survey, questions = survey_and_questions

    response = post(resident, survey, answer_data(questions, **malformed_posts(questions)[case]))

    assert response.status_code == 200
    assert "Svaren skickades inte" in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("token", ["", "inte-en-nyckel", None])
def test_a_post_without_a_valid_token_is_a_bad_request(resident, survey_and_questions, token):
    survey, questions = survey_and_questions
    data = answer_data(questions)
    if token is None:
        del data["submission_token"]
    else:
        data["submission_token"] = token

    response = post(resident, survey, data)

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_a_huge_post_is_refused_with_4xx(resident, survey_and_questions):
    survey, questions = survey_and_questions
    huge = answer_data(questions, **{field_name(questions["text"]): "x" * (3 * 1024 * 1024)})
    many = {**answer_data(questions), **{f"extra_{i}": "1" for i in range(3000)}}

    for data in (huge, many):
        response = post(resident, survey, data)
        assert 400 <= response.status_code < 500
    assert Response.objects.count() == 0


def test_other_methods_are_not_allowed(resident, survey_and_questions):
    survey, _questions = survey_and_questions
    assert resident.put(url_of(survey)).status_code == 405
    assert resident.delete(url_of(survey)).status_code == 405


def test_a_response_is_stored_whole_or_not_at_all(survey_and_questions):
    survey, questions = survey_and_questions
    answers = [
        Answer(question=questions["text"], text="Det här svaret sparas inte heller."),
        Answer(question=questions["scale"], scale_value=9),  # refused by the database's check constraint
    ]

    with pytest.raises(IntegrityError):
        response_submit(survey=survey, municipality_id=None, answers=answers, submission_token=uuid.uuid4())

    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def big_survey(questions_per_kind):
    survey = make_survey()
    sections = [make_section(survey) for _ in range(3)]
    for i in range(questions_per_kind):
        for kind in Question.Kind.values:
            make_question(survey, kind, section=sections[i % 3], required=kind == Question.Kind.SINGLE)
    return survey


def full_answers(survey):
    data = {"submission_token": str(uuid.uuid4())}
    for question in survey.questions.prefetch_related("choices"):
        choices = [str(choice.pk) for choice in question.choices.all()]
        if question.kind == Question.Kind.SINGLE:
            data[field_name(question)] = choices[0]
        elif question.kind == Question.Kind.MULTIPLE:
            data[field_name(question)] = choices[:2]
        elif question.kind == Question.Kind.SCALE:
            data[field_name(question)] = "4"
        elif question.kind == Question.Kind.TEXT:
            data[field_name(question)] = "Fler vuxna ute på kvällarna."
        else:
            data[field_name(question, "plats")] = "Torget"
            data[field_name(question, "tid")] = TimeOfDay.EVENING
    return data


# survey + kommuner, sections, questions, choices
ANSWER_PAGE_QUERIES = 5


def writes_of_one_submission():
    """A savepoint, the writes and its release: in a test everything runs inside a transaction. PostgreSQL writes the
    response and its answers in one statement (surveys/services.py; alone in production, where a request runs in
    autocommit: test_on_postgresql_a_submission_is_one_statement), others as two inserts. Either way the unique
    submission token is the double-submit check: no query asks for it first."""
    return 3 if connection.vendor == "postgresql" else 4


@pytest.mark.parametrize("size", [1, 12], ids=["5 questions", "60 questions"])
def test_the_answer_page_and_a_submission_take_a_fixed_number_of_queries(resident, django_assert_num_queries, size):
    survey = big_survey(size)
    data = full_answers(survey)

    with django_assert_num_queries(ANSWER_PAGE_QUERIES):
        assert resident.get(url_of(survey)).status_code == 200
    with django_assert_num_queries(ANSWER_PAGE_QUERIES + writes_of_one_submission()):
        assert post(resident, survey, data).status_code == 302
    assert Answer.objects.count() == 6 * size


@pytest.fixture
def form_cache(settings):
    settings.SURVEY_FORM_CACHE_SECONDS = 300


@pytest.mark.parametrize("size", [1, 12], ids=["5 questions", "60 questions"])
def test_with_the_form_cached_a_submission_only_writes(resident, django_assert_num_queries, form_cache, size):
    survey = big_survey(size)
    data = full_answers(survey)
    assert resident.get(url_of(survey)).status_code == 200

    # With a shared cache (SURVEY_FORM_CACHE_SECONDS) the survey and its questions come from there: only writes.
    with django_assert_num_queries(writes_of_one_submission()):
        assert post(resident, survey, data).status_code == 302
    # A double submit: the insert stores nothing (PostgreSQL), or is refused and then asks whether it was one.
    with django_assert_num_queries(writes_of_one_submission() + (connection.vendor != "postgresql")):
        assert post(resident, survey, data).status_code == 302
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 6 * size


def test_with_the_form_cached_a_posted_form_is_checked_against_the_survey_as_it_is_now(
    resident, survey_and_questions, form_cache
):
    survey, questions = survey_and_questions
    assert resident.get(url_of(survey)).status_code == 200  # cached now
    new_choice = questions["single"].choices.create(text="Ett nytt svarsalternativ", order=9)
    data = answer_data(questions, **{field_name(questions["single"]): str(new_choice.pk)})

    assert post(resident, survey, data).status_code == 302
    assert Answer.objects.filter(choice=new_choice).count() == 1

    questions["text"].text = "En ny lydelse av frågan"
    questions["text"].save()
    assert "En ny lydelse av frågan" in resident.get(url_of(survey)).content.decode()

    Response.objects.all().delete()
    new_choice.delete()
    refused = post(resident, survey, {**data, "submission_token": str(uuid.uuid4())})
    assert refused.status_code == 200  # a form error, not an answer pointing at a choice that is gone
    assert "Välj ett av svarsalternativen." in refused.content.decode()
    assert not Response.objects.exists()

    survey.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    survey.save()
    assert post(resident, survey, answer_data(questions)).status_code == 403


def test_with_the_form_cached_an_unknown_survey_is_404_and_not_cached(resident, form_cache):
    assert resident.get(reverse("survey_answer", kwargs={"slug": "finns-inte"})).status_code == 404
    assert cache.get("survey-form:finns-inte") is None  # no token for a survey that does not exist


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_submission_is_one_statement(django_assert_num_queries, form_cache):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    survey, questions = make_survey_with_every_kind()
    client = Client()
    assert client.get(url_of(survey)).status_code == 200  # the form is cached now
    data = answer_data(questions)

    # Autocommit, as in production: no BEGIN, no COMMIT of its own, no question whether the token was used.
    with django_assert_num_queries(1):
        assert post(client, survey, data).status_code == 302
    with django_assert_num_queries(1):  # the same form again: the token is taken, nothing is stored
        assert post(client, survey, data).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == 6


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_on_postgresql_lose_nothing(survey_and_questions, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every write")
    settings.RATELIMIT_ENABLE = False
    survey, questions = survey_and_questions
    senders = 20
    barrier = threading.Barrier(senders)
    statuses, errors = [], []

    def send(number):
        from django.db import connections

        try:
            client = Client()
            data = answer_data(questions, **{field_name(questions["text"]): f"Svar nummer {number}"})
            barrier.wait()
            statuses.append(client.post(url_of(survey), data, REMOTE_ADDR=f"198.51.100.{number}").status_code)
        except Exception as error:  # reported below, with the others
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert statuses == [302] * senders
    assert Response.objects.filter(survey=survey).count() == senders
    assert Answer.objects.filter(response__survey=survey).count() == 6 * senders
    texts = set(Answer.objects.filter(question=questions["text"]).values_list("text", flat=True))
    assert texts == {f"Svar nummer {n}" for n in range(senders)}
