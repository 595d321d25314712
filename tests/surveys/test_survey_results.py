"""/enkater/<slug>/resultat/: published results of a closed survey, with small counts hidden."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from surveys.models import Question, TimeOfDay
from tests.factories import make_municipality
from tests.factories.surveys import (
    choice_of,
    make_closed_survey,
    make_question,
    make_responses,
    make_section,
    make_survey,
)

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Grannen på Storgatan 4 säljer narkotika"
SECRET_PLACE = "Bakom Storgatan 4"


def url_of(survey):
    return reverse("survey_results", kwargs={"slug": survey.slug})


def answers_for(questions):
    """30 respondents: 'Trygg' 20, 'Varken eller' 7, 'Otrygg' 3 on the single-choice question."""
    single, text, place, scale = questions["single"], questions["text"], questions["place"], questions["scale"]
    trygg, varken, otrygg = (choice_of(single, text) for text in ("Trygg", "Varken eller", "Otrygg"))

    def answers(i):
        choice = trygg if i < 20 else varken if i < 27 else otrygg
        rows = [
            {"question": single, "choice": choice},
            {"question": scale, "scale_value": 1 + i % 5},
            {"question": text, "text": SECRET_TEXT},
        ]
        if i < 20:
            time_of_day = TimeOfDay.NIGHT if i < 12 else TimeOfDay.EVENING if i < 18 else TimeOfDay.DAY
            rows.append({"question": place, "place_description": SECRET_PLACE, "time_of_day": time_of_day})
        if i < 2:
            rows.append({"question": questions["rare"], "choice": questions["rare"].choices.first()})
        return rows

    return answers


@pytest.fixture
def published():
    """A closed survey with published results and 30 responses."""
    survey = make_closed_survey(results_published=True)
    section = make_section(survey, title="Trygghet")
    questions = {
        "single": make_question(survey, Question.Kind.SINGLE, section=section, text="Hur trygg känner du dig?"),
        "scale": make_question(survey, Question.Kind.SCALE, section=section, text="Hur nöjd är du med belysningen?"),
        "text": make_question(survey, Question.Kind.TEXT, section=section, text="Berätta fritt om din oro"),
        "place": make_question(survey, Question.Kind.PLACE, section=section, text="Var känner du dig otrygg?"),
        "rare": make_question(survey, Question.Kind.SINGLE, section=section, text="En fråga som få svarade på"),
    }
    make_responses(survey, 30, answers_for(questions))
    return survey, questions


def table_rows(html, question_text):
    """{row label: (count cell, share cell)} from the table following the question's heading."""
    start = html.index(f">{question_text}")
    table = html[html.index("<table", start) : html.index("</table>", start)]
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', table, re.S)
    return {label.strip(): (count.strip(), share.strip()) for label, count, share in rows}


def test_published_results_show_counts_and_shares_with_small_counts_hidden(resident, published):
    survey, _questions = published
    response = resident.get(url_of(survey))

    assert response.status_code == 200
    html = response.content.decode()
    assert "30 personer svarade." in html
    rows = table_rows(html, "Hur trygg känner du dig?")
    assert rows["Trygg"] == ("20", "67&nbsp;%")
    # 3 is below 5, and with the total (30) and Trygg (20) it would give Varken eller away: both hidden.
    assert rows["Varken eller"][0] == rows["Otrygg"][0] == "visas inte"
    assert rows["Antal som svarade"][0] == "30"
    assert "”Visas inte” betyder färre än 5 svar" in html


def test_each_chart_is_an_svg_image_with_a_summary_and_a_table_with_the_same_numbers(resident, published):
    survey, questions = published
    html = resident.get(url_of(survey)).content.decode()

    pk = questions["single"].pk
    assert f'<svg class="survey-chart-svg" role="img" aria-labelledby="diagram-{pk}"' in html
    title = re.search(rf'<title id="diagram-{pk}">(.*?)</title>', html).group(1)
    assert title == "Stapeldiagram, andel av 30 svarande: Trygg 67 procent; Varken eller visas inte; Otrygg visas inte."
    chart = html[html.index(f'aria-labelledby="diagram-{pk}"') : html.index("</svg>", html.index(f"diagram-{pk}"))]
    assert 'width="67%"' in chart
    assert chart.count('class="survey-chart-bar"') == 1  # hidden rows are not drawn
    caption = '<span class="visually-hidden">Hur trygg känner du dig?: </span>Antal svar och andel av dem som svarade'
    assert f"<caption>{caption}</caption>" in html
    assert '<th scope="col">Svar</th>' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_free_text_and_place_descriptions_are_never_public(resident, published):
    survey, _questions = published
    html = resident.get(url_of(survey)).content.decode()

    assert SECRET_TEXT not in html
    assert "Berätta fritt om din oro" not in html
    assert SECRET_PLACE not in html
    assert "Svar i fritext publiceras inte." in html


def test_a_place_question_shows_only_the_time_of_day(resident, published):
    survey, _questions = published
    html = resident.get(url_of(survey)).content.decode()

    rows = table_rows(html, "Var känner du dig otrygg? – tid på dygnet")
    assert rows["Natt"] == ("12", "60&nbsp;%")
    # Day (2) is below 5; evening (6) is hidden with it, or 20 − 12 − 6 would give day away.
    assert rows["Dag"][0] == rows["Kväll"][0] == "visas inte"


def test_a_question_answered_by_too_few_is_not_shown_at_all(resident, published):
    survey, _questions = published
    html = resident.get(url_of(survey)).content.decode()

    start = html.index(">En fråga som få svarade på")
    section = html[start : html.index("</section>", start)]
    assert "Färre än 5 personer svarade på frågan, så svaren visas inte." in section
    assert "<table" not in section and "<svg" not in section


def test_a_survey_with_its_own_threshold_hides_more(resident, published):
    survey, _questions = published
    survey.min_cell_size = 10
    survey.save()
    html = resident.get(url_of(survey)).content.decode()

    assert table_rows(html, "Hur trygg känner du dig?")["Trygg"][0] == "20"
    assert "”Visas inte” betyder färre än 10 svar" in html


def test_a_survey_answered_by_too_few_shows_no_results(resident):
    survey = make_closed_survey(results_published=True)
    question = make_question(survey)
    make_responses(survey, 4, lambda i: [{"question": question, "choice": question.choices.first()}])

    html = resident.get(url_of(survey)).content.decode()

    assert "Färre än 5 personer svarade på enkäten, så inga resultat visas." in html
    assert "<table" not in html


def test_no_results_while_the_survey_is_open_even_if_published(resident):
    survey = make_survey(results_published=True)
    response = resident.get(url_of(survey))
    assert response.status_code == 404
    assert "<table" not in response.content.decode()


@pytest.mark.parametrize("state", ["open", "closed"])
def test_a_results_address_before_publication_explains_and_gives_the_date(resident, state):
    today = timezone.localdate()
    expected = today + datetime.timedelta(days=40)
    make = make_survey if state == "open" else make_closed_survey
    survey = make(results_expected_on=expected, title="Trygghetsenkät 2026")

    response = resident.get(url_of(survey))

    # 404 for search engines and link checkers: nothing to index yet. For the resident, a page that explains.
    assert response.status_code == 404
    html = response.content.decode()
    assert "Resultaten är inte publicerade ännu" in html
    assert "Trygghetsenkät 2026" in html
    assert f"Resultaten publiceras {date_format(expected, 'j F Y')}." in html
    assert '<meta name="robots" content="noindex, follow">' in html
    if state == "open":
        assert f'href="{survey.get_absolute_url()}"' in html
        assert "Resultaten visas aldrig medan den är öppen" in html
    else:
        assert "Kommunen och polisen sammanställer svaren." in html


def test_no_results_on_the_last_day_either(resident):
    today = timezone.localdate()
    survey = make_survey(opens_on=today - datetime.timedelta(days=5), closes_on=today, results_published=True)
    assert resident.get(url_of(survey)).status_code == 404


def test_no_results_for_a_closed_survey_until_they_are_published(resident):
    survey = make_closed_survey(results_published=False)
    assert resident.get(url_of(survey)).status_code == 404


def test_an_unknown_survey_has_no_results(resident):
    assert resident.get("/enkater/finns-inte/resultat/").status_code == 404


def big_published_survey(questions_per_kind, respondents):
    survey = make_closed_survey(results_published=True)
    sections = [make_section(survey) for _ in range(3)]
    questions = [
        make_question(survey, kind, section=sections[i % 3])
        for i in range(questions_per_kind)
        for kind in Question.Kind.values
    ]
    choices = {question.pk: list(question.choices.all()) for question in questions}

    def answers(i):
        for question in questions:
            if question.kind == Question.Kind.SINGLE:
                yield {"question": question, "choice": choices[question.pk][i % 3]}
            elif question.kind == Question.Kind.MULTIPLE:
                yield from ({"question": question, "choice": choice} for choice in choices[question.pk][: 1 + i % 3])
            elif question.kind == Question.Kind.SCALE:
                yield {"question": question, "scale_value": 1 + i % 5}
            elif question.kind == Question.Kind.PLACE:
                yield {"question": question, "place_description": "Torget", "time_of_day": TimeOfDay.values[i % 3]}
            else:
                yield {"question": question, "text": "Fritext"}

    make_responses(survey, respondents, answers)
    return survey


# survey with its response count, kommuner, sections, questions, choices, counts per cell, respondents per question,
# and the kommun's other surveys with public results (for questions repeated over the years)
RESULTS_PAGE_QUERIES = 8


@pytest.mark.parametrize(("size", "respondents"), [(1, 6), (10, 200)], ids=["5 questions", "50 questions"])
def test_the_results_page_takes_a_fixed_number_of_queries(resident, django_assert_num_queries, size, respondents):
    survey = big_published_survey(size, respondents)

    with django_assert_num_queries(RESULTS_PAGE_QUERIES):
        response = resident.get(url_of(survey))

    assert response.status_code == 200
    assert response.content.decode().count('role="img"') == 4 * size  # every kind but free text


def render_link(survey):
    return render_to_string("surveys/includes/_survey_link.html", {"survey": survey})


def test_the_survey_link_goes_to_results_if_public_else_to_the_survey_page_which_says_when():
    today = timezone.localdate()
    published = make_closed_survey(title="Enkät 2024", results_published=True)
    open_survey = make_survey(title="Enkät 2026")
    closed = make_closed_survey(title="Enkät 2025")
    upcoming = make_survey(
        title="Enkät 2027", opens_on=today + datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=9)
    )

    assert f'href="{url_of(published)}"' in render_link(published)
    assert f'href="{open_survey.get_absolute_url()}"' in render_link(open_survey)
    # The survey's own page says when it opens, or when its results come (test_survey_closed.py).
    for survey in (closed, upcoming):
        html = render_link(survey)
        assert f'href="{survey.get_absolute_url()}"' in html and survey.title in html


# --- The same question over the years -------------------------------------------------------------------------

QUESTION = "Hur trygg känner du dig ute en kväll?"


def yearly_survey(municipality, year, trygg, otrygg, *, text=QUESTION, published=True, min_cell_size=5):
    """A closed survey of `year` asking QUESTION, with `trygg` and `otrygg` answers."""
    survey = make_survey(
        municipalities=[municipality],
        title=f"Trygghetsundersökning {year}",
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 3, 31),
        results_published=published,
        min_cell_size=min_cell_size,
    )
    question = make_question(survey, Question.Kind.SINGLE, text=text, choices=["Trygg", "Otrygg"])
    make_question(survey, Question.Kind.SCALE, text=f"En fråga bara {year} ställde")
    yes, no = choice_of(question, "Trygg"), choice_of(question, "Otrygg")
    make_responses(survey, trygg + otrygg, lambda i: [{"question": question, "choice": yes if i < trygg else no}])
    return survey


def series_table(html):
    start = html.index('class="table table-sm survey-table survey-series-table"')
    return html[start : html.index("</table>", start)]


def test_a_repeated_question_shows_the_years_side_by_side_as_indicators(resident):
    kommun = make_municipality()
    old = yearly_survey(kommun, 2022, trygg=12, otrygg=8)
    yearly_survey(kommun, 2023, trygg=8, otrygg=12, text="  hur trygg känner du dig ute en  KVÄLL?")
    current = yearly_survey(kommun, 2024, trygg=15, otrygg=15)

    html = resident.get(url_of(current)).content.decode()

    table = series_table(html)
    headers = re.findall(r'<th scope="col" class="survey-number">(.*?)</th>', table)
    assert headers[0] == f'<a href="{url_of(old)}">2022</a>'
    assert headers[1].endswith(">2023</a>")
    assert headers[2] == "2024"  # this page's own year, not a link
    trygg = re.search(r'<th scope="row">Trygg</th>(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r"(\d+)&nbsp;%", trygg) == ["60", "40", "50"]
    assert "Indikatorer över åren." in html
    assert "De visar inte vad medborgarlöftet har åstadkommit" in html
    # Questions asked one year only have no series.
    assert html.count("survey-series-table") == 1


def test_the_years_keep_their_own_small_count_suppression(resident):
    kommun = make_municipality()
    yearly_survey(kommun, 2022, trygg=9, otrygg=2)  # 2 is below the threshold of 5
    yearly_survey(kommun, 2023, trygg=3, otrygg=1)  # fewer respondents than the threshold: not shown at all
    current = yearly_survey(kommun, 2024, trygg=10, otrygg=10)

    table = series_table(resident.get(url_of(current)).content.decode())

    assert ">2022</a>" in table and ">2023</a>" not in table
    otrygg = re.search(r'<th scope="row">Otrygg</th>(.*?)</tr>', table, re.S).group(1)
    assert "visas inte" in otrygg
    assert ">2<" not in otrygg


def test_unpublished_and_other_kommuns_surveys_are_not_in_the_series(resident):
    kommun = make_municipality()
    yearly_survey(kommun, 2022, trygg=10, otrygg=10, published=False)
    yearly_survey(make_municipality(), 2023, trygg=10, otrygg=10)
    current = yearly_survey(kommun, 2024, trygg=10, otrygg=10)

    html = resident.get(url_of(current)).content.decode()

    assert "survey-series-table" not in html
    assert "Indikatorer över åren." not in html


def test_the_series_costs_a_fixed_number_of_queries_per_repeating_survey(resident, django_assert_num_queries):
    kommun = make_municipality()
    for year in (2021, 2022, 2023):
        yearly_survey(kommun, year, trygg=10, otrygg=10)
    yearly_survey(kommun, 2020, trygg=10, otrygg=10, text="En annan fråga")  # repeats nothing: not read
    current = yearly_survey(kommun, 2024, trygg=10, otrygg=10)

    # the page's own, the repeated questions, and per repeating survey its sections, questions, choices and counts
    with django_assert_num_queries(RESULTS_PAGE_QUERIES + 1 + 3 * 5):
        response = resident.get(url_of(current))

    assert response.content.decode().count("survey-series-table") == 1


def test_the_results_counts_are_read_from_one_index_of_the_answers():
    """surveys/results.py counts a survey's answers per cell and its respondents per question: every column those
    counts read is in the index answer_counts (surveys 0007), which starts with the question, so that both are
    index-only scans of one survey's answers rather than a scan of every answer."""
    from surveys.models import Answer

    (index,) = [index for index in Answer._meta.indexes if index.name == "answer_counts"]
    assert index.fields == ["question", "choice", "scale_value", "time_of_day", "response"]
    assert not Answer._meta.get_field("question").db_index  # the index above starts with it
