"""Dialogues and safety walks as an iCalendar feed (RFC 5545), for residents' own calendar apps.

The library writes every property, so residents' and coordinators' text is escaped by it, never by hand.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Medborgarlöften//Dialoger och trygghetsvandringar//SV"


def dialogue_uid(*, dialogue, host):
    """Stable for the life of the dialogue, so that a calendar app updates the event instead of adding a copy."""
    return f"dialogue-{dialogue.pk}@{host}"


def dialogue_calendar_ical(*, dialogues, name, host, absolute_url):
    """The feed as bytes. `absolute_url` turns a path into an absolute URL (request.build_absolute_uri)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(datetime.UTC)
    dates = []
    for dialogue in dialogues:
        starts_at = dialogue.starts_at.astimezone(zone)
        url = absolute_url(dialogue.get_absolute_url())
        event = Event()
        event.add("uid", dialogue_uid(dialogue=dialogue, host=host))
        event.add("dtstamp", stamp)
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
    return calendar.to_ical()
