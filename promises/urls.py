from django.urls import path

from promises import feeds
from promises.views import feeds as feed_views
from promises.views import periods, search, themes

PERIOD = "<slug:municipality_slug>/<year:start_year>-<year:end_year>/"
FOLLOW_UP = PERIOD + "uppfoljning/<year:year>/"

# Pages across kommuner; each area keeps its own list. Before the kommun pages below, whose /<kommun>/ would
# otherwise match them (the slugs are reserved in portal.models.RESERVED_SLUGS).
search_patterns = [
    path("sok/", search.search, name="search"),
]
theme_patterns = [
    path("teman/", themes.theme_list, name="theme_list"),
    path("teman/<slug:slug>/", themes.theme_detail, name="theme_detail"),
    path("oversikt/", themes.national_overview, name="national_overview"),
]
# Atom feeds of published follow-ups and new promise periods, for all kommuner and per kommun.
feed_patterns = [
    path("flode/", feed_views.feed_list, name="feed_list"),
    path("flode/uppfoljningar.xml", feeds.FollowUpFeed(), name="feed_follow_ups"),
    path("flode/loften.xml", feeds.PeriodFeed(), name="feed_periods"),
    path(
        "<slug:municipality_slug>/flode/uppfoljningar.xml",
        feeds.MunicipalityFollowUpFeed(),
        name="feed_municipality_follow_ups",
    ),
    path("<slug:municipality_slug>/flode/loften.xml", feeds.MunicipalityPeriodFeed(), name="feed_municipality_periods"),
]
open_data_patterns = []

# One kommun's pages.
municipality_patterns = [
    path("<slug:municipality_slug>/", periods.municipality_detail, name="municipality_detail"),
    path(PERIOD, periods.period_detail, name="period_detail"),
    path(PERIOD + "dokument/", periods.period_document, name="period_document"),
    path(PERIOD[:-1] + "/dokument.pdf", periods.period_document_pdf, name="period_document_pdf"),
    path(PERIOD + "undertecknat.pdf", periods.signed_original, name="signed_original"),
    path(FOLLOW_UP, periods.follow_up_detail, name="follow_up_detail"),
    path(FOLLOW_UP + "rapport/", periods.follow_up_report, name="follow_up_report"),
    path(FOLLOW_UP + "rapport.pdf", periods.follow_up_report_pdf, name="follow_up_report_pdf"),
]

urlpatterns = search_patterns + theme_patterns + feed_patterns + open_data_patterns + municipality_patterns
