"""The portal's own pages about the portal and about medborgarlöften (about, lättläst, accessibility)."""

from django.urls import path

from portal import views

urlpatterns = [
    path("om/", views.about, name="about"),
    path("lattlast/", views.easy_read, name="easy_read"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility_statement"),
    path("tillganglighet/synpunkt/", views.accessibility_feedback, name="accessibility_feedback"),
    path("tillganglighet/synpunkt/tack/", views.accessibility_feedback_thanks, name="accessibility_feedback_thanks"),
]
