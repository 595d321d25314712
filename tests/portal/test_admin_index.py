"""The admin start page: everything waiting for this person, per kommun, with links to the filtered lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AccessibilityFeedback, Organisation
from surveys.models import Moderation, Suggestion
from tests.factories import make_coordinator, make_full_period, make_municipality
from tests.factories.dialogues import make_suggestion, make_unsafe_place

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
PLACES = reverse("admin:surveys_unsafeplace_changelist")
SUGGESTIONS = reverse("admin:surveys_suggestion_changelist")
FEEDBACK = reverse("admin:portal_accessibilityfeedback_changelist")


@pytest.fixture
def residents_input(vasterbotten):
    """Two place reports and a suggestion waiting in Vindeln, one of each in Umeå, and some already dealt with."""
    vindeln, umea = vasterbotten["vindeln"], vasterbotten["umea"]
    for title in ("Gångtunneln", "Busshållplatsen"):
        make_unsafe_place(municipality=vindeln, title=title, moderation=Moderation.PENDING)
    make_unsafe_place(municipality=vindeln, title="Godkänd", moderation=Moderation.APPROVED)
    make_suggestion(municipality=vindeln, text="Mer belysning")
    make_suggestion(municipality=vindeln, text="Redan läst", state=Suggestion.State.READ)
    make_unsafe_place(municipality=umea, title="Umeå väntar", moderation=Moderation.PENDING)
    make_suggestion(municipality=umea, text="Umeå-synpunkt")
    AccessibilityFeedback.objects.create(problem="Knappen går inte att nå med tangentbordet.")
    AccessibilityFeedback.objects.create(problem="Redan hanterad.", handled=True)
    return vasterbotten


def todo_section(response):
    page = response.content.decode()
    return re.search(r'<section class="todo".*?</section>', page, re.S).group(0)


def test_coordinator_sees_their_own_kommuns_input_with_links_to_the_filtered_lists(
    client, coordinator_vindeln, residents_input
):
    client.force_login(coordinator_vindeln)
    vindeln = residents_input["vindeln"]

    todo = todo_section(client.get(INDEX))

    assert "Vindelns kommun:" in todo
    places_link = f"{PLACES}?municipality__id__exact={vindeln.pk}&amp;moderation__exact=pending"
    suggestions_link = f"{SUGGESTIONS}?municipality__id__exact={vindeln.pk}&amp;state__exact=new"
    assert f'<a href="{places_link}">2 rapporter om otrygga platser väntar på granskning</a>' in todo
    assert f'<a href="{suggestions_link}">1 ny synpunkt att läsa</a>' in todo
    assert "Umeå" not in todo
    assert "tillgänglighet" not in todo  # national administrators' business


def test_the_links_open_exactly_the_rows_counted(client, coordinator_vindeln, residents_input):
    client.force_login(coordinator_vindeln)
    vindeln = residents_input["vindeln"]

    places = client.get(PLACES, {"municipality__id__exact": vindeln.pk, "moderation__exact": "pending"})
    suggestions = client.get(SUGGESTIONS, {"municipality__id__exact": vindeln.pk, "state__exact": "new"})

    assert sorted(place.title for place in places.context["cl"].result_list) == ["Busshållplatsen", "Gångtunneln"]
    assert [suggestion.text for suggestion in suggestions.context["cl"].result_list] == ["Mer belysning"]


def test_the_follow_ups_come_first_then_residents_input(client, coordinator_vindeln, residents_input):
    client.force_login(coordinator_vindeln)

    todo = todo_section(client.get(INDEX))

    assert todo.index("Uppföljningen för 2024") < todo.index("Från invånarna: att läsa")


def test_national_admin_sees_every_kommun_and_accessibility_feedback(admin_client_for, residents_input):
    todo = todo_section(admin_client_for.get(INDEX))

    assert todo.index("Umeå kommun:") < todo.index("Vindelns kommun:")
    assert "1 rapport om en otrygg plats väntar på granskning" in todo
    assert f'<a href="{FEEDBACK}?handled__exact=0">1 synpunkt om tillgänglighet är inte hanterad</a>' in todo


def test_nothing_waiting_leaves_no_residents_part(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    todo = todo_section(client.get(INDEX))

    assert "Från invånarna" not in todo


def test_staff_without_kommun_sees_no_ones_input(client, staff_without_kommun, residents_input):
    client.force_login(staff_without_kommun)

    response = client.get(INDEX)

    assert "Från invånarna" not in response.content.decode()


def _coordinator_with_kommuner(count):
    kommuner = []
    for n in range(count):
        municipality = make_municipality(name=f"Kommun {count}-{n}", slug=f"kommun-{count}-{n}")
        make_full_period(
            municipality=municipality,
            start_year=2022,
            end_year=2024,
            focus_areas=2,
            activities=2,
            follow_up_years=[2022],
        )
        for moderation in (Moderation.PENDING, Moderation.PENDING, Moderation.APPROVED):
            make_unsafe_place(municipality=municipality, moderation=moderation)
        make_suggestion(municipality=municipality)
        kommuner.append(municipality)
    return make_coordinator(kommuner, Organisation.POLICE, username=f"polis-{count}").user


def _index_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX)
    assert response.status_code == 200
    return len(queries), response


def test_start_page_query_count_does_not_grow_with_the_kommuner(client, db):
    few, _response = _index_queries(client, _coordinator_with_kommuner(2))
    many, response = _index_queries(client, _coordinator_with_kommuner(6))

    assert todo_section(response).count("väntar på granskning") == 6
    assert many == few
    # Session, user, coordinator, its kommuner (scoping), the periods and their follow-ups (promises' part), the
    # user's group and own permissions (two queries, once), one grouped count each for places and suggestions, the
    # kommuner's names for "Inloggad som", the recent-actions box, and the session's save (savepoint, update,
    # release). A query per kommun anywhere would show up as a difference above.
    assert many == 15
