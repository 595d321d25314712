"""Published survey results are final: the survey's dates are locked and it never takes another answer.

An answer that arrived after the results were out could be singled out by comparing the two releases; asking
again is a new survey (tests/surveys/test_survey_new_round.py).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response, Survey
from tests.admin_forms import admin_form_data
from tests.factories.surveys import (
    answer_data,
    make_closed_survey,
    make_question,
    make_survey,
    make_survey_with_every_kind,
)

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def published(vasterbotten):
    return make_closed_survey(municipalities=[vasterbotten["vindeln"]], results_published=True, title="Enkät 2025")


def change_url(survey):
    return reverse("admin:surveys_survey_change", args=[survey.pk])


@pytest.mark.parametrize("field", ["opens_on", "closes_on"])
def test_the_dates_of_a_survey_with_published_results_cannot_change(published, field):
    setattr(published, field, days(10) if field == "closes_on" else days(-59))

    with pytest.raises(ValidationError) as error:
        published.full_clean()

    assert "Datumen kan inte ändras när resultaten är publicerade." in str(error.value.message_dict[field])


def test_published_results_cannot_be_withdrawn(published):
    published.results_published = False

    with pytest.raises(ValidationError) as error:
        published.full_clean()

    assert "kan inte tas tillbaka" in str(error.value.message_dict["results_published"])


def test_results_cannot_be_published_while_the_survey_is_open(vasterbotten):
    survey = make_survey(municipalities=[vasterbotten["vindeln"]], closes_on=days(0))
    survey.results_published = True

    with pytest.raises(ValidationError) as error:
        survey.full_clean()

    assert "först när enkäten har stängt" in str(error.value.message_dict["results_published"])


def test_a_survey_without_published_results_may_move_its_dates(vasterbotten):
    survey = make_closed_survey(municipalities=[vasterbotten["vindeln"]])
    survey.closes_on = days(10)
    survey.full_clean()
    survey.save()


@pytest.mark.parametrize(
    "change",
    [{"closes_on": days(10)}, {"opens_on": days(-59)}, {"results_published": False}],
    ids=["closes_on", "opens_on", "withdrawn"],
)
def test_the_database_refuses_to_reopen_a_survey_with_published_results(published, change):
    # Migration 0008's trigger: whatever writes the row (a shell, a script, a future form), not only the admin.
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=published.pk).update(**change)

    published.refresh_from_db()
    assert published.results_published
    assert published.closes_on == days(-30)


def test_the_database_lets_other_fields_of_a_published_survey_change(published):
    Survey.objects.filter(pk=published.pk).update(title="Enkät 2025, rättad rubrik", results_expected_on=days(-1))
    published.refresh_from_db()
    assert published.title == "Enkät 2025, rättad rubrik"


def test_the_admin_shows_the_dates_read_only_and_says_why(client, coordinator_vindeln, published):
    client.force_login(coordinator_vindeln)

    page = client.get(change_url(published))

    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"opens_on", "closes_on", "results_published"} & set(form.fields)
    html = page.content.decode()
    assert "Datumen är låsta eftersom resultaten är publicerade." in html
    assert "Starta en ny omgång" in html


def test_posting_new_dates_to_the_admin_changes_nothing(client, coordinator_vindeln, published):
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(change_url(published)))
    data.update(title="Enkät 2025", closes_on=days(10).isoformat(), results_published="")

    response = client.post(change_url(published), data)

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.closes_on == days(-30)
    assert published.results_published


def test_a_coordinator_cannot_publish_results_while_the_survey_is_open(client, coordinator_vindeln, vasterbotten):
    survey = make_survey(municipalities=[vasterbotten["vindeln"]])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(change_url(survey)))
    data["results_published"] = "on"

    response = client.post(change_url(survey), data)

    assert response.status_code == 200
    assert "Resultaten kan publiceras först när enkäten har stängt." in response.content.decode()
    survey.refresh_from_db()
    assert not survey.results_published


def test_a_survey_with_published_results_refuses_answers_whatever_its_dates_say(resident, vasterbotten):
    # Dates that say "open" beside published results: written before this rule, or by hand around the trigger.
    survey, questions = make_survey_with_every_kind(municipalities=[vasterbotten["vindeln"]], results_published=True)
    url = reverse("survey_answer", kwargs={"slug": survey.slug})

    page = resident.get(url)
    assert "resultaten är publicerade, och den tar inte emot fler svar" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]

    refused = resident.post(url, answer_data(questions), REMOTE_ADDR="203.0.113.9")

    assert refused.status_code == 403
    assert "Dina svar har inte sparats." in refused.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


@pytest.mark.parametrize("persona", ["coordinator_vindeln", "national_admin"])
def test_the_questions_of_a_survey_with_published_results_cannot_change(client, request, published, persona):
    # A question reworded after publication would change what the published counts mean, for everyone.
    question = make_question(published, text="Hur trygg känner du dig?", choices=["Trygg"])
    choice = question.choices.get()
    client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:surveys_question_change", args=[question.pk])
    data = admin_form_data(client.get(url))
    data.update(text="Hur otrygg känner du dig?")

    posted = client.post(url, data)
    survey_page = client.get(change_url(published))

    assert posted.status_code == 403
    question.refresh_from_db()
    choice.refresh_from_db()
    assert (question.text, choice.text) == ("Hur trygg känner du dig?", "Trygg")
    assert client.post(reverse("admin:surveys_question_delete", args=[question.pk]), {"post": "yes"}).status_code == 403
    inline_forms = list(survey_page.context["inline_admin_formsets"])
    assert inline_forms and not any(formset.has_change_permission for formset in inline_forms)
    assert "Frågorna och svarsalternativen är också låsta." in survey_page.content.decode()


def test_no_question_can_be_added_to_a_survey_with_published_results(client, national_admin, published):
    client.force_login(national_admin)

    page = client.get(reverse("admin:surveys_question_add"))

    assert published not in page.context["adminform"].form.fields["survey"].queryset
