"""/dialoger/<pk>/: one dialogue or safety walk, and afterwards the ”Ni sa – vi gjorde” record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import Publication
from surveys.models import Dialogue
from tests.factories import make_activity, make_focus_area, make_municipality, make_period
from tests.factories.dialogues import make_dialogue, stockholm

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


def test_page_shows_kind_kommun_time_place_and_description(resident, umea):
    dialogue = make_dialogue(
        municipality=umea,
        kind=Dialogue.Kind.SAFETY_WALK,
        title="Trygghetsvandring i centrum",
        starts_at=stockholm(2016, 4, 16, 12),
        ends_at=stockholm(2016, 4, 16, 15),
        place="Centrum",
        description="Ta chansen att komma och berätta hur du upplever tryggheten.",
    )

    response = resident.get(dialogue.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Trygghetsvandring i centrum" in content
    assert "Trygghetsvandring" in content
    assert "Umeå kommun" in content
    assert "lördag 16 april 2016, kl. 12.00" in content
    assert "15.00" in content
    assert "Centrum" in content
    assert "Ta chansen att komma och berätta hur du upplever tryggheten." in content
    assert umea.get_absolute_url() in content


def test_url_is_dialoger_and_the_pk():
    assert reverse("dialogue_detail", kwargs={"pk": 7}) == "/dialoger/7/"


def test_unpublished_dialogue_is_not_found(resident, umea):
    dialogue = make_dialogue(municipality=umea, published=False)

    assert resident.get(dialogue.get_absolute_url()).status_code == 404


def test_missing_dialogue_is_not_found(resident):
    assert resident.get("/dialoger/999999/").status_code == 404
    assert resident.get("/dialoger/abc/").status_code == 404


def test_upcoming_dialogue_has_no_feedback_section_yet_but_links_the_calendar(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(7), heard="Skrivet i förväg.")

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Ni sa – vi gjorde" not in content
    assert "har inte ägt rum ännu" in content
    assert reverse("dialogue_calendar_municipality", kwargs={"municipality_slug": "umea"}) in content


def test_shortly_after_a_dialogue_without_feedback_it_says_it_is_not_published_yet(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(-7))

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Ni sa – vi gjorde" in content
    assert "Återkopplingen är inte publicerad ännu" in content


def test_past_dialogue_shows_what_was_heard_what_it_led_to_and_what_was_not_taken_up(resident, umea):
    period = make_period(municipality=umea, start_year=2017, end_year=2018, title="Medborgarlöften 2017–2018")
    activity = make_activity(make_focus_area(period), title="Belysning i gångtunnlar", text="Kommunen lovar ljus.")
    dialogue = make_dialogue(
        municipality=umea,
        starts_at=in_days(-300),
        heard="Många kände sig otrygga i gångtunnlarna på kvällen.",
        not_taken_up="Fler poliser på nätterna: det beslutar inte kommunen.",
    )
    activity.from_dialogues.add(dialogue)

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Återkopplingen är inte publicerad ännu" not in content
    assert "Ni sa</h3>" in content
    assert "Många kände sig otrygga i gångtunnlarna på kvällen." in content
    assert "Det här ledde till</h3>" in content
    assert "Belysning i gångtunnlar" in content
    assert f"{period.get_absolute_url()}#activity-{activity.pk}" in content
    assert "Medborgarlöften 2017–2018, Umeå kommun" in content
    assert "Det här gick vi inte vidare med</h3>" in content
    assert "Fler poliser på nätterna: det beslutar inte kommunen." in content


def test_an_empty_part_of_the_record_says_so(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(-30), heard="Belysningen togs upp.")

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Belysningen togs upp." in content
    assert "Inga löften är kopplade till tillfället ännu." in content
    assert "Inget är inskrivet här ännu." in content


def test_activities_of_a_draft_period_are_not_shown(resident, umea):
    draft = make_period(municipality=umea, published=False, start_year=2027, end_year=2028)
    activity = make_activity(make_focus_area(draft), title="Hemligt utkast")
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(-30))
    activity.from_dialogues.add(dialogue)

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Hemligt utkast" not in content
    assert "Återkopplingen är inte publicerad ännu" in content


def test_published_periods_that_rest_on_the_dialogue_are_linked_and_drafts_are_not(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(-30))
    published = make_period(municipality=umea, start_year=2017, end_year=2018, title="Löftet som bygger på den")
    draft = make_period(municipality=umea, start_year=2019, end_year=2020, published=False, title="Utkastlöfte")
    published.dialogues.add(dialogue)
    draft.dialogues.add(dialogue)

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Löftet som bygger på den" in content
    assert published.get_absolute_url() in content
    assert "Utkastlöfte" not in content
    assert draft.publication == Publication.DRAFT


def test_page_links_to_the_kommuns_suggestion_form(resident, umea):
    dialogue = make_dialogue(municipality=umea)

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert reverse("suggestion_create", kwargs={"municipality_slug": "umea"}) in content


def test_user_text_is_escaped(resident, umea):
    dialogue = make_dialogue(
        municipality=umea, starts_at=in_days(-3), heard="<script>alert(1)</script>", description="<b>fet</b>"
    )

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content
    assert "<b>fet</b>" not in content


@pytest.mark.parametrize("size", [1, 15])
def test_dialogue_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, umea, size):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(-30), heard="Belysning.")
    for index in range(size):
        period = make_period(municipality=umea, start_year=2016 + index, end_year=2016 + index)
        period.dialogues.add(dialogue)
        for _ in range(3):
            make_activity(make_focus_area(period)).from_dialogues.add(dialogue)
    # the dialogue with its kommun, the activities it led to (with their periods), the periods resting on it.
    with django_assert_num_queries(3):
        response = resident.get(dialogue.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("#activity-") == 3 * size


def test_a_past_dialogue_says_it_took_place_and_quotes_the_invitation(resident, umea):
    dialogue = make_dialogue(
        municipality=umea,
        title="Medborgardialog om trygghet",
        starts_at=stockholm(2016, 2, 27, 12),
        ends_at=stockholm(2016, 2, 27, 15),
        place="Coop Forum",
        description="Ta chansen att komma och berätta hur du upplever tryggheten i Umeå kommun.",
    )

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "<strong>Dialogen hölls</strong>" in content
    assert "lördag 27 februari 2016, kl. 12.00" in content
    invitation = content[content.index('<figure class="dialogue-invitation">') : content.index("</figure>")]
    assert "<figcaption>Så löd inbjudan före tillfället:</figcaption>" in invitation
    assert "<blockquote" in invitation
    assert "Ta chansen att komma" in invitation
    # Nowhere else on the page does the invitation read as current.
    assert content.count("Ta chansen att komma") == 1


def test_a_past_safety_walk_says_the_walk_took_place(resident, umea):
    dialogue = make_dialogue(municipality=umea, kind=Dialogue.Kind.SAFETY_WALK, starts_at=in_days(-3))

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "<strong>Trygghetsvandringen hölls</strong>" in content


def test_an_upcoming_dialogue_shows_its_invitation_as_the_description(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=in_days(7), description="Ta chansen att komma!")

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert '<div class="dialogue-description">' in content
    assert "dialogue-invitation" not in content
    assert "hölls" not in content


def test_long_after_a_dialogue_without_feedback_it_says_none_was_published(resident, umea):
    dialogue = make_dialogue(municipality=umea, starts_at=stockholm(2016, 2, 27, 12))

    content = resident.get(dialogue.get_absolute_url()).content.decode()

    assert "Ingen återkoppling publicerades efter tillfället." in content
    assert "Återkopplingen är inte publicerad ännu" not in content
