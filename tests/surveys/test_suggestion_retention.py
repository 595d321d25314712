"""`manage.py delete_old_suggestions`: suggestions older than SUGGESTION_RETENTION_DAYS are deleted."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.models import Suggestion
from tests.factories.dialogues import make_suggestion

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def run(*args):
    out = io.StringIO()
    call_command("delete_old_suggestions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def suggestions(settings):
    settings.SUGGESTION_RETENTION_DAYS = 30
    return {
        "today": make_suggestion(submitted_on=days_ago(0)),
        "on_the_day": make_suggestion(submitted_on=days_ago(30)),
        "one_day_too_old": make_suggestion(submitted_on=days_ago(31)),
        "ancient": make_suggestion(submitted_on=days_ago(400)),
    }


def test_suggestions_older_than_the_retention_are_deleted_and_counted(suggestions):
    output = run()

    remaining = set(Suggestion.objects.values_list("pk", flat=True))
    assert remaining == {suggestions["today"].pk, suggestions["on_the_day"].pk}
    assert "Raderade 2 synpunkter" in output
    assert "30 dagar" in output


def test_dry_run_counts_but_deletes_nothing(suggestions):
    output = run("--dry-run")

    assert Suggestion.objects.count() == 4
    assert "2 synpunkter" in output
    assert "skulle raderas" in output
    assert "Inget raderades" in output


def test_running_again_deletes_nothing_more(suggestions):
    run()

    assert "Raderade 0 synpunkter" in run()
    assert Suggestion.objects.count() == 2


def test_the_retention_setting_decides(suggestions, settings):
    settings.SUGGESTION_RETENTION_DAYS = 365

    run()

    assert Suggestion.objects.count() == 3
