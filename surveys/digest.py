"""The surveys' part of the weekly digest to coordinators (portal/digest.py): residents' input unread for a week.

"Unread" is what the admin start page's to-do list counts (surveys/admin/todo.py): a report of an unsafe place
nobody has moderated, a suggestion still marked new. Counted per kommun for everyone at once, with a link to the
admin list filtered to exactly those rows. Only counts and dates go into the mail, never what a resident wrote.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.digest import RESIDENTS, DigestItem, unread_cutoff
from surveys.admin.todo import changelist_url, counts_by_municipality, waiting_places, waiting_suggestions
from surveys.models import Moderation, Suggestion, UnsafePlace


def _allowed(permission, users):
    # Who may act on the rows, for every recipient in one query (the to-do list asks user.has_perm() per person).
    return set(
        get_user_model()
        .objects.with_perm(permission, backend="django.contrib.auth.backends.ModelBackend")
        .filter(pk__in=users)
        .values_list("pk", flat=True)
    )


def digest_items(*, recipients, today):
    cutoff = unread_cutoff(today)
    ids = {municipality.pk for coordinator in recipients for municipality in coordinator.municipalities.all()}
    users = [coordinator.user_id for coordinator in recipients]
    kinds = []
    if places_allowed := _allowed("surveys.change_unsafeplace", users):
        rows = counts_by_municipality(waiting_places().filter(municipality__in=ids, reported_on__lte=cutoff))
        counts = {row["municipality_id"]: row["count"] for row in rows}
        kinds.append((places_allowed, counts, _place_item))
    if suggestions_allowed := _allowed("surveys.change_suggestion", users):
        rows = counts_by_municipality(waiting_suggestions().filter(municipality__in=ids, submitted_on__lte=cutoff))
        counts = {row["municipality_id"]: row["count"] for row in rows}
        kinds.append((suggestions_allowed, counts, _suggestion_item))
    items = {}
    for coordinator in recipients:
        found = items.setdefault(coordinator.pk, [])
        for allowed, counts, make in kinds:
            if coordinator.user_id not in allowed:
                continue
            for municipality in coordinator.municipalities.all():
                if count := counts.get(municipality.pk):
                    found.append(make(municipality.pk, count, cutoff))
    return items


def _place_item(municipality_id, count, cutoff):
    text = ngettext(
        "%(count)d rapport om en otrygg plats har väntat på granskning i mer än en vecka.",
        "%(count)d rapporter om otrygga platser har väntat på granskning i mer än en vecka.",
        count,
    ) % {"count": count}
    path = changelist_url(
        UnsafePlace,
        municipality__id__exact=municipality_id,
        moderation__exact=Moderation.PENDING,
        reported_on__lte=cutoff.isoformat(),
    )
    return DigestItem(municipality_id, RESIDENTS, text, _("Granska rapporterna"), path)


def _suggestion_item(municipality_id, count, cutoff):
    text = ngettext(
        "%(count)d synpunkt har inte lästs på mer än en vecka.",
        "%(count)d synpunkter har inte lästs på mer än en vecka.",
        count,
    ) % {"count": count}
    path = changelist_url(
        Suggestion,
        municipality__id__exact=municipality_id,
        state__exact=Suggestion.State.NEW,
        submitted_on__lte=cutoff.isoformat(),
    )
    return DigestItem(municipality_id, RESIDENTS, text, _("Läs synpunkterna"), path)
