"""A survey shared by several kommuner is changed only by a national administrator.

Vindeln's coordinator sees the survey Vindeln shares with Umeå (with Vindeln's residents' answers only,
tests/surveys/test_survey_admin_answers.py) but cannot change its questions, dates or kommuner, nor delete it; and a
coordinator picks only one of their own kommuner for a survey, so never makes one shared.
"""

import pytest
from django.urls import reverse

from surveys.models import Question, Survey
from tests.admin_forms import admin_form_data
from tests.factories import make_coordinator
from tests.factories.surveys import make_question, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(vasterbotten):
    survey = make_survey(municipalities=[vasterbotten["vindeln"], vasterbotten["umea"]], title="Gemensam enkät")
    make_question(survey, text="Hur trygg känner du dig?")
    return survey


def url(obj, view="change"):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def test_a_coordinator_sees_a_shared_survey_read_only_and_is_told_why(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)

    page = client.get(url(shared))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "Enkäten gäller flera kommuner, så bara en nationell administratör kan ändra den." in html
    assert "Umeå" in html  # whom it is shared with


def test_a_coordinators_post_to_a_shared_survey_is_refused(client, coordinator_vindeln, national_admin, shared):
    client.force_login(national_admin)
    data = admin_form_data(client.get(url(shared)))
    data.update(title="Vindelns enkät nu", closes_on="2099-12-31")
    client.force_login(coordinator_vindeln)

    response = client.post(url(shared), data)

    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Gemensam enkät"
    assert shared.municipalities.count() == 2


def test_a_coordinator_cannot_delete_a_shared_survey(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)
    assert client.post(url(shared, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "delete_selected", "_selected_action": [shared.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)  # the confirmation page refusing, or back to the list
    assert Survey.objects.filter(pk=shared.pk).exists()


def test_a_coordinator_cannot_change_or_delete_a_shared_surveys_question(client, coordinator_vindeln, shared):
    question = shared.questions.get()
    client.force_login(coordinator_vindeln)

    page = client.get(url(question))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url(question), {"survey": shared.pk, "kind": "single", "text": "Ny"}).status_code == 403
    assert client.post(url(question, "delete"), {"post": "yes"}).status_code == 403
    question.refresh_from_db()
    assert question.text == "Hur trygg känner du dig?"


def test_a_coordinator_cannot_add_a_question_to_a_shared_survey(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(reverse("admin:surveys_question_add")))
    data.update(survey=shared.pk, kind=Question.Kind.TEXT, text="En fråga till", order="9")

    response = client.post(reverse("admin:surveys_question_add"), data)

    assert response.status_code == 200
    assert "survey" in response.context["adminform"].form.errors
    assert shared.questions.count() == 1


def test_a_national_administrator_changes_a_shared_survey(admin_client_for, shared):
    data = admin_form_data(admin_client_for.get(url(shared)))
    data["title"] = "Gemensam enkät, ny rubrik"

    response = admin_client_for.post(url(shared), data)

    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Gemensam enkät, ny rubrik"
    assert shared.municipalities.count() == 2


def test_a_coordinator_cannot_add_another_kommun_to_their_survey(client, coordinator_vindeln, vasterbotten):
    own = make_survey(municipalities=[vasterbotten["vindeln"]], title="Vindelns enkät")
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url(own)))
    data["municipalities"] = [vasterbotten["vindeln"].pk, vasterbotten["umea"].pk]

    response = client.post(url(own), data)

    assert response.status_code == 200
    assert list(own.municipalities.all()) == [vasterbotten["vindeln"]]


def test_a_coordinator_of_two_kommuner_picks_one_of_them(client, vasterbotten):
    both = make_coordinator([vasterbotten["vindeln"], vasterbotten["umea"]], username="polis-omradet").user
    client.force_login(both)
    data = admin_form_data(client.get(reverse("admin:surveys_survey_add")))
    data.update(
        title="Ny enkät",
        slug="ny-enkat",
        municipalities=[vasterbotten["vindeln"].pk, vasterbotten["umea"].pk],
        opens_on="2030-03-01",
        closes_on="2030-03-31",
        min_cell_size="5",
    )

    refused = client.post(reverse("admin:surveys_survey_add"), data)

    assert refused.status_code == 200
    assert "Välj en kommun. En enkät för flera kommuner läggs upp och ändras av en nationell administratör." in (
        refused.content.decode()
    )
    assert not Survey.objects.filter(slug="ny-enkat").exists()
    data["municipalities"] = [vasterbotten["umea"].pk]
    assert client.post(reverse("admin:surveys_survey_add"), data).status_code == 302
    assert list(Survey.objects.get(slug="ny-enkat").municipalities.all()) == [vasterbotten["umea"]]


def test_a_coordinator_still_changes_their_own_kommuns_survey(client, coordinator_vindeln, vasterbotten):
    own = make_survey(municipalities=[vasterbotten["vindeln"]], title="Vindelns enkät")
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(url(own)))
    data["title"] = "Vindelns enkät, ny rubrik"

    assert client.post(url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.title == "Vindelns enkät, ny rubrik"


def test_the_question_forms_survey_autocomplete_offers_no_shared_survey(client, coordinator_vindeln, shared):
    own = make_survey(municipalities=[shared.municipalities.get(slug="vindeln")], title="Vindelns enkät")
    client.force_login(coordinator_vindeln)

    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "surveys", "model_name": "question", "field_name": "survey", "term": "enkät"},
    ).json()

    assert [result["text"] for result in found["results"]] == [own.title]
