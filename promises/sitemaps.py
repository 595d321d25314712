"""/sitemap.xml: every public page, in Swedish and English, with hreflang alternates and x-default.

Only published content: periods from PromisePeriod.objects.published(), follow-ups from
FollowUp.objects.published() (which also needs the period published), dialogues from Dialogue.objects.published().
lastmod is the real change time where the data has one (`updated_at` on periods and follow-ups); pages whose
change time is unknown (the portal's own pages, themes, dialogues) have none rather than a made-up one.
One query per sitemap whatever the number of rows.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
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


class _BothLanguages(Sitemap):
    i18n = True
    alternates = True
    x_default = True


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
        ).order_by("name")

    def lastmod(self, municipality):
        return _latest([municipality.last_period_change, municipality.last_follow_up_change])


class PeriodSitemap(_BothLanguages):
    def items(self):
        return (
            PromisePeriod.objects.published()
            .select_related("municipality")
            .annotate(last_follow_up_change=_last_change(FollowUp.objects.published(), "period"))
            .order_by("municipality__name", "start_year")
        )

    def lastmod(self, period):
        # The period page shows its published follow-ups too.
        return _latest([period.updated_at, period.last_follow_up_change])


class FollowUpSitemap(_BothLanguages):
    def items(self):
        return (
            FollowUp.objects.published()
            .select_related("period__municipality")
            .order_by("period__municipality__name", "period__start_year", "year")
        )

    def lastmod(self, follow_up):
        return follow_up.updated_at


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
