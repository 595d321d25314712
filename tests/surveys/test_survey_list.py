"""/enkater/: per kommun, the surveys open now, those awaiting results (with their date) and the published results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.views.survey import KOMMUNER_PER_PAGE
from tests.factories import make_municipality
from tests.factories.surveys import make_closed_survey, make_survey

pytestmark = pytest.mark.django_db

URL = "/enkater/"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def kommuner():
    return {
        "vindeln": make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln"),
        "umea": make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea"),
    }


def section_of(html, municipality):
    start = html.index(f'id="kommun-{municipality.slug}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_the_address_is_enkater_in_swedish_and_english():
    assert reverse("survey_list") == URL
    assert reverse("survey_list").replace("/enkater/", "/en/enkater/") == "/en/enkater/"


def test_lists_open_surveys_awaiting_results_and_published_results_per_kommun(resident, kommuner):
    vindeln, umea = kommuner["vindeln"], kommuner["umea"]
    open_survey = make_survey(municipalities=[vindeln], title="Trygghetsenkät 2026", results_expected_on=days(60))
    awaiting = make_closed_survey(municipalities=[vindeln], title="Enkät som väntar", results_expected_on=days(10))
    published = make_closed_survey(municipalities=[umea, vindeln], title="Enkät 2024", results_published=True)

    response = resident.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Umeå kommun</h2>") < html.index("Vindelns kommun</h2>")
    in_vindeln = section_of(html, vindeln)
    assert open_survey.get_absolute_url() in in_vindeln
    assert f"Resultaten publiceras {days(60):%-d} " in in_vindeln
    assert awaiting.get_absolute_url() in in_vindeln
    assert "Stängda, resultaten kommer" in in_vindeln
    results_url = reverse("survey_results", kwargs={"slug": published.slug})
    assert results_url in in_vindeln
    # A survey of two kommuner stands under each.
    in_umea = section_of(html, umea)
    assert results_url in in_umea
    assert open_survey.get_absolute_url() not in in_umea
    assert vindeln.get_absolute_url() in in_vindeln


def test_upcoming_and_long_closed_surveys_without_results_are_not_listed(resident, kommuner):
    vindeln = kommuner["vindeln"]
    make_survey(municipalities=[vindeln], title="Kommande enkät", opens_on=days(5), closes_on=days(30))
    make_closed_survey(municipalities=[vindeln], title="Glömd enkät", opens_on=days(-800), closes_on=days(-700))

    html = resident.get(URL).content.decode()

    assert "Kommande enkät" not in html
    assert "Glömd enkät" not in html
    assert "Ingen trygghetsundersökning är öppen" in html


def test_published_results_are_not_listed_as_results_while_the_survey_is_open(resident, kommuner):
    survey = make_survey(municipalities=[kommuner["vindeln"]], results_published=True)

    html = resident.get(URL).content.decode()

    assert reverse("survey_results", kwargs={"slug": survey.slug}) not in html
    assert survey.get_absolute_url() in html


def test_overdue_results_are_called_overdue_not_promised_again(resident, kommuner):
    make_closed_survey(
        municipalities=[kommuner["vindeln"]], closes_on=days(-30), opens_on=days(-60), results_expected_on=days(-5)
    )

    html = resident.get(URL).content.decode()

    assert "men är inte publicerade ännu" in html


def test_the_kommun_filter_shows_one_kommun(resident, kommuner):
    vindeln, umea = kommuner["vindeln"], kommuner["umea"]
    in_vindeln = make_survey(municipalities=[vindeln], title="Vindelns enkät")
    in_umea = make_survey(municipalities=[umea], title="Umeås enkät")

    html = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert in_vindeln.get_absolute_url() in html
    assert in_umea.get_absolute_url() not in html
    assert '<option value="vindeln" selected>' in html
    assert "<title>Trygghetsundersökningar i Vindelns kommun" in html


def test_a_kommun_without_surveys_says_so(resident, kommuner):
    make_survey(municipalities=[kommuner["umea"]])

    html = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert "Vindelns kommun har ingen trygghetsundersökning öppen" in html


def test_an_unknown_kommun_lists_every_kommun_and_says_so(resident, kommuner):
    survey = make_survey(municipalities=[kommuner["umea"]])

    response = resident.get(URL, {"kommun": "finns-inte"})

    assert response.status_code == 200
    html = response.content.decode()
    assert survey.get_absolute_url() in html
    assert "Vi kände inte igen kommunen" in html


def test_titles_are_escaped(resident, kommuner):
    make_survey(municipalities=[kommuner["umea"]], title="<script>alert(1)</script>")

    html = resident.get(URL).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_english_page_is_in_english(resident, kommuner):
    make_survey(municipalities=[kommuner["umea"]])

    response = resident.get("/en/enkater/")

    assert response.status_code == 200
    assert "<h1>Safety surveys" in response.content.decode()


def test_the_kommun_page_links_to_its_surveys(resident, kommuner):
    html = resident.get(kommuner["vindeln"].get_absolute_url()).content.decode()

    assert f'href="{URL}?kommun=vindeln"' in html


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(resident, django_assert_num_queries, size):
    for n in range(size):
        municipalities = [make_municipality(), make_municipality()]
        make_survey(municipalities=municipalities, results_expected_on=days(60))
        make_closed_survey(municipalities=municipalities, results_published=True)
        make_closed_survey(municipalities=municipalities[:1], results_expected_on=days(n + 1))

    # kommuner for the filter, the surveys, their kommuner
    with django_assert_num_queries(3):
        response = resident.get(URL)

    assert response.status_code == 200
    assert response.content.decode().count('class="survey-list-municipality"') == min(2 * size, KOMMUNER_PER_PAGE)


def test_the_national_list_comes_a_page_of_kommuner_at_a_time(resident):
    municipalities = [make_municipality(name=f"Kommun {n:02}", slug=f"kommun-{n:02}") for n in range(30)]
    make_survey(municipalities=municipalities, results_expected_on=days(60))

    first = resident.get(URL).content.decode()
    second = resident.get(URL, {"sida": "2"}).content.decode()

    assert first.count('class="survey-list-municipality"') == KOMMUNER_PER_PAGE
    assert 'id="kommun-kommun-00"' in first and 'id="kommun-kommun-25"' not in first
    assert second.count('class="survey-list-municipality"') == 30 - KOMMUNER_PER_PAGE
    assert 'id="kommun-kommun-25"' in second and 'id="kommun-kommun-29"' in second
    assert '<nav aria-label="Fler kommuner med trygghetsundersökningar" class="list-pages">' in first
    assert "Sida 1 av 2" in first and 'href="?sida=2" rel="next"' in first
    assert 'href="?sida=1" rel="prev"' in second
    # A page that does not exist shows the last one; one kommun's list has no pages.
    assert 'id="kommun-kommun-29"' in resident.get(URL, {"sida": "99"}).content.decode()
    assert "list-pages" not in resident.get(URL, {"kommun": "kommun-29"}).content.decode()
