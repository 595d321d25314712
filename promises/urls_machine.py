"""Files for machines, at one address whatever the visitor's language: sitemap, robots.txt, DCAT catalogue."""

urlpatterns = []
