"""Dialogues and safety walks as an iCalendar feed (RFC 5545), for residents' own calendar apps.

The library writes every property, so residents' and coordinators' text is escaped by it, never by hand.

The same content gives the same bytes: DTSTAMP is the dialogue's last change, not the time of the request, and
UIDs name the portal (settings.CALENDAR_UID_DOMAIN), not the host the request came to. A calendar app polling the
feed then gets 304 Not Modified (the ETag of portal.page_cache / ConditionalGetMiddleware) until something changes,
and the same dialogue stays one event whichever address the feed was subscribed at.

The national feed holds the dialogues of 290 kommuner: about 600 a year. Building an icalendar Event per dialogue
costs about 0.4 ms (generic property and parameter objects, folding character by character), so each event is
written as content lines here instead, the values still escaped and encoded by the library's own property types
(vText, vDatetime, vUri, vCategory) and long lines folded by its Contentline. The bytes are the same as the
library's Event would give, properties in the same order (tests/surveys/test_dialogue_calendar.py compares them).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone
from icalendar.prop import vCategory, vText, vUri

PRODID = "-//Medborgarlöften//Dialoger och trygghetsvandringar//SV"

# The feed for all kommuner holds what is coming and the last year's past, not the whole history: a subscriber
# wants the next dialogues, and every calendar app would otherwise download all of 290 kommuner's ten years (megabytes,
# growing) again at each change. A kommun's own feed, a few dialogues a year, keeps its whole history. The page
# offering the feeds says so (templates/surveys/includes/_dialogue_calendars.html); change both together.
NATIONAL_FEED_PAST_DAYS = 365


def national_feed_starts(*, today):
    """The earliest start of a dialogue in the feed for all kommuner: midnight, local time, a year before `today`,
    so that the feed changes at most once a day as dialogues leave it."""
    first_day = today - datetime.timedelta(days=NATIONAL_FEED_PAST_DAYS)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))


def dialogue_uid(dialogue):
    """Stable for the life of the dialogue, so that a calendar app updates the event instead of adding a copy."""
    return f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"


def last_modified(dialogues):
    """The latest change among the dialogues (the feed's Last-Modified), or None for an empty feed."""
    return max((dialogue.updated_at for dialogue in dialogues), default=None)


# RFC 5545 (3.1): a content line longer than 75 octets is folded. Like the library, each piece is at most 74
# octets (a continuation's leading space makes 75), a UTF-8 character is never split, and neither is a backslash
# from the character it escapes.
_PIECE_OCTETS = 74


def _content_line(name, value):
    """One content line as bytes, folded: `value` is already escaped and encoded by a library property type.

    The library's own folding (Contentline.to_ical) walks the line a character at a time; this works on the
    octets and gives the same lines."""
    line = name + b":" + value
    if len(line) <= _PIECE_OCTETS:
        return line
    pieces = []
    start = 0
    while len(line) - start > _PIECE_OCTETS:
        end = start + _PIECE_OCTETS
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation octet: the character began before `end`
            end -= 1
        if end - start > 1 and line[end - 1] in b"\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def _datetime_value(moment):
    """DATE-TIME (RFC 5545 3.3.5) in the moment's own time zone, "Z" for UTC; what vDatetime writes."""
    utc = "Z" if moment.tzinfo is datetime.UTC else ""
    return f"{moment:%Y%m%dT%H%M%S}{utc}".encode()


def _event_lines(dialogue, *, zone, origin, categories):
    """The VEVENT of one dialogue, in the property order of the library's Event (SUMMARY, DTSTART, DTEND,
    DTSTAMP, UID, then the rest alphabetically)."""
    starts_at = dialogue.starts_at.astimezone(zone)
    url = origin + dialogue.get_absolute_url()
    changed = _datetime_value(dialogue.updated_at.astimezone(datetime.UTC))
    tzid = f";TZID={zone.key}".encode()
    description = "\n\n".join(part for part in (dialogue.description, url) if part)
    lines = [
        b"BEGIN:VEVENT",
        _content_line(b"SUMMARY", vText(dialogue.title).to_ical()),
        _content_line(b"DTSTART" + tzid, _datetime_value(starts_at)),
    ]
    if dialogue.ends_at:
        lines.append(_content_line(b"DTEND" + tzid, _datetime_value(dialogue.ends_at.astimezone(zone))))
    lines += [
        _content_line(b"DTSTAMP", changed),
        _content_line(b"UID", vText(dialogue_uid(dialogue)).to_ical()),
        _content_line(b"CATEGORIES", categories[dialogue.kind]),
        _content_line(b"DESCRIPTION", vText(description).to_ical()),
        _content_line(b"LAST-MODIFIED", changed),
        _content_line(b"LOCATION", vText(f"{dialogue.place}, {dialogue.municipality.official_name}").to_ical()),
        _content_line(b"URL", vUri(url).to_ical()),
        b"END:VEVENT",
    ]
    return lines


def dialogue_calendar_ical(*, dialogues, name, absolute_url):
    """The feed as bytes. `absolute_url` turns a path into an absolute URL (request.build_absolute_uri)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    events = []
    dates = []
    # Once per feed rather than once per event: the scheme and host, and the name of each kind.
    origin = absolute_url("/").removesuffix("/")
    categories = {}
    for dialogue in dialogues:
        if dialogue.kind not in categories:
            categories[dialogue.kind] = vCategory([str(dialogue.get_kind_display())]).to_ical()
        events += _event_lines(dialogue, zone=zone, origin=origin, categories=categories)
        dates.append(dialogue.starts_at.astimezone(zone).date())
    if dates:
        # Only the transitions the events need: the full zone history would be most of the file.
        first_date, last_date = min(dates) - datetime.timedelta(days=366), max(dates) + datetime.timedelta(days=366)
    else:
        # RFC 5545 (3.6) requires at least one component: a kommun without dialogues gets its time zone, this
        # year's transitions, which is also what its events will use.
        year = timezone.localdate().year
        first_date, last_date = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE, first_date=first_date, last_date=last_date))
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    # The events follow the time zone, where the library would have put them.
    return head[: -len(end)] + b"".join(line + b"\r\n" for line in events) + end
