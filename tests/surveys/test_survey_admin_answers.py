"""Whose answers a coordinator reads in the survey admin: only those of respondents from their own kommuner.

A survey shared by Vindeln and Umeå is seen by both kommuners' coordinators, but Umeå's residents' answers, free
text above all, are not Vindeln's to read: not in the counts, the list of answers, its search, a response's page or
the CSV file. A national administrator reads them all; the public results count everyone, suppressed as always.
"""

import csv
import io

import pytest
from django.urls import reverse

from surveys.models import Question, Survey
from tests.factories import make_coordinator
from tests.factories.surveys import choice_of, make_closed_survey, make_question, make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(vasterbotten):
    """A closed shared survey with published results: one answer from Vindeln, two from Umeå."""
    vindeln, umea = vasterbotten["vindeln"], vasterbotten["umea"]
    survey = make_closed_survey(municipalities=[vindeln, umea], title="Gemensam enkät", results_published=True)
    survey.min_cell_size = 1
    survey.save()
    single = make_question(survey, text="Hur trygg känner du dig?", choices=["Trygg", "Otrygg"])
    text = make_question(survey, Question.Kind.TEXT, text="Vad kan bli bättre?")
    make_response(
        survey,
        [{"question": single, "choice": choice_of(single, "Trygg")}, {"question": text, "text": "Vindelns önskan"}],
        municipality=vindeln,
    )
    for wish in ("Umeås hemlighet", "Umeås andra önskan"):
        make_response(
            survey,
            [{"question": single, "choice": choice_of(single, "Otrygg")}, {"question": text, "text": wish}],
            municipality=umea,
        )
    return survey


def test_the_counts_on_the_change_page_are_of_their_own_residents(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)

    html = client.get(reverse("admin:surveys_survey_change", args=[shared.pk])).content.decode()

    assert "1 svar hittills." in html
    assert "<td>&nbsp;&nbsp;Trygg</td><td>1</td>" in html
    assert "<td>&nbsp;&nbsp;Otrygg</td><td>0</td>" in html
    assert "Här räknas bara svaren från invånare i dina kommuner." in html


def test_the_survey_list_counts_their_own_residents(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)
    listing = client.get(reverse("admin:surveys_survey_changelist"))
    assert [survey._response_count for survey in listing.context["cl"].result_list] == [1]


def test_the_list_of_answers_has_only_their_own_residents(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)
    url = reverse("admin:surveys_response_changelist")

    listing = client.get(url)
    assert [response.municipality.name for response in listing.context["cl"].result_list] == ["Vindeln"]
    assert client.get(url, {"q": "Umeås hemlighet"}).context["cl"].result_count == 0


def test_another_kommuns_residents_answer_is_not_found(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)
    umea_response = shared.responses.get(answers__text="Umeås hemlighet")
    own = shared.responses.get(answers__text="Vindelns önskan")

    assert client.get(reverse("admin:surveys_response_change", args=[umea_response.pk])).status_code == 404
    page = client.get(reverse("admin:surveys_response_change", args=[own.pk]))
    assert page.status_code == 200
    assert "Vindelns önskan" in page.content.decode()


def export(client, survey):
    response = client.post(
        reverse("admin:surveys_survey_changelist"), {"action": "export_responses", "_selected_action": [survey.pk]}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_file_has_only_their_own_residents_answers(client, coordinator_vindeln, shared):
    client.force_login(coordinator_vindeln)

    _header, *rows = export(client, shared)

    assert len(rows) == 1
    assert rows[0][2] == "Vindeln"
    assert "Vindelns önskan" in rows[0]
    assert "Umeås hemlighet" not in str(rows)


def test_a_coordinator_of_both_kommuner_reads_both(client, vasterbotten, shared):
    both = make_coordinator([vasterbotten["vindeln"], vasterbotten["umea"]], username="polis-umea-omrade").user
    client.force_login(both)
    assert len(export(client, shared)) == 1 + 3


def test_a_national_administrator_reads_every_answer(admin_client_for, shared):
    _header, *rows = export(admin_client_for, shared)
    assert len(rows) == 3
    html = admin_client_for.get(reverse("admin:surveys_survey_change", args=[shared.pk])).content.decode()
    assert "3 svar hittills." in html
    listing = admin_client_for.get(reverse("admin:surveys_response_changelist"))
    assert listing.context["cl"].result_count == 3


def test_the_public_results_still_count_every_resident(resident, shared):
    html = resident.get(reverse("survey_results", kwargs={"slug": shared.slug})).content.decode()
    assert Survey.objects.with_published_results().filter(pk=shared.pk).exists()
    assert "3 personer" in html or "av 3 svarande" in html
    assert "Umeås hemlighet" not in html  # free text is never public
