"""Files for machines, at one address whatever the visitor's language: sitemap, robots.txt, DCAT catalogue."""

from django.urls import path

from promises.views import open_data

urlpatterns = [
    # The DCAT-AP-SE catalogue that Sweden's data portal harvests (documented at /oppna-data/).
    path("oppna-data/katalog.rdf", open_data.open_data_catalogue, name="open_data_catalogue"),
]
