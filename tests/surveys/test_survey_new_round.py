"""/admin/surveys/survey/<id>/ny-omgang/ and the list's action: "Starta en ny omgång" copies a survey to ask again.

A survey whose results are published is never reopened (tests/surveys/test_survey_results_final.py): the next
round is a new survey with the same questions, no answers and new dates, which the coordinator then edits.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Question, Survey
from surveys.results import question_series, survey_results
from tests.factories.surveys import choice_of, make_closed_survey, make_question, make_response, make_section

pytestmark = pytest.mark.django_db


def new_round_url(survey):
    return reverse("admin:surveys_survey_new_round", args=[survey.pk])


@pytest.fixture
def last_year(vasterbotten):
    """Vindeln's survey of last spring, results published, two sections, three questions, one answer."""
    today = timezone.localdate()
    year = today.year - 1
    survey = make_closed_survey(
        municipalities=[vasterbotten["vindeln"]],
        title=f"Trygghetsundersökning {year}",
        slug=f"trygghet-vindeln-{year}",
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 3, 31),
        results_expected_on=datetime.date(year, 5, 15),
        results_published=True,
        min_cell_size=7,
        introduction="Berätta hur du har det.",
    )
    first, second = make_section(survey, title="Där du bor"), make_section(survey, title="Förslag")
    single = make_question(survey, section=first, text="Hur trygg känner du dig?", choices=["Trygg", "Otrygg"])
    make_question(survey, Question.Kind.SCALE, section=first, text="Belysningen?", scale_min_label="Dålig")
    make_question(survey, Question.Kind.TEXT, section=second, text="Vad kan bli bättre?", required=True)
    make_response(survey, [{"question": single, "choice": choice_of(single, "Otrygg")}])
    return survey


def test_the_change_page_offers_a_new_round(client, coordinator_vindeln, last_year):
    client.force_login(coordinator_vindeln)
    html = client.get(reverse("admin:surveys_survey_change", args=[last_year.pk])).content.decode()
    assert f'action="{new_round_url(last_year)}"' in html
    assert "Starta en ny omgång" in html


def test_a_new_round_copies_the_questions_with_no_answers_and_new_dates(client, coordinator_vindeln, last_year):
    client.force_login(coordinator_vindeln)
    today = timezone.localdate()

    response = client.post(new_round_url(last_year))

    new = Survey.objects.exclude(pk=last_year.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:surveys_survey_change", args=[new.pk])
    assert new.title == f"Trygghetsundersökning {new.opens_on.year}"
    assert new.slug == f"trygghet-vindeln-{new.opens_on.year}"
    assert new.opens_on > today
    assert (new.opens_on.month, new.opens_on.day, new.closes_on.month, new.closes_on.day) == (3, 1, 3, 31)
    assert new.results_expected_on == datetime.date(new.opens_on.year, 5, 15)
    assert not new.results_published
    assert new.min_cell_size == 7 and new.introduction == "Berätta hur du har det."
    assert list(new.municipalities.all()) == list(last_year.municipalities.all())
    assert not new.responses.exists()
    copied = [(q.section.title, q.kind, q.text, q.required, q.scale_min_label) for q in new.questions.all()]
    original = [(q.section.title, q.kind, q.text, q.required, q.scale_min_label) for q in last_year.questions.all()]
    assert copied == original
    assert all(question.section.survey_id == new.pk for question in new.questions.all())
    single = new.questions.get(kind=Question.Kind.SINGLE)
    assert [choice.text for choice in single.choices.all()] == ["Trygg", "Otrygg"]
    # The old round stays as it was, answers and all.
    last_year.refresh_from_db()
    assert last_year.results_published and last_year.responses.count() == 1
    followed = client.get(response["Location"])
    assert "En ny omgång av" in followed.content.decode()


def test_the_rounds_results_line_up_year_by_year(client, coordinator_vindeln, last_year):
    # The same wording in both rounds: the results page shows them side by side (results.question_series).
    single = last_year.questions.get(kind=Question.Kind.SINGLE)
    for _ in range(6):  # seven respondents in all: last year's threshold
        make_response(last_year, [{"question": single, "choice": choice_of(single, "Trygg")}])
    client.force_login(coordinator_vindeln)
    client.post(new_round_url(last_year))
    new = Survey.objects.exclude(pk=last_year.pk).get()

    series = question_series(survey=new, sections=survey_results(survey=new))

    new_single = new.questions.get(kind=Question.Kind.SINGLE)
    assert [column.survey for column in series[new_single.pk].columns] == [last_year, new]


def test_the_list_action_starts_a_new_round_too(client, coordinator_vindeln, last_year):
    client.force_login(coordinator_vindeln)

    response = client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "start_new_round", "_selected_action": [last_year.pk]},
    )

    assert response.status_code == 302
    assert Survey.objects.count() == 2


def test_a_new_round_is_started_with_a_post_only(client, coordinator_vindeln, last_year):
    client.force_login(coordinator_vindeln)
    assert client.get(new_round_url(last_year)).status_code == 405
    assert Survey.objects.count() == 1


def test_another_kommuns_coordinator_cannot_start_a_new_round(client, police_coordinator_umea, last_year):
    client.force_login(police_coordinator_umea)
    assert client.post(new_round_url(last_year)).status_code == 404
    assert Survey.objects.count() == 1


def test_a_shared_survey_gets_its_new_round_from_a_national_administrator(
    client, coordinator_vindeln, national_admin, vasterbotten
):
    shared = make_closed_survey(municipalities=[vasterbotten["vindeln"], vasterbotten["umea"]], title="Gemensam")
    client.force_login(coordinator_vindeln)
    assert client.post(new_round_url(shared)).status_code == 403
    assert (
        "Starta en ny omgång"
        not in client.get(reverse("admin:surveys_survey_change", args=[shared.pk])).content.decode()
    )
    assert Survey.objects.count() == 1

    client.force_login(national_admin)
    assert client.post(new_round_url(shared)).status_code == 302
    new = Survey.objects.exclude(pk=shared.pk).get()
    assert set(new.municipalities.all()) == {vasterbotten["vindeln"], vasterbotten["umea"]}
