"""make_<model>() helpers for surveys and their answers, and the form data a resident's browser would post."""

import datetime
import itertools
import uuid

from django.utils import timezone

from surveys.forms.survey import HONEYPOT_FIELD, field_name
from surveys.models import Answer, Choice, Question, Response, Survey, SurveySection, TimeOfDay
from tests.factories.portal import make_municipality

_numbers = itertools.count(1)


def make_survey(*, municipalities=None, opens_on=None, closes_on=None, **fields):
    """An open survey (opened yesterday, closes in a month) for one new kommun unless told otherwise."""
    n = next(_numbers)
    today = timezone.localdate()
    fields.setdefault("title", f"Trygghetsundersökning {n}")
    fields.setdefault("slug", f"trygghet-{n}")
    fields.setdefault("introduction", "Vi vill veta hur trygg du känner dig.")
    survey = Survey.objects.create(
        opens_on=opens_on or today - datetime.timedelta(days=1),
        closes_on=closes_on or today + datetime.timedelta(days=30),
        **fields,
    )
    survey.municipalities.set(municipalities if municipalities is not None else [make_municipality()])
    return survey


def make_closed_survey(**fields):
    today = timezone.localdate()
    fields.setdefault("opens_on", today - datetime.timedelta(days=60))
    fields.setdefault("closes_on", today - datetime.timedelta(days=30))
    return make_survey(**fields)


def make_section(survey, **fields):
    n = next(_numbers)
    fields.setdefault("title", f"Avsnitt {n}")
    fields.setdefault("order", n)
    return SurveySection.objects.create(survey=survey, **fields)


def make_question(survey, kind=Question.Kind.SINGLE, choices=None, **fields):
    """A question; single and multiple choice get three choices unless `choices` lists their texts."""
    n = next(_numbers)
    fields.setdefault("text", f"Fråga {n}: hur trygg känner du dig?")
    fields.setdefault("order", n)
    question = Question.objects.create(survey=survey, kind=kind, **fields)
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        texts = choices if choices is not None else ["Trygg", "Varken eller", "Otrygg"]
        Choice.objects.bulk_create(
            Choice(question=question, text=text, order=index) for index, text in enumerate(texts, start=1)
        )
    return question


def make_survey_with_every_kind(**fields):
    """A survey with two sections and one question of every kind, the first of them required."""
    survey = make_survey(**fields)
    first = make_section(survey, title="Där du bor", description="Om området där du bor.")
    second = make_section(survey, title="Platser och förslag")
    questions = {
        "single": make_question(
            survey,
            Question.Kind.SINGLE,
            section=first,
            text="Hur trygg känner du dig ute en kväll?",
            required=True,
            choices=["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg"],
        ),
        "multiple": make_question(
            survey,
            Question.Kind.MULTIPLE,
            section=first,
            text="Vilka problem finns där du bor?",
            help_text="Välj alla som stämmer.",
            choices=["Nedskräpning", "Skadegörelse", "Fortkörning"],
        ),
        "scale": make_question(
            survey,
            Question.Kind.SCALE,
            section=first,
            text="Hur nöjd är du med belysningen?",
            scale_min_label="Mycket missnöjd",
            scale_max_label="Mycket nöjd",
        ),
        "place": make_question(
            survey, Question.Kind.PLACE, section=second, text="Finns det en plats där du känner dig otrygg?"
        ),
        "text": make_question(survey, Question.Kind.TEXT, section=second, text="Vad kan göras för att öka tryggheten?"),
    }
    return survey, questions


def choice_of(question, text):
    return question.choices.get(text=text)


def answer_data(questions, *, token=None, **overrides):
    """POST data answering every question of make_survey_with_every_kind(), as the form would send it."""
    single, multiple = questions["single"], questions["multiple"]
    data = {
        "submission_token": str(token or uuid.uuid4()),
        HONEYPOT_FIELD: "",
        field_name(single): str(choice_of(single, "Ganska otrygg").pk),
        field_name(multiple): [str(choice_of(multiple, "Nedskräpning").pk), str(choice_of(multiple, "Fortkörning").pk)],
        field_name(questions["scale"]): "2",
        field_name(questions["place"], "plats"): "Gångtunneln under järnvägen",
        field_name(questions["place"], "tid"): TimeOfDay.NIGHT,
        field_name(questions["text"]): "Mer belysning i gångtunneln.",
    }
    data.update(overrides)
    return data


def make_response(survey, answers=(), municipality=None, **fields):
    """A stored response; `answers` are dicts of Answer fields (question=…, choice=… / scale_value=… / …)."""
    response = Response.objects.create(
        survey=survey,
        municipality=municipality or survey.municipalities.first(),
        submission_token=uuid.uuid4(),
        **fields,
    )
    Answer.objects.bulk_create(Answer(response=response, **answer) for answer in answers)
    return response


def make_responses(survey, count, answers_for):
    """`count` responses in three queries-ish: answers_for(i) gives the i-th response's answer dicts."""
    municipality = survey.municipalities.first()
    responses = Response.objects.bulk_create(
        Response(survey=survey, municipality=municipality, submission_token=uuid.uuid4()) for _ in range(count)
    )
    Answer.objects.bulk_create(
        Answer(response=response, **answer) for i, response in enumerate(responses) for answer in answers_for(i)
    )
    return responses
