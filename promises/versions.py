"""Content versions: every change to a period or a follow-up, or to any of their parts, makes a new version.

An approval names the version it approved (promises/services.py), so a change by any path — a form, an inline, an
added or deleted part, a part moved to another period, the CSV import, a history revert, a bulk action — leaves the
earlier approvals counting for nothing. The record's own fields are compared in Approvable.save(); its parts are
followed here, by model signals, so that no admin page or service has to remember to call anything.

Writes that bypass the signals (QuerySet.update() in the CSV import) call content_changed() themselves.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    Party,
    PromisePeriod,
    Signatory,
    versioning,
)

# Each part, the approvable it belongs to, and the path from the part to that approvable's id.
PARTS = {
    ActivityReport: (FollowUp, "follow_up_id"),
    FocusAreaReport: (FollowUp, "follow_up_id"),
    FocusArea: (PromisePeriod, "period_id"),
    Activity: (PromisePeriod, "focus_area__period_id"),
    Party: (PromisePeriod, "period_id"),
    Signatory: (PromisePeriod, "period_id"),
}


@contextmanager
def suspended():
    """Load content without making versions: the content loader and test factories build records whole."""
    previous = getattr(versioning, "suspended", False)
    versioning.suspended = True
    try:
        yield
    finally:
        versioning.suspended = previous


def _active():
    return not getattr(versioning, "suspended", False)


def content_changed(*, obj, user=None, now=None, save=True):
    """Make a new content version of `obj` (a period or a follow-up) after one of its parts changed.

    Before publication the approvals are also withdrawn; after it the record stays public and the change is
    shown as an update. Returns True when approvals were withdrawn. `obj` is refreshed with the new version.
    The save argument is kept for callers that fold the change into their own save of `obj`.
    """
    withdrawn = version_bump(type(obj), obj.pk, now=now)
    names = ["content_version", "content_updated_at", *APPROVERS]
    obj.refresh_from_db(fields=names)
    if user is not None:
        obj._history_user = user
    # Saved, not only updated, so that the change has a history row and the page cache follows it.
    obj.save(update_fields=[*names, "updated_at"])
    return withdrawn


APPROVERS = (
    "municipality_approved_at",
    "municipality_approved_by",
    "municipality_approved_version",
    "police_approved_at",
    "police_approved_by",
    "police_approved_version",
)


def _approval_attnames(model):
    return [model._meta.get_field(name).attname for name in APPROVERS]


@transaction.atomic
def version_bump(model, pk, *, now=None):
    """One UPDATE: the next content version, and no approvals unless published. True when approvals went."""
    row = (
        model.objects.select_for_update()
        .filter(pk=pk)
        .values("publication", "municipality_approved_at", "police_approved_at")
    )
    row = row.first()
    if row is None:
        return False  # deleted together with the part (a cascade)
    fields = {"content_version": F("content_version") + 1, "content_updated_at": now or timezone.now()}
    published = row["publication"] == "published"
    withdrawn = not published and bool(row["municipality_approved_at"] or row["police_approved_at"])
    if not published:
        fields.update(dict.fromkeys(_approval_attnames(model)))
    model.objects.filter(pk=pk).update(**fields)
    return withdrawn


def _parent_id(instance, path):
    """The approvable the part belongs to now, as the caller's copy says."""
    if path == "focus_area__period_id":
        return instance.focus_area.period_id if instance.focus_area_id else None
    return getattr(instance, path)


def _compared_fields(model):
    # Everything stored on the row except its bookkeeping; a reordering is a change too, the public sees the order.
    return [field for field in model._meta.concrete_fields if not field.primary_key and field.name != "version"]


def _remember_parent(sender, instance, raw=False, **kwargs):
    """Before a part is saved: its parent as stored (a move changes two parents) and whether anything changed.

    The admin saves the main object of every change form, also when only its links changed (the evidence chain,
    which is not part of the approved text): such a save makes no new version.
    """
    if raw or sender not in PARTS or not _active():
        return
    _model, path = PARTS[sender]
    instance._versions_parent_before = None
    instance._versions_changed = True
    if instance.pk is None or instance._state.adding:
        return
    fields = _compared_fields(sender)
    stored = sender.objects.filter(pk=instance.pk).values(path, *(field.attname for field in fields)).first()
    if stored is None:
        return
    instance._versions_parent_before = stored[path]
    instance._versions_changed = any(stored[field.attname] != field.value_from_object(instance) for field in fields)


def _part_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or sender not in PARTS or not _active():
        return
    if not created and not getattr(instance, "_versions_changed", True):
        return
    model, path = PARTS[sender]
    parents = {_parent_id(instance, path), getattr(instance, "_versions_parent_before", None)}
    for pk in parents - {None}:
        version_bump(model, pk)


def _part_deleting(sender, instance, **kwargs):
    if sender not in PARTS or not _active():
        return
    _model, path = PARTS[sender]
    instance._versions_parent_before = sender.objects.filter(pk=instance.pk).values_list(path, flat=True).first()


def _part_deleted(sender, instance, **kwargs):
    if sender not in PARTS:
        return
    model, _path = PARTS[sender]
    pk = getattr(instance, "_versions_parent_before", None)
    if pk is not None:
        version_bump(model, pk)


def _responsible_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not _active():
        return
    # From the party's side (reverse) the activities are the party's own period's.
    version_bump(PromisePeriod, instance.period_id if reverse else instance.focus_area.period_id)


def _themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not _active():
        return
    if not reverse:
        version_bump(PromisePeriod, instance.period_id)
        return
    # From the theme's side (a theme's focus areas changed): every period whose areas were added or removed. A clear
    # from that side gives no pk_set; the areas are gone from the theme by then, so it is not followed (no admin
    # page or loader clears a theme's areas).
    for period_id in set(FocusArea.objects.filter(pk__in=pk_set or ()).values_list("period_id", flat=True)):
        version_bump(PromisePeriod, period_id)


def connect():
    """Called from PromisesConfig.ready()."""
    for model in PARTS:
        pre_save.connect(_remember_parent, sender=model, dispatch_uid=f"versions-pre-save-{model.__name__}")
        post_save.connect(_part_saved, sender=model, dispatch_uid=f"versions-post-save-{model.__name__}")
        pre_delete.connect(_part_deleting, sender=model, dispatch_uid=f"versions-pre-delete-{model.__name__}")
        post_delete.connect(_part_deleted, sender=model, dispatch_uid=f"versions-post-delete-{model.__name__}")
    m2m_changed.connect(
        _responsible_changed, sender=Activity.responsible.through, dispatch_uid="versions-activity-responsible"
    )
    m2m_changed.connect(_themes_changed, sender=FocusArea.themes.through, dispatch_uid="versions-focus-area-themes")
