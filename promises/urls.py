from csp.decorators import csp_replace
from django.conf import settings
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt

from portal.page_cache import public_page
from promises import feeds
from promises.views import feeds as feed_views
from promises.views import home, open_data, periods, search, sharing, themes

PERIOD = "<slug:municipality_slug>/<year:start_year>-<year:end_year>/"
FOLLOW_UP = PERIOD + "uppfoljning/<year:year>/"

home_patterns = [
    path("", public_page(home.home), name="home"),
]
# Pages across kommuner; each area keeps its own list. Before the kommun pages below, whose /<kommun>/ would
# otherwise match them (the slugs are reserved in portal.models.RESERVED_SLUGS).
search_patterns = [
    path("sok/", public_page(search.search, query=("q", "kommun", "typ", "sida")), name="search"),
]
theme_patterns = [
    path("teman/", public_page(themes.theme_list), name="theme_list"),
    path("teman/<slug:slug>/", public_page(themes.theme_detail), name="theme_detail"),
    path("oversikt/", public_page(themes.national_overview), name="national_overview"),
]
# Atom feeds of published follow-ups and new promise periods, for all kommuner and per kommun.
feed_patterns = [
    path("flode/", public_page(feed_views.feed_list), name="feed_list"),
    path("flode/uppfoljningar.xml", public_page(feeds.FollowUpFeed()), name="feed_follow_ups"),
    path("flode/loften.xml", public_page(feeds.PeriodFeed()), name="feed_periods"),
    path(
        "<slug:municipality_slug>/flode/uppfoljningar.xml",
        public_page(feeds.MunicipalityFollowUpFeed()),
        name="feed_municipality_follow_ups",
    ),
    path(
        "<slug:municipality_slug>/flode/loften.xml",
        public_page(feeds.MunicipalityPeriodFeed()),
        name="feed_municipality_periods",
    ),
]
# Open data: the documentation page and CSV/JSON files for everything, per kommun and per period.
OPEN_DATA_PERIOD = "oppna-data/<slug:municipality_slug>/<year:start_year>-<year:end_year>"
open_data_patterns = [
    path("oppna-data/", public_page(open_data.open_data, query=("kommun",)), name="open_data"),
    path("oppna-data/medborgarloften.csv", open_data.open_data_all_csv, name="open_data_all_csv"),
    path("oppna-data/medborgarloften.json", open_data.open_data_all_json, name="open_data_all_json"),
    path(
        "oppna-data/<slug:municipality_slug>.csv",
        open_data.open_data_municipality_csv,
        name="open_data_municipality_csv",
    ),
    path(
        "oppna-data/<slug:municipality_slug>.json",
        open_data.open_data_municipality_json,
        name="open_data_municipality_json",
    ),
    path(OPEN_DATA_PERIOD + ".csv", open_data.open_data_period_csv, name="open_data_period_csv"),
    path(OPEN_DATA_PERIOD + ".json", open_data.open_data_period_json, name="open_data_period_json"),
]

# One kommun's pages.
municipality_patterns = [
    path("<slug:municipality_slug>/", public_page(periods.municipality_detail), name="municipality_detail"),
    path(PERIOD, public_page(periods.period_detail), name="period_detail"),
    path(PERIOD + "dokument/", public_page(periods.period_document), name="period_document"),
    # The document pages' running header and footer for the browser's print (a stylesheet: no inline style).
    path(
        PERIOD + "dokument/sidhuvud.css",
        public_page(periods.period_document_print_css),
        name="period_document_print_css",
    ),
    path(PERIOD[:-1] + "/dokument.pdf", public_page(periods.period_document_pdf), name="period_document_pdf"),
    path(PERIOD + "undertecknat.pdf", periods.signed_original, name="signed_original"),
    path(FOLLOW_UP, public_page(periods.follow_up_detail), name="follow_up_detail"),
    path(FOLLOW_UP + "rapport/", public_page(periods.follow_up_report), name="follow_up_report"),
    path(
        FOLLOW_UP + "rapport/sidhuvud.css",
        public_page(periods.follow_up_report_print_css),
        name="follow_up_report_print_css",
    ),
    path(FOLLOW_UP + "rapport.pdf", public_page(periods.follow_up_report_pdf), name="follow_up_report_pdf"),
]
# Sharing: the image behind each page's og:image, and the status box a kommun shows on its own website. The box is
# the one page other sites may frame; the decorators wrap the page cache, since a cached response keeps only headers.
sharing_patterns = [
    path(
        "<slug:municipality_slug>/delningsbild.png",
        public_page(sharing.municipality_share_image),
        name="municipality_share_image",
    ),
    path(PERIOD + "delningsbild.png", public_page(sharing.period_share_image), name="period_share_image"),
    path(FOLLOW_UP + "delningsbild.png", public_page(sharing.follow_up_share_image), name="follow_up_share_image"),
    path(
        "<slug:municipality_slug>/inbaddning/",
        xframe_options_exempt(
            csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})(public_page(sharing.municipality_embed))
        ),
        name="municipality_embed",
    ),
]

urlpatterns = (
    home_patterns + search_patterns + theme_patterns + feed_patterns + open_data_patterns + municipality_patterns
)
urlpatterns += sharing_patterns
