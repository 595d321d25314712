"""Atom feeds: published yearly follow-ups and new promise periods, for all of Sweden and per kommun.

Only published content: follow-ups come from FollowUp.objects.published() (which also needs the period
published), periods from PromisePeriod.objects.published(). An example follow-up says ”Exempel” in its title.

Titles are plain text (Atom's default type) and XML-escaped by the feed generator. Summaries are written as
type="html" by Django's Atom1Feed, so the plain text is HTML-escaped here first and a reader shows it as typed.
A follow-up's summary goes on with a list of its focus areas, each with its status and what was done: every
area is followed up, so a reader sees the year at the level it was promised. Every text in it is escaped too.
Each entry's id is the absolute address of its page (stable, and different per language, since the English
entry is another text). Each feed's id is its own address.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.localized import localized
from portal.models import Municipality
from promises.models import FocusAreaReport, FollowUp, PromisePeriod

ENTRIES = 50
SUMMARY_WORDS = 80
AREA_WORDS = 40  # per focus area: enough to say what was done, short enough for a feed reader's list


class _AtomFeed(Feed):
    feed_type = Atom1Feed

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django uses the feed's link (a page) as its id; two feeds link to the same page, so use the feed's URL.
        feed.feed["id"] = feed.feed["feed_url"]
        return feed

    def author_name(self):
        return settings.SITE_NAME

    def item_title(self, item):
        # Not escaped: Atom titles are text and the feed generator escapes them for XML.
        return self.entry_title(item)

    def item_description(self, item):
        return escape(Truncator(self.entry_summary(item)).words(SUMMARY_WORDS))

    def item_author_name(self, item):
        return _("Polisen och %(municipality)s") % {"municipality": self.municipality_of(item).official_name}


class _FollowUpFeed(_AtomFeed):
    def follow_ups(self):
        # The area reports in one more query for all entries, in the areas' order.
        area_reports = FocusAreaReport.objects.select_related("focus_area").order_by(
            "focus_area__order", "focus_area__pk"
        )
        return (
            FollowUp.objects.published()
            .select_related("period__municipality")
            .prefetch_related(Prefetch("area_reports", queryset=area_reports, to_attr="feed_area_reports"))
            .order_by("-published_on", "-updated_at", "-pk")
        )

    def item_description(self, follow_up):
        summary = super().item_description(follow_up)
        if not follow_up.feed_area_reports:
            return summary
        areas = format_html_join(
            "",
            "<li><strong>{}</strong>: {}{}</li>",
            (
                (
                    localized(report.focus_area, "title"),
                    report.status_label,
                    self._area_done(report),
                )
                for report in follow_up.feed_area_reports
            ),
        )
        # The summary is escaped already (a SafeString): format_html escapes only what is not.
        return format_html("<p>{}</p><ul>{}</ul>", summary, areas)

    def _area_done(self, report):
        done = localized(report, "done")
        return f". {Truncator(done).words(AREA_WORDS)}" if done.strip() else ""

    def municipality_of(self, item):
        return item.period.municipality

    def entry_title(self, follow_up):
        title = _("Uppföljning %(year)s av medborgarlöftet i %(municipality)s") % {
            "year": follow_up.year,
            "municipality": follow_up.period.municipality.official_name,
        }
        if follow_up.is_example:
            return _("Exempel: %(title)s") % {"title": title}
        return title

    def entry_summary(self, follow_up):
        summary = localized(follow_up, "summary")
        if follow_up.is_example:
            summary = " ".join([_("Påhittad uppföljning för demonstration."), summary])
        return summary or _("Vad polisen och kommunen gjorde %(year)s för det de lovat i %(period)s.") % {
            "year": follow_up.year,
            "period": follow_up.period.years_label,
        }

    def item_pubdate(self, follow_up):
        # A day, not a moment: midnight in the portal's time zone (the feed view makes it aware).
        return datetime.datetime.combine(follow_up.published_on, datetime.time())

    def item_updateddate(self, follow_up):
        return follow_up.updated_at


class _PeriodFeed(_AtomFeed):
    def periods(self):
        return PromisePeriod.objects.published().select_related("municipality").order_by("-published_at", "-pk")

    def municipality_of(self, item):
        return item.municipality

    def entry_title(self, period):
        return _("%(municipality)s: %(title)s") % {
            "municipality": period.municipality.official_name,
            "title": localized(period, "title") or period.display_title,
        }

    def entry_summary(self, period):
        return localized(period, "preamble") or _(
            "Vad polisen och %(municipality)s lovar att göra %(years)s för att öka tryggheten."
        ) % {"municipality": period.municipality.official_name, "years": period.years_label}

    def item_pubdate(self, period):
        return period.published_at

    def item_updateddate(self, period):
        return period.updated_at


class FollowUpFeed(_FollowUpFeed):
    def title(self):
        return _("Medborgarlöften: nya årliga uppföljningar")

    def subtitle(self):
        return _("Vad polisen och kommunerna har gjort av det de lovat, år för år.")

    def link(self):
        return reverse("home")

    def items(self):
        return self.follow_ups()[:ENTRIES]


class PeriodFeed(_PeriodFeed):
    def title(self):
        return _("Medborgarlöften: nya medborgarlöften")

    def subtitle(self):
        return _("Nya medborgarlöften från polisen och kommunerna.")

    def link(self):
        return reverse("home")

    def items(self):
        return self.periods()[:ENTRIES]


class _MunicipalityFeedMixin:
    def get_object(self, request, municipality_slug):
        return get_object_or_404(Municipality, slug=municipality_slug)

    def link(self, municipality):
        return municipality.get_absolute_url()


class MunicipalityFollowUpFeed(_MunicipalityFeedMixin, _FollowUpFeed):
    def title(self, municipality):
        return _("Medborgarlöften i %(municipality)s: nya årliga uppföljningar") % {
            "municipality": municipality.official_name
        }

    def subtitle(self, municipality):
        return _("Vad polisen och %(municipality)s har gjort av det de lovat, år för år.") % {
            "municipality": municipality.official_name
        }

    def items(self, municipality):
        return self.follow_ups().for_municipality(municipality)[:ENTRIES]


class MunicipalityPeriodFeed(_MunicipalityFeedMixin, _PeriodFeed):
    def title(self, municipality):
        return _("Medborgarlöften i %(municipality)s: nya medborgarlöften") % {
            "municipality": municipality.official_name
        }

    def subtitle(self, municipality):
        return _("Nya medborgarlöften från polisen och %(municipality)s.") % {
            "municipality": municipality.official_name
        }

    def items(self, municipality):
        return self.periods().for_municipality(municipality)[:ENTRIES]
