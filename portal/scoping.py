"""Which rows a user may see and change in the admin: a coordinator only their own kommuner's.

Each scoped model says how it reaches its kommun, in a class attribute holding a lookup path, for example::

    class FollowUp(models.Model):
        municipality_path = "period__municipality"

Models without one (themes, users) are national. Every admin list, change view, add form, inline, autocomplete,
history page, action and export goes through `scope()` (ScopedAdmin in portal/admin_mixins.py); the page cache
finds the kommun pages a change makes stale along the same path (portal/invalidation.py).
"""

import functools

from django.db.models import Q

from portal.models import Coordinator


def municipality_path(model):
    """The lookup path from `model` to its kommun ("pk" for the kommun itself), or None for a national model."""
    return getattr(model, "municipality_path", None)


@functools.cache
def _through_to_many(model):
    # Derived from the fields rather than kept by hand: a path through a to-many relation (a survey's kommuner, a
    # police area's) matches a row once per kommun, so the filtered queryset needs distinct().
    path = municipality_path(model)
    if path in (None, "pk"):
        return False
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


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
    return municipality_path(model) is not None


def scope(queryset, user):
    """The part of `queryset` the user may see. Models without a kommun (themes) are national."""
    path = municipality_path(queryset.model)
    if path is None:
        return queryset
    ids = municipality_ids(user)
    if ids is None:
        return queryset
    condition = Q(**{f"{path}__in": ids})
    if _through_to_many(queryset.model):
        # Reached through a to-many relation: without distinct() a police area would repeat per kommun.
        return queryset.filter(condition).distinct()
    return queryset.filter(condition)


def may_touch_municipality(user, municipality_id):
    ids = municipality_ids(user)
    return ids is None or municipality_id in ids
