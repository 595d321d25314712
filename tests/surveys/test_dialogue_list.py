"""/dialoger/: upcoming and past dialogues and safety walks, filtered by kommun, with links to the calendars."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Dialogue
from tests.factories import make_municipality
from tests.factories.dialogues import make_dialogue, stockholm

pytestmark = pytest.mark.django_db

URL = reverse("dialogue_list")


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def kommuner():
    return {
        "umea": make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea"),
        "vindeln": make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln"),
    }


def test_upcoming_and_past_dialogues_are_listed_separately_and_link_to_their_pages(resident, kommuner):
    upcoming = make_dialogue(municipality=kommuner["umea"], title="Trygghetsvandring i Ersboda", starts_at=in_days(10))
    past = make_dialogue(municipality=kommuner["umea"], title="Medborgardialog på Ikea", starts_at=in_days(-100))

    content = resident.get(URL).content.decode()

    kommande, tidigare = content.split('id="kommande"')[1].split('id="tidigare"')
    assert "Trygghetsvandring i Ersboda" in kommande and "Medborgardialog på Ikea" not in kommande
    assert "Medborgardialog på Ikea" in tidigare and "Trygghetsvandring i Ersboda" not in tidigare
    assert upcoming.get_absolute_url() in content
    assert past.get_absolute_url() in content


def test_upcoming_come_soonest_first_and_past_latest_first(resident, kommuner):
    for days, title in [(30, "Kommande B"), (5, "Kommande A"), (-5, "Tidigare A"), (-30, "Tidigare B")]:
        make_dialogue(municipality=kommuner["umea"], title=title, starts_at=in_days(days))

    content = resident.get(URL).content.decode()

    positions = [content.index(title) for title in ("Kommande A", "Kommande B", "Tidigare A", "Tidigare B")]
    assert positions == sorted(positions)


def test_time_is_shown_in_swedish_time_and_date_format(resident, kommuner):
    make_dialogue(
        municipality=kommuner["umea"],
        starts_at=datetime.datetime(2016, 2, 27, 11, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2016, 2, 27, 14, tzinfo=datetime.UTC),
        place="Coop Forum",
    )

    content = resident.get(URL).content.decode()

    assert "lördag 27 februari 2016, kl. 12.00" in content
    assert "15.00" in content
    assert "Coop Forum, Umeå kommun" in content


def test_kind_is_shown(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], kind=Dialogue.Kind.SAFETY_WALK)

    assert "Trygghetsvandring" in resident.get(URL).content.decode()


def test_filter_by_kommun_shows_only_that_kommuns_dialogues_and_its_calendar(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], title="Dialog i Umeå")
    make_dialogue(municipality=kommuner["vindeln"], title="Dialog i Vindeln")

    content = resident.get(URL, {"kommun": "vindeln"}).content.decode()

    assert "Dialog i Vindeln" in content
    assert "Dialog i Umeå" not in content
    assert '<option value="vindeln" selected>' in content
    assert reverse("dialogue_calendar_municipality", kwargs={"municipality_slug": "vindeln"}) in content
    assert reverse("suggestion_create", kwargs={"municipality_slug": "vindeln"}) in content


def test_the_kommun_select_has_a_label(resident, kommuner):
    content = resident.get(URL).content.decode()

    assert '<label for="dialogue-kommun"' in content
    assert 'id="dialogue-kommun" name="kommun"' in content


@pytest.mark.parametrize("value", ["finns-inte", "", "<script>", "umea' OR 1=1", "x" * 500])
def test_an_unknown_kommun_is_ignored_and_everything_is_shown(resident, kommuner, value):
    make_dialogue(municipality=kommuner["umea"], title="Dialog i Umeå")
    make_dialogue(municipality=kommuner["vindeln"], title="Dialog i Vindeln")

    response = resident.get(URL, {"kommun": value})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Dialog i Umeå" in content and "Dialog i Vindeln" in content
    assert "<script>" not in content


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999"])
def test_a_bad_page_number_never_fails(resident, kommuner, page):
    make_dialogue(municipality=kommuner["umea"], starts_at=in_days(-3))

    assert resident.get(URL, {"sida": page}).status_code == 200


def test_past_dialogues_are_paged(resident, kommuner):
    for day in range(25):
        make_dialogue(municipality=kommuner["umea"], title=f"Dialog nummer {day:02d}", starts_at=in_days(-1 - day))

    first = resident.get(URL).content.decode()
    second = resident.get(URL, {"sida": 2}).content.decode()

    assert "Dialog nummer 00" in first and "Dialog nummer 24" not in first
    assert "Dialog nummer 24" in second and "Dialog nummer 00" not in second
    assert "Sida 1 av 2" in first


def test_unpublished_dialogues_are_not_listed(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], title="Inte bestämd ännu", published=False, starts_at=in_days(3))

    assert "Inte bestämd ännu" not in resident.get(URL).content.decode()


def test_the_calendar_for_all_kommuner_is_linked(resident, kommuner):
    assert reverse("dialogue_calendar") in resident.get(URL).content.decode()


def test_empty_lists_say_so(resident, kommuner):
    content = resident.get(URL).content.decode()

    assert "Inga kommande dialoger eller trygghetsvandringar är inlagda just nu." in content
    assert "Inga tidigare dialoger eller trygghetsvandringar finns i portalen." in content


def test_user_text_is_escaped(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], title="<script>alert(1)</script>", place="<b>Torget</b>")

    content = resident.get(URL).content.decode()

    assert "<script>alert" not in content
    assert "<b>Torget</b>" not in content


@pytest.mark.parametrize("size", [1, 40])
def test_dialogue_list_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    municipalities = [make_municipality() for _ in range(3)]
    for index in range(size):
        for municipality in municipalities:
            make_dialogue(municipality=municipality, starts_at=in_days(index - size // 2))
    # kommuner for the select, upcoming, count of past, one page of past.
    with django_assert_num_queries(4):
        response = resident.get(URL)
    assert response.status_code == 200
    with django_assert_num_queries(4):
        response = resident.get(URL, {"kommun": municipalities[0].slug})
    assert response.status_code == 200


def test_past_dialogues_are_listed_as_held_and_upcoming_ones_are_not(resident):
    municipality = make_municipality()
    make_dialogue(municipality=municipality, title="Den gamla", starts_at=stockholm(2016, 2, 27, 12))
    make_dialogue(municipality=municipality, title="Den nya", starts_at=timezone.now() + datetime.timedelta(days=9))

    content = resident.get(reverse("dialogue_list")).content.decode()

    past = content[content.index('id="tidigare"') :]
    upcoming = content[content.index('id="kommande"') : content.index('id="tidigare"')]
    assert "Den gamla" in past and "Hölls <time" in past
    assert "Den nya" in upcoming and "Hölls" not in upcoming
