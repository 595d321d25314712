"""Files for machines, at one address whatever the visitor's language: sitemap, robots.txt, DCAT catalogue."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from promises.sitemaps import SITEMAPS
from promises.views import open_data, robots

urlpatterns = [
    # The DCAT-AP-SE catalogue that Sweden's data portal harvests (documented at /oppna-data/).
    path("oppna-data/katalog.rdf", open_data.open_data_catalogue, name="open_data_catalogue"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots.robots_txt, name="robots_txt"),
]
