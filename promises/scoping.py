"""Which rows a user may see and change in the admin: a coordinator only their own kommuner's.

One table says how each model reaches its kommun; every admin list, change view, add form, inline,
autocomplete, history page, action and export goes through `scope()` (ScopedAdmin in promises/admin_mixins.py).
"""

from django.db.models import Q

from portal.models import Coordinator, Municipality, PoliceArea
from promises.models import Activity, ActivityReport, FocusArea, FollowUp, Party, PromisePeriod, Signatory
from surveys.models import Answer, Choice, Dialogue, Question, Response, Suggestion, Survey, SurveySection, UnsafePlace

# The path from each model to the kommun it belongs to.
MUNICIPALITY_PATH = {
    Municipality: "pk",
    PoliceArea: "municipalities",
    PromisePeriod: "municipality",
    Party: "period__municipality",
    Signatory: "period__municipality",
    FocusArea: "period__municipality",
    FollowUp: "period__municipality",
    Activity: "focus_area__period__municipality",
    ActivityReport: "follow_up__period__municipality",
    # A survey may cover several kommuner; a coordinator of any of them sees it.
    Survey: "municipalities",
    SurveySection: "survey__municipalities",
    Question: "survey__municipalities",
    Choice: "question__survey__municipalities",
    Response: "survey__municipalities",
    Answer: "response__survey__municipalities",
    UnsafePlace: "municipality",
    Dialogue: "municipality",
    Suggestion: "municipality",
}
# Paths through a to-many relation: the filtered queryset needs distinct() not to repeat rows.
TO_MANY = {
    "municipalities",
    "survey__municipalities",
    "question__survey__municipalities",
    "response__survey__municipalities",
}


def coordinator_for(user):
    if not user.is_authenticated:
        return None
    try:
        return user.coordinator
    except Coordinator.DoesNotExist:
        return None


def is_national_admin(user):
    return user.is_active and user.is_superuser


def municipality_ids(user):
    """The kommuner this user coordinates; None means all of them (a national administrator)."""
    if is_national_admin(user):
        return None
    coordinator = coordinator_for(user)
    if coordinator is None:
        return set()
    if not hasattr(user, "_scoped_municipality_ids"):
        user._scoped_municipality_ids = set(coordinator.municipalities.values_list("pk", flat=True))
    return user._scoped_municipality_ids


def is_scoped(model):
    return model in MUNICIPALITY_PATH


def scope(queryset, user):
    """The part of `queryset` the user may see. Models without a kommun (themes) are national."""
    path = MUNICIPALITY_PATH.get(queryset.model)
    if path is None:
        return queryset
    ids = municipality_ids(user)
    if ids is None:
        return queryset
    condition = Q(**{f"{path}__in": ids})
    if path in TO_MANY:
        # Reached through a to-many relation: without distinct() a police area would repeat per kommun.
        return queryset.filter(condition).distinct()
    return queryset.filter(condition)


def may_touch_municipality(user, municipality_id):
    ids = municipality_ids(user)
    return ids is None or municipality_id in ids
