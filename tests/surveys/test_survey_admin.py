"""The survey admin: building surveys, counts while open, CSV export, view-only answers, kommun scoping."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse

from surveys.models import Answer, Choice, Question, Response, Survey, SurveySection, TimeOfDay
from tests.admin_forms import admin_form_data
from tests.factories.surveys import (
    choice_of,
    make_closed_survey,
    make_question,
    make_response,
    make_section,
    make_survey,
    make_survey_with_every_kind,
)

pytestmark = pytest.mark.django_db


def admin_url(obj_or_model, view="change"):
    opts = obj_or_model._meta
    args = [obj_or_model.pk] if view in ("change", "delete") else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def surveys(vasterbotten):
    """A survey for Vindeln with two answers, one for Umeå only, and one the two share."""
    vindeln, umea = vasterbotten["vindeln"], vasterbotten["umea"]
    survey, questions = make_survey_with_every_kind(municipalities=[vindeln], title="Trygghet i Vindeln")
    single, multiple = questions["single"], questions["multiple"]
    make_response(
        survey,
        [
            {"question": single, "choice": choice_of(single, "Ganska otrygg")},
            {"question": multiple, "choice": choice_of(multiple, "Nedskräpning")},
            {"question": multiple, "choice": choice_of(multiple, "Fortkörning")},
            {"question": questions["scale"], "scale_value": 2},
            {"question": questions["place"], "place_description": "Busstorget", "time_of_day": TimeOfDay.NIGHT},
            {"question": questions["text"], "text": '=HYPERLINK("http://evil.example")'},
        ],
    )
    make_response(survey, [{"question": single, "choice": choice_of(single, "Mycket trygg")}])
    umea_survey = make_survey(municipalities=[umea], title="Trygghet i Umeå")
    umea_question = make_question(umea_survey)
    make_response(umea_survey, [{"question": umea_question, "choice": umea_question.choices.first()}])
    shared = make_survey(municipalities=[vindeln, umea], title="Gemensam enkät")
    return {"vindeln": survey, "questions": questions, "umea": umea_survey, "shared": shared}


def test_surveys_questions_and_responses_are_in_the_admin():
    registry = admin.site._registry
    assert {Survey, Question, Response} <= set(registry)
    assert {SurveySection, Question} <= {inline.model for inline in registry[Survey].inlines}
    assert Choice in {inline.model for inline in registry[Question].inlines}
    assert Answer in {inline.model for inline in registry[Response].inlines}


@pytest.mark.parametrize("model", [Survey, Question, Response], ids=lambda m: m.__name__)
def test_lists_search_filters_and_pages_open_for_a_national_administrator(admin_client_for, surveys, model):
    changelist = admin_url(model, "changelist")
    assert admin_client_for.get(changelist).status_code == 200
    assert admin_client_for.get(changelist, {"q": "trygg"}).status_code == 200
    obj = model.objects.filter(**({"survey": surveys["vindeln"]} if model is not Survey else {})).first()
    assert admin_client_for.get(admin_url(obj)).status_code == 200


def test_surveys_filter_on_open_and_closed(admin_client_for, surveys):
    closed = make_closed_survey(title="En gammal enkät")
    changelist = admin_url(Survey, "changelist")

    open_now = admin_client_for.get(changelist, {"fas": "open"}).content.decode()
    assert "Trygghet i Vindeln" in open_now and closed.title not in open_now
    closed_only = admin_client_for.get(changelist, {"fas": "closed"}).content.decode()
    assert closed.title in closed_only and "Trygghet i Vindeln" not in closed_only
    by_kommun = admin_client_for.get(changelist, {"municipalities__id__exact": surveys["umea"].municipalities.get().pk})
    assert "Trygghet i Umeå" in by_kommun.content.decode() and "Trygghet i Vindeln" not in by_kommun.content.decode()


def test_the_change_page_shows_counts_per_question_and_choice_while_open(client, surveys, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    html = client.get(admin_url(surveys["vindeln"])).content.decode()

    assert "2 svar hittills." in html
    counts = html[html.index('class="survey-admin-counts"') :]
    single = surveys["questions"]["single"].text
    assert single in counts
    assert "<td>&nbsp;&nbsp;Ganska otrygg</td><td>1</td>" in counts
    assert "<td>&nbsp;&nbsp;Mycket trygg</td><td>1</td>" in counts
    assert "<td>&nbsp;&nbsp;Natt</td><td>1</td>" in counts


def test_a_coordinator_sees_only_surveys_for_their_kommuner(client, surveys, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    listing = client.get(admin_url(Survey, "changelist")).content.decode()

    assert "Trygghet i Vindeln" in listing and "Gemensam enkät" in listing
    assert "Trygghet i Umeå" not in listing


@pytest.mark.parametrize("what", ["survey", "question", "choice", "response"])
def test_a_coordinator_cannot_open_another_kommuns_survey_or_its_parts(client, surveys, coordinator_vindeln, what):
    client.force_login(coordinator_vindeln)
    survey = surveys["umea"]
    question = survey.questions.first()
    obj = {
        "survey": survey,
        "question": question,
        "choice": question.choices.first(),
        "response": survey.responses.first(),
    }[what]
    if what == "choice":  # choices are edited on their question's page
        assert client.get(admin_url(question)).status_code == 404
        return
    assert client.get(admin_url(obj)).status_code == 404


def test_a_police_coordinator_in_umea_cannot_open_vindelns_survey(client, surveys, police_coordinator_umea):
    client.force_login(police_coordinator_umea)
    assert client.get(admin_url(surveys["vindeln"])).status_code == 404
    assert client.get(admin_url(surveys["umea"])).status_code == 200


def test_a_coordinator_adds_a_survey_for_their_own_kommun(client, vasterbotten, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(admin_url(Survey, "add"))
    assert page.status_code == 200
    offered = page.context["adminform"].form.fields["municipalities"].queryset
    assert list(offered) == [vasterbotten["vindeln"]]
    data = admin_form_data(page)
    data.update(
        title="Ny enkät",
        slug="ny-enkat",
        municipalities=[vasterbotten["vindeln"].pk],
        opens_on="2030-03-01",
        closes_on="2030-03-31",
        min_cell_size="5",
    )

    response = client.post(admin_url(Survey, "add"), data)

    assert response.status_code == 302
    assert list(Survey.objects.get(slug="ny-enkat").municipalities.all()) == [vasterbotten["vindeln"]]


def test_a_survey_cannot_close_before_it_opens(admin_client_for, surveys):
    page = admin_client_for.get(admin_url(surveys["vindeln"]))
    data = admin_form_data(page)
    data.update(opens_on="2030-03-31", closes_on="2030-03-01")

    response = admin_client_for.post(admin_url(surveys["vindeln"]), data)

    assert response.status_code == 200
    assert "Enkäten kan inte stänga innan den öppnar." in response.content.decode()


def test_the_results_date_is_set_in_the_admin_and_must_fall_after_closing(admin_client_for, surveys):
    survey = surveys["vindeln"]
    page = admin_client_for.get(admin_url(survey))
    assert "Dagen ni räknar med att publicera resultaten" in page.content.decode()
    data = admin_form_data(page)
    data.update(opens_on="2030-03-01", closes_on="2030-03-31", results_expected_on="2030-03-31")

    refused = admin_client_for.post(admin_url(survey), data)

    assert refused.status_code == 200
    assert "Resultaten kan publiceras tidigast dagen efter att enkäten stänger." in refused.content.decode()
    data.update(results_expected_on="2030-05-15")
    assert admin_client_for.post(admin_url(survey), data).status_code == 302
    survey.refresh_from_db()
    assert str(survey.results_expected_on) == "2030-05-15"


def test_a_question_cannot_be_put_in_another_surveys_section(admin_client_for, surveys):
    question = surveys["questions"]["scale"]
    foreign = make_section(surveys["umea"], title="Främmande avsnitt")
    page = admin_client_for.get(admin_url(question))
    data = admin_form_data(page)
    data["section"] = foreign.pk

    response = admin_client_for.post(admin_url(question), data)

    assert response.status_code == 200
    assert Question.objects.get(pk=question.pk).section != foreign


def export(client, *surveys_to_export):
    return client.post(
        admin_url(Survey, "changelist"),
        {"action": "export_responses", "_selected_action": [survey.pk for survey in surveys_to_export]},
    )


def test_csv_export_has_one_row_per_response_with_free_text(client, surveys, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = export(client, surveys["vindeln"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *data = rows
    questions = surveys["questions"]
    assert header[:3] == ["svar nr", "inskickad", "kommun"]
    assert questions["single"].text in header
    assert f"{questions['place'].text} – plats" in header
    assert len(data) == 2
    # Rows follow the responses' random ids, not the order they came in (tests/surveys/test_survey_untraceable.py).
    assert [row[0] for row in data] == ["1", "2"]
    by_place = {
        row[f"{questions['place'].text} – plats"]: row for row in (dict(zip(header, r, strict=True)) for r in data)
    }
    first = by_place["Busstorget"]
    assert first[questions["single"].text] == "Ganska otrygg"
    assert first[questions["multiple"].text] == "Nedskräpning; Fortkörning"
    assert first[questions["scale"].text] == "2"
    assert first[f"{questions['place'].text} – plats"] == "Busstorget"
    assert first[f"{questions['place'].text} – tid på dygnet"] == "Natt"
    assert first["kommun"] == "Vindeln"
    # Free text is there for coordinators, and a formula in it stays text in a spreadsheet.
    assert first[questions["text"].text] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_export_escapes_a_formula_in_the_header(client, surveys, coordinator_vindeln, start):
    # The header holds the questions as coordinators typed them: a question is a cell like any other, and so is a
    # place question's two columns, which start with its text.
    for kind in ("text", "place"):
        question = surveys["questions"][kind]
        question.text = f"{start}1+1 Vad gör dig otrygg?"
        question.save()
    client.force_login(coordinator_vindeln)

    response = export(client, surveys["vindeln"])

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    text = f"{start}1+1 Vad gör dig otrygg?"
    assert {f"'{text}", f"'{text} – plats", f"'{text} – tid på dygnet"} <= set(header)
    assert not [cell for cell in header if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_csv_export_of_another_kommuns_survey_exports_nothing(client, surveys, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    response = export(client, surveys["umea"])

    assert response.status_code == 302  # back to the list with a message, no file
    assert response.get("Content-Type", "").startswith("text/html")


def test_csv_export_takes_one_survey_at_a_time(admin_client_for, surveys):
    response = export(admin_client_for, surveys["vindeln"], surveys["umea"])
    assert response.status_code == 302
    follow = admin_client_for.get(response["Location"])
    assert "Välj en enkät i taget att exportera." in follow.content.decode()


def test_responses_are_view_only_even_for_a_national_administrator(admin_client_for, surveys):
    stored = surveys["vindeln"].responses.first()
    page = admin_client_for.get(admin_url(stored))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client_for.post(admin_url(stored), {"survey": surveys["umea"].pk}).status_code == 403
    assert admin_client_for.get(admin_url(Response, "add")).status_code == 403
    assert admin_client_for.post(admin_url(stored, "delete"), {"post": "yes"}).status_code == 403
    assert Response.objects.filter(pk=stored.pk, survey=surveys["vindeln"]).exists()


def test_a_coordinator_may_hide_more_but_never_less_than_the_national_threshold(client, surveys, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    survey = surveys["vindeln"]
    data = admin_form_data(client.get(admin_url(survey)))

    data["min_cell_size"] = "2"
    refused = client.post(admin_url(survey), data)
    assert refused.status_code == 200
    assert "Minst 5: färre svar än så visas aldrig" in refused.content.decode()

    data["min_cell_size"] = "10"
    assert client.post(admin_url(survey), data).status_code == 302
    survey.refresh_from_db()
    assert survey.min_cell_size == 10
