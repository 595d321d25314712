"""The surveys' part of the admin start page's to-do list: residents' input waiting to be read.

Registered in SurveysConfig.ready() with portal.admin_site.register_todo (portal imports nothing from surveys).
Per kommun, counts with links to the admin list filtered to exactly those rows. One grouped query per kind of
input, however many kommuner the person coordinates (tests/portal/test_admin_index.py pins the count).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from portal.scoping import scope
from surveys.models import Moderation, Suggestion, UnsafePlace


@dataclass
class InputTodo:
    municipality_name: str
    links: list = field(default_factory=list)


def waiting_places():
    """Residents' reports of unsafe places nobody has moderated: not yet read. Also the weekly digest's."""
    return UnsafePlace.objects.filter(moderation=Moderation.PENDING)


def waiting_suggestions():
    """Suggestions still marked new: not yet read. Also the weekly digest's."""
    return Suggestion.objects.filter(state=Suggestion.State.NEW)


def counts_by_municipality(queryset):
    return queryset.values("municipality_id", "municipality__official_name").annotate(count=Count("pk"))


def changelist_url(model, **filters):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}"


def residents_input_todo(*, user):
    """[InputTodo] per kommun, by kommun name: unsafe-place reports to moderate, new suggestions to read."""
    by_municipality = {}

    def add(row, text, url):
        todo = by_municipality.setdefault(row["municipality_id"], InputTodo(row["municipality__official_name"]))
        todo.links.append((text, url))

    if user.has_perm("surveys.change_unsafeplace"):
        pending = scope(waiting_places(), user)
        for row in counts_by_municipality(pending):
            text = ngettext(
                "%(count)d rapport om en otrygg plats väntar på granskning",
                "%(count)d rapporter om otrygga platser väntar på granskning",
                row["count"],
            ) % {"count": row["count"]}
            url = changelist_url(
                UnsafePlace, municipality__id__exact=row["municipality_id"], moderation__exact=Moderation.PENDING
            )
            add(row, text, url)
    if user.has_perm("surveys.change_suggestion"):
        new = scope(waiting_suggestions(), user)
        for row in counts_by_municipality(new):
            text = ngettext("%(count)d ny synpunkt att läsa", "%(count)d nya synpunkter att läsa", row["count"]) % {
                "count": row["count"]
            }
            url = changelist_url(
                Suggestion, municipality__id__exact=row["municipality_id"], state__exact=Suggestion.State.NEW
            )
            add(row, text, url)
    return sorted(by_municipality.values(), key=lambda todo: todo.municipality_name)


def admin_todo(request):
    todo = residents_input_todo(user=request.user)
    if not todo:
        return ""
    return render_to_string("admin/surveys/todo.html", {"todo": todo}, request=request)
