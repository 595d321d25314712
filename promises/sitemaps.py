"""/sitemap.xml: an index of one sitemap per kind of page (/sitemap-kommuner.xml …), every public page in Swedish
and English with hreflang alternates and x-default.

Only published content: periods from PromisePeriod.objects.published(), follow-ups from
FollowUp.objects.published() (which also needs the period published), dialogues from Dialogue.objects.published().
lastmod is the real change time where the data has one (`updated_at` on periods and follow-ups); pages whose
change time is unknown (the portal's own pages, themes, dialogues) have none rather than a made-up one.

At national scale a sitemap holds tens of thousands of addresses, so nothing here loads a whole table: the index
counts rows and asks the database for the latest change, and a sitemap page fetches only its own rows (Django
splits a section into pages of 50 000 addresses, the protocol's limit).
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod, Theme
from surveys.models import Dialogue

# The portal's pages that are not rows in the database, by URL name.
STATIC_PAGES = [
    "home",
    "theme_list",
    "national_overview",
    "open_data",
    "feed_list",
    "dialogue_list",
    "survey_list",
    "unsafe_place_list",
    "about",
    "easy_read",
    "accessibility_statement",
]


def _latest(changes):
    return max((change for change in changes if change is not None), default=None)


def _last_change(queryset, outer_field):
    """The latest updated_at of the rows in queryset that belong to the outer row, as a subquery."""
    return Subquery(queryset.filter(**{outer_field: OuterRef("pk")}).order_by("-updated_at").values("updated_at")[:1])


def _latest_published_change():
    """The latest change to anything a kommun or period page shows: a published period or follow-up."""
    return _latest(
        [
            PromisePeriod.objects.published().aggregate(latest=Max("updated_at"))["latest"],
            FollowUp.objects.published().aggregate(latest=Max("updated_at"))["latest"],
        ]
    )


class _InLanguages:
    """Every item once per language, as Django's i18n sitemaps list them, but read from the database a page at a
    time: counting is a COUNT, and a slice fetches only the rows it needs (Sitemap's own list loads them all)."""

    def __init__(self, items, languages):
        self.items = items
        self.languages = list(languages)

    def count(self):
        rows = len(self.items) if isinstance(self.items, list) else self.items.count()
        return rows * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("_InLanguages supports plain slices only")
        per_item = len(self.languages)
        start, stop = index.start or 0, index.stop
        first, last = start // per_item, -(-stop // per_item)
        pairs = [(item, language) for item in self.items[first:last] for language in self.languages]
        offset = start - first * per_item
        return pairs[offset : offset + (stop - start)]


class _BothLanguages(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    @property
    def paginator(self):
        return Paginator(_InLanguages(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        # Sitemap's default calls lastmod() on every row; the subclasses that have a lastmod ask the database.
        return None


class StaticPageSitemap(_BothLanguages):
    def items(self):
        return STATIC_PAGES

    def location(self, name):
        return reverse(name)


class MunicipalitySitemap(_BothLanguages):
    """Every kommun has a page, with or without a published promise."""

    def items(self):
        return Municipality.objects.annotate(
            last_period_change=_last_change(PromisePeriod.objects.published(), "municipality"),
            last_follow_up_change=_last_change(FollowUp.objects.published(), "period__municipality"),
        ).order_by("name", "pk")

    def lastmod(self, municipality):
        return _latest([municipality.last_period_change, municipality.last_follow_up_change])

    def get_latest_lastmod(self):
        return _latest_published_change()


class PeriodSitemap(_BothLanguages):
    def items(self):
        return (
            PromisePeriod.objects.published()
            .select_related("municipality")
            .annotate(last_follow_up_change=_last_change(FollowUp.objects.published(), "period"))
            .order_by("municipality__name", "start_year", "pk")
        )

    def lastmod(self, period):
        # The period page shows its published follow-ups too.
        return _latest([period.updated_at, period.last_follow_up_change])

    def get_latest_lastmod(self):
        return _latest_published_change()


class FollowUpSitemap(_BothLanguages):
    def items(self):
        return (
            FollowUp.objects.published()
            .select_related("period__municipality")
            .order_by("period__municipality__name", "period__start_year", "year", "pk")
        )

    def lastmod(self, follow_up):
        return follow_up.updated_at

    def get_latest_lastmod(self):
        return FollowUp.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ThemeSitemap(_BothLanguages):
    """One page per national theme, across kommuner."""

    def items(self):
        return Theme.objects.order_by("slug")

    def location(self, theme):
        return reverse("theme_detail", kwargs={"slug": theme.slug})


class DialogueSitemap(_BothLanguages):
    def items(self):
        return Dialogue.objects.published().order_by("starts_at", "pk")


SITEMAPS = {
    "sidor": StaticPageSitemap,
    "kommuner": MunicipalitySitemap,
    "loften": PeriodSitemap,
    "uppfoljningar": FollowUpSitemap,
    "teman": ThemeSitemap,
    "dialoger": DialogueSitemap,
}
