"""Public pages of the surveys app. Each area keeps its own list; they are joined here."""

from django.urls import path

from surveys.views import dialogues, places, survey  # noqa: F401

# Safety surveys: answering and published results.
survey_patterns = [
    path("enkater/<slug:slug>/", survey.survey_answer, name="survey_answer"),
    path("enkater/<slug:slug>/tack/", survey.survey_thanks, name="survey_thanks"),
    path("enkater/<slug:slug>/resultat/", survey.survey_results, name="survey_results"),
]
# Unsafe places: map, list, detail and the public report form.
place_patterns = [
    path("platser/", places.unsafe_place_list, name="unsafe_place_list"),
    path("platser/<int:pk>/", places.unsafe_place_detail, name="unsafe_place_detail"),
    path("platser/rapportera/", places.unsafe_place_report, name="unsafe_place_report"),
    path("platser/rapportera/tack/", places.unsafe_place_report_thanks, name="unsafe_place_report_thanks"),
]
# Dialogues and safety walks, their calendars, and the suggestion form.
dialogue_patterns = []

urlpatterns = survey_patterns + place_patterns + dialogue_patterns
