"""Suggestions in the admin: coordinators read only their own kommuner's, mark and archive them, never add."""

import pytest
from django.urls import reverse

from surveys.models import Suggestion
from tests.factories.dialogues import make_suggestion

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:surveys_suggestion_changelist")


def change_url(suggestion):
    return reverse("admin:surveys_suggestion_change", args=[suggestion.pk])


@pytest.fixture
def suggestions(vasterbotten):
    return {
        "vindeln": make_suggestion(municipality=vasterbotten["vindeln"], text="Belysning vid skolan i Vindeln."),
        "umea": make_suggestion(municipality=vasterbotten["umea"], text="Fler vuxna ute på kvällarna i Umeå."),
    }


def test_coordinator_sees_only_their_kommuns_suggestions(client, coordinator_vindeln, suggestions):
    client.force_login(coordinator_vindeln)

    content = client.get(CHANGELIST).content.decode()

    assert "Belysning vid skolan i Vindeln." in content
    assert "Fler vuxna ute på kvällarna i Umeå." not in content


def test_coordinator_cannot_open_another_kommuns_suggestion_by_url(client, coordinator_vindeln, suggestions):
    client.force_login(coordinator_vindeln)

    assert client.get(change_url(suggestions["umea"])).status_code == 404
    assert client.post(change_url(suggestions["umea"]), {"state": "archived"}).status_code == 404
    assert client.get(change_url(suggestions["vindeln"])).status_code == 200
    suggestions["umea"].refresh_from_db()
    assert suggestions["umea"].state == Suggestion.State.NEW


def test_coordinator_changes_state_and_note_but_not_what_the_resident_wrote(client, coordinator_vindeln, suggestions):
    client.force_login(coordinator_vindeln)
    suggestion = suggestions["vindeln"]

    response = client.post(
        change_url(suggestion), {"state": "forwarded", "note": "Till gatukontoret.", "text": "Ändrad text"}
    )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.FORWARDED
    assert suggestion.note == "Till gatukontoret."
    assert suggestion.text == "Belysning vid skolan i Vindeln."


@pytest.mark.parametrize("user_fixture", ["coordinator_vindeln", "national_admin"])
def test_nobody_adds_suggestions_in_the_admin(client, request, suggestions, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.get(reverse("admin:surveys_suggestion_add")).status_code == 403


@pytest.mark.parametrize(("action", "state"), [("mark_read", "read"), ("mark_archived", "archived")])
def test_actions_mark_read_and_archive_only_within_the_coordinators_kommuner(
    client, coordinator_vindeln, suggestions, action, state
):
    client.force_login(coordinator_vindeln)

    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [suggestions["vindeln"].pk, suggestions["umea"].pk]},
    )

    assert response.status_code == 302
    suggestions["vindeln"].refresh_from_db()
    suggestions["umea"].refresh_from_db()
    assert suggestions["vindeln"].state == state
    assert suggestions["umea"].state == Suggestion.State.NEW


def test_filters_and_search_work(admin_client_for, suggestions, vasterbotten):
    for params in ({"state__exact": "new"}, {"municipality__id__exact": vasterbotten["umea"].pk}, {"q": "skolan"}):
        response = admin_client_for.get(CHANGELIST, params)
        assert response.status_code == 200
    content = admin_client_for.get(CHANGELIST, {"q": "skolan"}).content.decode()
    assert "Belysning vid skolan i Vindeln." in content
    assert "Fler vuxna" not in content


def test_staff_without_kommun_sees_no_suggestions(client, staff_without_kommun, suggestions):
    client.force_login(staff_without_kommun)

    response = client.get(CHANGELIST)

    assert response.status_code == 403
