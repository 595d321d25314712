from django.urls import path

from promises import views

PERIOD = "<slug:municipality_slug>/<year:start_year>-<year:end_year>/"
FOLLOW_UP = PERIOD + "uppfoljning/<year:year>/"

urlpatterns = [
    path("<slug:municipality_slug>/", views.municipality_detail, name="municipality_detail"),
    path(PERIOD, views.period_detail, name="period_detail"),
    path(PERIOD + "dokument/", views.period_document, name="period_document"),
    path(PERIOD[:-1] + "/dokument.pdf", views.period_document_pdf, name="period_document_pdf"),
    path(PERIOD + "undertecknat.pdf", views.signed_original, name="signed_original"),
    path(FOLLOW_UP, views.follow_up_detail, name="follow_up_detail"),
    path(FOLLOW_UP + "rapport/", views.follow_up_report, name="follow_up_report"),
    path(FOLLOW_UP + "rapport.pdf", views.follow_up_report_pdf, name="follow_up_report_pdf"),
]
