"""`manage.py delete_old_accessibility_feedback`: feedback older than the statement says is deleted."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal import accessibility
from portal.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def run(*args):
    out = io.StringIO()
    call_command("delete_old_accessibility_feedback", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def feedback(monkeypatch):
    monkeypatch.setattr(accessibility, "FEEDBACK_RETENTION_DAYS", 30)
    return {
        name: AccessibilityFeedback.objects.create(problem=name, submitted_on=days_ago(days), handled=handled)
        for name, days, handled in [
            ("today", 0, False),
            ("on_the_day", 30, True),
            ("one_day_too_old", 31, False),
            ("ancient_and_handled", 400, True),
        ]
    }


def test_feedback_older_than_the_retention_is_deleted_whether_handled_or_not(feedback):
    output = run()

    assert set(AccessibilityFeedback.objects.values_list("problem", flat=True)) == {"today", "on_the_day"}
    assert "Raderade 2 synpunkter om tillgänglighet" in output
    assert "30 dagar" in output


def test_dry_run_counts_but_deletes_nothing(feedback):
    output = run("--dry-run")

    assert AccessibilityFeedback.objects.count() == 4
    assert "2 synpunkter om tillgänglighet" in output
    assert "skulle raderas" in output
    assert "Inget raderades" in output


def test_running_again_deletes_nothing_more(feedback):
    run()

    assert "Raderade 0 synpunkter" in run()
    assert AccessibilityFeedback.objects.count() == 2


def test_the_statement_states_the_same_retention_as_the_command_uses(client, feedback):
    content = client.get("/tillganglighet/").content.decode()

    assert "vi raderar det efter 30 dagar" in " ".join(content.split())
