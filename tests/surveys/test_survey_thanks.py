"""/enkater/<slug>/tack/: the thank-you page says what happens to the answers and when the results come."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests.factories.surveys import make_survey

pytestmark = pytest.mark.django_db


def thanks_text(resident, survey):
    response = resident.get(reverse("survey_thanks", kwargs={"slug": survey.slug}))
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()).replace(" .", ".")


def test_the_thanks_page_gives_the_date_of_the_results(resident):
    expected = timezone.localdate() + datetime.timedelta(days=45)
    survey = make_survey(results_expected_on=expected)

    text = thanks_text(resident, survey)

    assert f"Resultaten publiceras {date_format(expected, 'j F Y')}." in text
    assert f"Enkäten är öppen till och med {date_format(survey.closes_on, 'j F Y')}." in text


def test_without_a_date_the_thanks_page_says_none_is_set(resident):
    survey = make_survey()

    text = thanks_text(resident, survey)

    assert "Kommunen och polisen har inte bestämt när resultaten publiceras." in text
    assert "Resultaten publiceras " not in text


def test_the_thanks_page_links_to_the_list_of_surveys(resident):
    survey = make_survey()

    html = resident.get(reverse("survey_thanks", kwargs={"slug": survey.slug})).content.decode()

    assert f'href="{reverse("survey_list")}"' in html


def test_the_thanks_page_is_in_english_too(resident):
    expected = timezone.localdate() + datetime.timedelta(days=45)
    survey = make_survey(results_expected_on=expected)

    response = resident.get(f"/en/enkater/{survey.slug}/tack/")

    assert response.status_code == 200
    assert "The results will be published on" in response.content.decode()
