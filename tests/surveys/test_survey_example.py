"""manage.py load_example_survey: one invented survey for Vindeln, labelled as an example, safe to run again."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from surveys.models import Question, Survey

pytestmark = pytest.mark.django_db


def test_the_example_survey_is_open_labelled_and_has_every_kind_of_question(resident, vasterbotten):
    call_command("load_example_survey", verbosity=0)

    survey = Survey.objects.get()
    today = timezone.localdate()
    assert survey.title.startswith("Exempel:")
    assert survey.introduction.startswith("Exempel.")
    assert (survey.opens_on, survey.closes_on) == (today, today + datetime.timedelta(days=60))
    assert list(survey.municipalities.all()) == [vasterbotten["vindeln"]]
    assert survey.sections.count() == 2
    assert sorted(survey.questions.values_list("kind", flat=True)) == sorted(Question.Kind.values)
    page = resident.get(survey.get_absolute_url())
    assert page.status_code == 200
    assert "Exempel: Trygghetsundersökning" in page.content.decode()


def test_running_it_again_creates_nothing_new(vasterbotten):
    call_command("load_example_survey", verbosity=0)
    call_command("load_example_survey", verbosity=0)

    assert Survey.objects.count() == 1
    assert Question.objects.count() == len(Question.Kind.values)


def test_it_needs_the_content_first(db):
    with pytest.raises(CommandError, match="load_content"):
        call_command("load_example_survey", verbosity=0)
