"""Files for machines, at one address whatever the visitor's language: sitemap, robots.txt, DCAT catalogue, the
CSV's Table Schema."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from portal.page_cache import public_page
from promises.sitemaps import SITEMAPS
from promises.views import open_data, robots

urlpatterns = [
    # The DCAT-AP-SE catalogue that Sweden's data portal harvests (documented at /oppna-data/).
    path("oppna-data/katalog.rdf", public_page(open_data.open_data_catalogue), name="open_data_catalogue"),
    # The CSV's fields and types as a Table Schema (Frictionless Data Package), linked from the page and the catalogue.
    path("oppna-data/datapackage.json", public_page(open_data.open_data_datapackage), name="open_data_datapackage"),
    # An index of one sitemap per kind of page: at national scale one file would be too large.
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap_views.sitemap, query=("p",)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", public_page(robots.robots_txt), name="robots_txt"),
]
