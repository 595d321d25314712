"""The portal's own pages about the portal and about medborgarlöften (about, lättläst, accessibility)."""

from django.urls import path

from portal import views
from portal.page_cache import public_page

urlpatterns = [
    path("om/", public_page(views.about), name="about"),
    path("lattlast/", public_page(views.easy_read), name="easy_read"),
    path("tillganglighet/", public_page(views.accessibility_statement), name="accessibility_statement"),
    path("tillganglighet/synpunkt/", views.accessibility_feedback, name="accessibility_feedback"),
    path("tillganglighet/synpunkt/tack/", views.accessibility_feedback_thanks, name="accessibility_feedback_thanks"),
    # The home page's find field. Under /sok/ (a reserved slug), so that no kommun's address can shadow it.
    path("sok/kommun/", views.find_municipality, name="find_municipality"),
]
