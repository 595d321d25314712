from django.urls import path

from promises import views

urlpatterns = [
    path("<slug:municipality_slug>/", views.municipality_detail, name="municipality_detail"),
    path(
        "<slug:municipality_slug>/<year:start_year>-<year:end_year>/",
        views.period_detail,
        name="period_detail",
    ),
    path(
        "<slug:municipality_slug>/<year:start_year>-<year:end_year>/uppfoljning/<year:year>/",
        views.follow_up_detail,
        name="follow_up_detail",
    ),
]
