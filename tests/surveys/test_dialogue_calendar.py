"""/dialoger/kalender.ics and /dialoger/kalender/<kommun>.ics: iCalendar feeds that calendar apps can read."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar, Event

from surveys.calendar import dialogue_calendar_ical, dialogue_uid
from tests.factories import dialogues as dialogue_factories
from tests.factories import make_municipality
from tests.factories.dialogues import stockholm

pytestmark = pytest.mark.django_db

ALL_URL = reverse("dialogue_calendar")


NEXT_YEAR = timezone.localdate().year + 1


def make_dialogue(**fields):
    """A dialogue next year unless the test says when: the feed for all kommuner has only the coming ones and
    the last year's (the factory's default is in 2016)."""
    fields.setdefault("starts_at", stockholm(NEXT_YEAR, 2, 27, 12))
    return dialogue_factories.make_dialogue(**fields)


def feed_url(slug):
    return reverse("dialogue_calendar_municipality", kwargs={"municipality_slug": slug})


def events(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def kommuner():
    return {
        "umea": make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea"),
        "vindeln": make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln"),
    }


def test_urls():
    assert ALL_URL == "/dialoger/kalender.ics"
    assert feed_url("umea") == "/dialoger/kalender/umea.ics"


def test_feed_is_text_calendar_and_parses(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"])

    response = resident.get(ALL_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, _ = events(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]


def test_each_event_has_uid_times_summary_location_description_and_url_back_to_its_page(resident, kommuner):
    dialogue = make_dialogue(
        municipality=kommuner["umea"],
        title="Medborgardialog om trygghet",
        starts_at=stockholm(NEXT_YEAR, 2, 27, 12),
        ends_at=stockholm(NEXT_YEAR, 2, 27, 15),
        place="Coop Forum",
        description="Ta chansen att komma och berätta.",
    )

    _, by_uid = events(resident.get(ALL_URL))

    event = by_uid[f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == stockholm(NEXT_YEAR, 2, 27, 12)
    assert end == stockholm(NEXT_YEAR, 2, 27, 15)
    assert start.utcoffset() == datetime.timedelta(hours=1)  # CET in February
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert str(event["SUMMARY"]) == "Medborgardialog om trygghet"
    assert str(event["LOCATION"]) == "Coop Forum, Umeå kommun"
    assert "Ta chansen att komma och berätta." in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://testserver/dialoger/{dialogue.pk}/"
    assert event.get("DTSTAMP") is not None


def test_the_time_zone_is_described_in_the_feed(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], starts_at=stockholm(NEXT_YEAR, 7, 1, 18), ends_at=None)

    calendar, by_uid = events(resident.get(ALL_URL))
    (event,) = by_uid.values()

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert event.decoded("DTSTART").astimezone(ZoneInfo("UTC")) == datetime.datetime(
        NEXT_YEAR, 7, 1, 16, tzinfo=ZoneInfo("UTC")
    )
    assert "DTEND" not in event  # no end time was given, so none is invented


def test_uid_is_stable_between_requests(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"])

    first = set(events(resident.get(ALL_URL))[1])
    second = set(events(resident.get(ALL_URL))[1])

    assert first == second


def test_kommun_feed_has_only_that_kommuns_events(resident, kommuner):
    umea = make_dialogue(municipality=kommuner["umea"])
    vindeln = make_dialogue(municipality=kommuner["vindeln"])

    _, by_uid = events(resident.get(feed_url("vindeln")))
    _, everything = events(resident.get(ALL_URL))

    assert set(by_uid) == {f"dialogue-{vindeln.pk}@{settings.CALENDAR_UID_DOMAIN}"}
    assert set(everything) == {
        f"dialogue-{umea.pk}@{settings.CALENDAR_UID_DOMAIN}",
        f"dialogue-{vindeln.pk}@{settings.CALENDAR_UID_DOMAIN}",
    }


def test_kommun_feed_is_named_for_the_kommun(resident, kommuner):
    calendar, _ = events(resident.get(feed_url("vindeln")))

    assert "Vindelns kommun" in str(calendar["X-WR-CALNAME"])


def test_unknown_kommun_feed_is_not_found(resident, kommuner):
    assert resident.get(feed_url("finns-inte")).status_code == 404


def test_unpublished_dialogues_are_left_out(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"], published=False)

    for url in (ALL_URL, feed_url("umea")):
        _, by_uid = events(resident.get(url))
        assert by_uid == {}


def test_empty_feed_still_parses_and_is_valid_with_its_time_zone_as_the_one_component(resident, kommuner):
    calendar, by_uid = events(resident.get(feed_url("umea")))

    assert by_uid == {}
    assert calendar["VERSION"] == "2.0"
    # RFC 5545 3.6: "icalbody = calprops component", at least one component.
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert zone.to_tz().utcoffset(datetime.datetime(2026, 7, 1)) == datetime.timedelta(hours=2)


def test_dtstamp_and_last_modified_are_the_dialogues_last_change_not_the_time_of_the_request(resident, kommuner):
    dialogue = make_dialogue(municipality=kommuner["umea"])
    changed = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    type(dialogue).objects.filter(pk=dialogue.pk).update(updated_at=changed)

    first = resident.get(ALL_URL)
    _, by_uid = events(first)
    (event,) = by_uid.values()

    assert event.decoded("DTSTAMP") == changed
    assert event.decoded("LAST-MODIFIED") == changed
    assert first["Last-Modified"] == http_date(changed.timestamp())
    assert resident.get(ALL_URL).content == first.content  # byte for byte, so the ETag is the same


def test_saving_a_dialogue_moves_its_dtstamp(resident, kommuner):
    dialogue = make_dialogue(municipality=kommuner["umea"])
    type(dialogue).objects.filter(pk=dialogue.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    dialogue.refresh_from_db()
    dialogue.title = "Ny rubrik"
    dialogue.save()

    (event,) = events(resident.get(ALL_URL))[1].values()

    assert event.decoded("DTSTAMP") > timezone.now() - datetime.timedelta(minutes=5)


@pytest.mark.parametrize("url", [ALL_URL, "/dialoger/kalender/umea.ics", "/dialoger/kalender/vindeln.ics"])
def test_a_conditional_request_gets_304_until_a_dialogue_changes(resident, kommuner, url):
    dialogue = make_dialogue(municipality=kommuner["umea"])
    first = resident.get(url)
    assert first["ETag"]

    not_modified = resident.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    if "Last-Modified" in first:
        assert resident.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    dialogue.title = "Flyttad till torget"
    dialogue.save()
    changed = resident.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == (200 if url != "/dialoger/kalender/vindeln.ics" else 304)


@override_settings(PAGE_CACHE_SECONDS=300)
def test_304_from_the_page_cache_too(resident, kommuner):
    make_dialogue(municipality=kommuner["umea"])
    first = resident.get(ALL_URL)
    again = resident.get(ALL_URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_uids_do_not_depend_on_the_host_the_feed_was_fetched_from(resident, kommuner):
    dialogue = make_dialogue(municipality=kommuner["umea"])

    seen = [set(events(resident.get(ALL_URL, HTTP_HOST=host))[1]) for host in ("testserver", "localhost")]

    assert seen[0] == seen[1] == {f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"}
    assert "testserver" not in settings.CALENDAR_UID_DOMAIN


def test_user_text_is_escaped_by_the_library(resident, kommuner):
    nasty = "Möte; med komma, semikolon\nBEGIN:VEVENT\nUID:inbakad"
    dialogue = make_dialogue(
        municipality=kommuner["umea"], title=nasty, place="Torget, norra; sidan", description=nasty
    )

    _, by_uid = events(resident.get(ALL_URL))

    assert set(by_uid) == {f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"}
    event = by_uid[f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"]
    assert str(event["SUMMARY"]) == nasty
    assert str(event["LOCATION"]) == "Torget, norra; sidan, Umeå kommun"


def test_the_2016_umea_dialogues_from_the_content_are_in_the_umea_feed(resident):
    call_command("load_content", verbosity=0)

    _, by_uid = events(resident.get(feed_url("umea")))

    starts = sorted(event.decoded("DTSTART") for event in by_uid.values())
    assert starts == [stockholm(2016, month, day, 12) for month, day in [(2, 27), (3, 12), (4, 2), (4, 16)]]
    assert {str(event["LOCATION"]) for event in by_uid.values()} == {
        f"{place}, Umeå kommun" for place in ("Coop Forum", "Ica Maxi", "Ikea", "Centrum")
    }


@pytest.mark.parametrize("size", [1, 30])
def test_feed_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    municipalities = [make_municipality() for _ in range(3)]
    for index in range(size):
        make_dialogue(
            municipality=municipalities[index % 3],
            starts_at=stockholm(NEXT_YEAR, 1, 1, 12) + datetime.timedelta(days=index),
            kind="safety_walk" if index % 2 else "dialogue",
        )
    with django_assert_num_queries(1):
        assert len(events(resident.get(ALL_URL))[1]) == size
    with django_assert_num_queries(2):
        assert resident.get(feed_url(municipalities[0].slug)).status_code == 200


def test_the_feed_for_all_kommuner_has_what_is_coming_and_the_last_year_a_kommuns_feed_everything(resident, kommuner):
    now = timezone.now()
    coming = make_dialogue(municipality=kommuner["umea"], starts_at=now + datetime.timedelta(days=30))
    last_year = make_dialogue(municipality=kommuner["umea"], starts_at=now - datetime.timedelta(days=360))
    older = make_dialogue(municipality=kommuner["umea"], starts_at=now - datetime.timedelta(days=370))

    _, national = events(resident.get(ALL_URL))
    _, umea = events(resident.get(feed_url("umea")))

    assert set(national) == {dialogue_uid(coming), dialogue_uid(last_year)}
    assert set(umea) == {dialogue_uid(coming), dialogue_uid(last_year), dialogue_uid(older)}


def test_the_page_offering_the_feeds_says_how_far_back_they_go(resident):
    content = resident.get(reverse("dialogue_list")).content.decode()

    assert "de kommande tillfällena och dem från det senaste året" in content
    assert "En kommuns kalender har alla kommunens tillfällen" in content


def library_event(dialogue, url):
    """The event as the icalendar library's own Event writes it (what the feed did before it wrote the lines)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    changed = dialogue.updated_at.astimezone(datetime.UTC).replace(microsecond=0)
    event = Event()
    event.add("uid", dialogue_uid(dialogue))
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", dialogue.starts_at.astimezone(zone))
    if dialogue.ends_at:
        event.add("dtend", dialogue.ends_at.astimezone(zone))
    event.add("summary", dialogue.title)
    event.add("location", f"{dialogue.place}, {dialogue.municipality.official_name}")
    event.add("description", "\n\n".join(part for part in (dialogue.description, url) if part))
    event.add("url", url)
    event.add("categories", [str(dialogue.get_kind_display())])
    return event.to_ical()


@pytest.mark.parametrize(
    "text",
    [
        "Kort",
        "Möte; med komma, semikolon\nBEGIN:VEVENT\nUID:inbakad",
        "å" * 200,  # two octets a character: a fold must not split one
        "Trygghetsvandring i Östra Ersboda, från Ersboda torg till gångtunneln under Norrlandsvägen: "
        "vi går tillsammans och tittar på belysning, buskage och skymda hörn.",
        *("x" * n + "\\;,\n€🙂" * 20 for n in range(12)),  # escapes and 3-4 octet characters at every fold point
        "",
    ],
)
def test_each_event_is_byte_for_byte_what_the_library_would_write(kommuner, text):
    dialogue = make_dialogue(
        municipality=kommuner["umea"],
        title=text or "Rubrik",
        place=text or "Torget",
        description=text,
        ends_at=None if not text else stockholm(NEXT_YEAR, 2, 27, 15),
    )
    dialogue.refresh_from_db()

    feed = dialogue_calendar_ical(dialogues=[dialogue], name="Test", absolute_url=lambda path: "https://x.se" + path)

    assert library_event(dialogue, f"https://x.se/dialoger/{dialogue.pk}/") in feed
