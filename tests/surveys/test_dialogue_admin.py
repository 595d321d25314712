"""Dialogues in the admin: scoped to the coordinator's kommuner, with the ”Ni sa – vi gjorde” record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import Activity
from surveys.models import Dialogue
from tests.factories.dialogues import make_dialogue

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:surveys_dialogue_changelist")
ADD = reverse("admin:surveys_dialogue_add")


def change_url(dialogue):
    return reverse("admin:surveys_dialogue_change", args=[dialogue.pk])


@pytest.fixture
def dialogues(vasterbotten):
    return {
        "vindeln": make_dialogue(municipality=vasterbotten["vindeln"], title="Trygghetsvandring i Vindeln"),
        "umea": make_dialogue(municipality=vasterbotten["umea"], title="Medborgardialog på Ikea"),
    }


def test_coordinator_sees_only_their_kommuns_dialogues(client, coordinator_vindeln, dialogues):
    client.force_login(coordinator_vindeln)

    content = client.get(CHANGELIST).content.decode()

    assert "Trygghetsvandring i Vindeln" in content
    assert "Medborgardialog på Ikea" not in content


def test_coordinator_cannot_open_another_kommuns_dialogue_by_url(client, coordinator_vindeln, dialogues):
    client.force_login(coordinator_vindeln)

    assert client.get(change_url(dialogues["umea"])).status_code == 404
    assert client.get(reverse("admin:surveys_dialogue_delete", args=[dialogues["umea"].pk])).status_code == 404
    assert client.get(change_url(dialogues["vindeln"])).status_code == 200


def test_coordinator_adds_a_dialogue_only_in_their_own_kommun(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)
    data = {
        "kind": "safety_walk",
        "title": "Trygghetsvandring i centrum",
        "published": "on",
        "starts_at_0": "2031-05-12",
        "starts_at_1": "18:00",
        "ends_at_0": "2031-05-12",
        "ends_at_1": "20:00",
        "place": "Samling vid busstationen",
        "description": "",
        "heard": "",
        "not_taken_up": "",
        "source": "",
    }

    refused = client.post(ADD, {**data, "municipality": vasterbotten["umea"].pk})
    accepted = client.post(ADD, {**data, "municipality": vasterbotten["vindeln"].pk})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    dialogue = Dialogue.objects.get()
    assert dialogue.municipality == vasterbotten["vindeln"]
    assert timezone.localtime(dialogue.starts_at).hour == 18


def test_change_page_has_the_two_fieldsets_and_help_for_coordinators(admin_client_for, dialogues):
    content = admin_client_for.get(change_url(dialogues["vindeln"])).content.decode()

    assert "Tid och plats" in content
    assert "Ni sa – vi gjorde" in content
    assert "Skriv aldrig namn" in content
    assert "Kopplingen görs från aktiviteten" in content
    assert "Inga aktiviteter är kopplade ännu." in content


def test_change_page_lists_the_activities_the_dialogue_led_to(admin_client_for, dialogues, vasterbotten):
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    activity.from_dialogues.add(dialogues["vindeln"])

    content = admin_client_for.get(change_url(dialogues["vindeln"])).content.decode()

    assert reverse("admin:promises_activity_change", args=[activity.pk]) in content
    assert str(activity) in content


@pytest.fixture
def dialogues_to_filter(vasterbotten):
    soon = timezone.now() + datetime.timedelta(days=7)
    make_dialogue(municipality=vasterbotten["umea"], title="Nästa vecka", kind="safety_walk", starts_at=soon)
    make_dialogue(municipality=vasterbotten["umea"], title="Medborgardialog på Ikea")
    make_dialogue(municipality=vasterbotten["vindeln"], title="Utkast i Vindeln", published=False)


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, {"Nästa vecka", "Medborgardialog på Ikea", "Utkast i Vindeln"}),
        ({"nar": "kommande"}, {"Nästa vecka"}),
        ({"nar": "tidigare"}, {"Medborgardialog på Ikea", "Utkast i Vindeln"}),
        ({"kind__exact": "safety_walk"}, {"Nästa vecka"}),
        ({"published__exact": "1"}, {"Nästa vecka", "Medborgardialog på Ikea"}),
        ({"q": "Ikea"}, {"Medborgardialog på Ikea"}),
        ({"nar": "tidigare", "published__exact": "1"}, {"Medborgardialog på Ikea"}),
    ],
)
def test_filters_and_search_return_exactly_the_matching_dialogues(
    admin_client_for, dialogues_to_filter, params, titles
):
    response = admin_client_for.get(CHANGELIST, params)

    assert response.status_code == 200
    assert {dialogue.title for dialogue in response.context["cl"].result_list} == titles


def test_changelist_query_count_does_not_grow(admin_client_for, vasterbotten, django_assert_max_num_queries):
    for _ in range(20):
        make_dialogue(municipality=vasterbotten["umea"])
    with django_assert_max_num_queries(15):
        assert admin_client_for.get(CHANGELIST).status_code == 200
