from django.urls import path

from bench.fortunes import views

urlpatterns = [
    path("fortunes", views.fortunes, name="fortunes"),
    path("plaintext", views.plaintext, name="plaintext"),
]
