"""Public pages of the surveys app. Each area keeps its own list; they are joined here."""

from django.urls import path

from portal.page_cache import public_page
from surveys.views import dialogues, survey, unsafe_places

# Safety surveys: the list per kommun, answering and published results.
# The unsafe place list's filters (surveys/forms/unsafe_places.py UnsafePlaceFilterForm) and its page number.
UNSAFE_PLACE_LIST_QUERY = ("kommun", "tid", "status", "visa_atgardade", "sida")

survey_patterns = [
    path("enkater/", public_page(survey.survey_list, query=("kommun", "sida")), name="survey_list"),
    path("enkater/<slug:slug>/", survey.survey_answer, name="survey_answer"),
    path("enkater/<slug:slug>/tack/", survey.survey_thanks, name="survey_thanks"),
    path("enkater/<slug:slug>/resultat/", public_page(survey.survey_results), name="survey_results"),
]
# Unsafe places: map, list, detail and the public report form.
unsafe_place_patterns = [
    path(
        "platser/",
        public_page(unsafe_places.unsafe_place_list, query=UNSAFE_PLACE_LIST_QUERY),
        name="unsafe_place_list",
    ),
    path("platser/<int:pk>/", public_page(unsafe_places.unsafe_place_detail), name="unsafe_place_detail"),
    path("platser/rapportera/", unsafe_places.unsafe_place_report, name="unsafe_place_report"),
    path("platser/rapportera/tack/", unsafe_places.unsafe_place_report_thanks, name="unsafe_place_report_thanks"),
    path(
        "platser/rapportera/tack/<str:reference>/",
        unsafe_places.unsafe_place_report_thanks,
        name="unsafe_place_report_thanks",
    ),
    # A report's status, for whoever holds its reference; never from the page cache (it is one person's report).
    path("platser/rapport/", unsafe_places.unsafe_place_status, name="unsafe_place_status"),
    path("platser/rapport/<str:reference>/", unsafe_places.unsafe_place_status, name="unsafe_place_status"),
    # The report map's data: a kommun's outline and view, and the address search when a geocoder is set.
    path(
        "platser/kommun/<int:pk>/grans.json",
        public_page(unsafe_places.unsafe_place_boundary),
        name="unsafe_place_boundary",
    ),
    path("platser/adress-sok/", unsafe_places.unsafe_place_address_search, name="unsafe_place_address_search"),
]
# Dialogues and safety walks, their calendars, and the suggestion form.
dialogue_patterns = [
    path("dialoger/", public_page(dialogues.dialogue_list, query=("kommun", "sida")), name="dialogue_list"),
    path("dialoger/<int:pk>/", public_page(dialogues.dialogue_detail), name="dialogue_detail"),
    path("dialoger/kalender.ics", public_page(dialogues.dialogue_calendar), name="dialogue_calendar"),
    path(
        "dialoger/kalender/<slug:municipality_slug>.ics",
        public_page(dialogues.dialogue_calendar_municipality),
        name="dialogue_calendar_municipality",
    ),
    # Resolved before promises.urls' /<kommun>/… pages (portal/urls.py includes this module first).
    path("<slug:municipality_slug>/synpunkt/", dialogues.suggestion_create, name="suggestion_create"),
    path("<slug:municipality_slug>/synpunkt/tack/", dialogues.suggestion_thanks, name="suggestion_thanks"),
]

urlpatterns = survey_patterns + unsafe_place_patterns + dialogue_patterns
