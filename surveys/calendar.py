"""Dialogues and safety walks as an iCalendar feed (RFC 5545), for residents' own calendar apps.

The library writes every property, so residents' and coordinators' text is escaped by it, never by hand.

The same content gives the same bytes: DTSTAMP is the dialogue's last change, not the time of the request, and
UIDs name the portal (settings.CALENDAR_UID_DOMAIN), not the host the request came to. A calendar app polling the
feed then gets 304 Not Modified (the ETag of portal.page_cache / ConditionalGetMiddleware) until something changes,
and the same dialogue stays one event whichever address the feed was subscribed at.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

PRODID = "-//Medborgarlöften//Dialoger och trygghetsvandringar//SV"


def dialogue_uid(dialogue):
    """Stable for the life of the dialogue, so that a calendar app updates the event instead of adding a copy."""
    return f"dialogue-{dialogue.pk}@{settings.CALENDAR_UID_DOMAIN}"


def last_modified(dialogues):
    """The latest change among the dialogues (the feed's Last-Modified), or None for an empty feed."""
    return max((dialogue.updated_at for dialogue in dialogues), default=None)


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
    dates = []
    for dialogue in dialogues:
        starts_at = dialogue.starts_at.astimezone(zone)
        url = absolute_url(dialogue.get_absolute_url())
        changed = dialogue.updated_at.astimezone(datetime.UTC).replace(microsecond=0)
        event = Event()
        event.add("uid", dialogue_uid(dialogue))
        event.add("dtstamp", changed)
        event.add("last-modified", changed)
        event.add("dtstart", starts_at)
        if dialogue.ends_at:
            event.add("dtend", dialogue.ends_at.astimezone(zone))
        event.add("summary", dialogue.title)
        event.add("location", f"{dialogue.place}, {dialogue.municipality.official_name}")
        description = "\n\n".join(part for part in (dialogue.description, url) if part)
        event.add("description", description)
        event.add("url", url)
        event.add("categories", [str(dialogue.get_kind_display())])
        calendar.add_component(event)
        dates.append(starts_at.date())
    if dates:
        # Only the transitions the events need: the full zone history would be most of the file.
        calendar.add_missing_timezones(
            first_date=min(dates) - datetime.timedelta(days=366), last_date=max(dates) + datetime.timedelta(days=366)
        )
    else:
        # RFC 5545 (3.6) requires at least one component: a kommun without dialogues gets its time zone, this
        # year's transitions, which is also what its events will use.
        year = timezone.localdate().year
        calendar.add_component(
            Timezone.from_tzid(
                settings.TIME_ZONE, first_date=datetime.date(year, 1, 1), last_date=datetime.date(year + 1, 1, 1)
            )
        )
    return calendar.to_ical()
