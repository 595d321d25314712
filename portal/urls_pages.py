"""The portal's own pages about the portal and about medborgarlöften (about, lättläst, accessibility)."""

from django.urls import path

from portal import views

urlpatterns = [
    path("om/", views.about, name="about"),
    path("lattlast/", views.easy_read, name="easy_read"),
]
