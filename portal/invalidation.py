"""Which cached public pages a change makes stale: renews the page-cache tokens (portal/page_cache.py).

Every save, delete and many-to-many change of a public model renews the tokens of the kommuner the row belongs
to (promises/scoping.py knows the way from each model to its kommun) and the national token; a change to a model
that shows on every page (kommuner, police areas, themes) renews the token all pages read.

Writes that bypass the model signals (QuerySet.update() in admin actions, the CSV import, the bulk inserts of the
synthetic nation) call `municipalities_changed()` or `everything_changed()` themselves.

Tokens are renewed at once, so that a page read later in the same transaction or test is fresh, and again when
the transaction commits: a page rendered by another process between the two saw the old rows and was stored under
the first new token, which the second makes unreachable.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from portal import page_cache
from portal.models import AccessibilityFeedback, Coordinator, Municipality, PoliceArea
from portal.scoping import MUNICIPALITY_PATH
from promises.models import Theme
from surveys.models import Answer, Moderation, Response, Suggestion, UnsafePlace

# Shown on every page, or deciding which kommun a page belongs to.
EVERYWHERE = {Municipality, PoliceArea, Theme}
# Never shown publicly (suggestions, feedback, coordinators), or only once a survey has closed, when no more
# answers arrive (responses): saving one must not throw away cached pages, least of all at 200 answers a second.
NOT_PUBLIC = {Response, Answer, Suggestion, AccessibilityFeedback, Coordinator}
WATCHED = EVERYWHERE | (set(MUNICIPALITY_PATH) - NOT_PUBLIC)


def everything_changed():
    _renew([page_cache.ALL])


def municipalities_changed(municipality_ids):
    """The pages of these kommuner, and every national page, are stale."""
    municipality_ids = set(municipality_ids)
    slugs = (
        Municipality.objects.filter(pk__in=municipality_ids).values_list("slug", flat=True) if municipality_ids else ()
    )
    _municipality_slugs_changed(slugs)


def _municipality_slugs_changed(slugs):
    _renew([page_cache.NATIONAL, *(page_cache.kommun_scope(slug) for slug in slugs)])


def _renew(scopes):
    page_cache.renew(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: page_cache.renew(scopes))


def _slugs(model, pk):
    """The slugs of the kommuner a row belongs to: cached pages are keyed by the slug in their address."""
    path = MUNICIPALITY_PATH[model]
    lookup = "slug" if path == "pk" else f"{path}__slug"
    return set(model._default_manager.filter(pk=pk).exclude(**{lookup: None}).values_list(lookup, flat=True))


def _first_step(model):
    """The foreign key a row reaches its kommun through (FollowUp: period_id), None through a many-to-many."""
    name = MUNICIPALITY_PATH[model].split("__")[0]
    field = model._meta.get_field(name)
    return field.attname if field.many_to_one else None


def _is_unmoderated_report(model, instance, created):
    # A resident's report waits for moderation: until a coordinator approves it, no public page shows it.
    return model is UnsafePlace and created and instance.moderation != Moderation.APPROVED


def _before_save(sender, instance, raw=False, **kwargs):
    # The kommun the row belonged to before this save, asked of the database (the instance already holds the new
    # values): a row moved to another kommun leaves both kommuner's pages stale.
    if sender in WATCHED and sender not in EVERYWHERE and not raw and instance.pk and not instance._state.adding:
        step = _first_step(sender)
        path = MUNICIPALITY_PATH[sender]
        rows = sender._default_manager.filter(pk=instance.pk).values_list(step or "pk", f"{path}__slug")
        instance._page_cache_before = (
            {value for value, _slug in rows} if step else None,
            {slug for _value, slug in rows if slug is not None},
        )


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    if sender not in WATCHED or raw or _is_unmoderated_report(sender, instance, created):
        return
    if sender in EVERYWHERE:
        everything_changed()
        return
    step = _first_step(sender)
    before = getattr(instance, "_page_cache_before", None)
    if before is not None and step is not None and before[0] == {getattr(instance, step)}:
        # Still under the same parent: the kommun is the one looked up before the save.
        slugs = before[1]
    else:
        slugs = (before[1] if before else set()) | _slugs(sender, instance.pk)
    instance._page_cache_before = None
    _municipality_slugs_changed(slugs)


def _before_delete(sender, instance, **kwargs):
    # Asked before the delete: afterwards the way to the kommun may be gone with the row.
    if sender in WATCHED and sender not in EVERYWHERE:
        instance._page_cache_before = (None, _slugs(sender, instance.pk))


def _after_delete(sender, instance, **kwargs):
    if sender not in WATCHED:
        return
    if sender in EVERYWHERE:
        everything_changed()
        return
    before = getattr(instance, "_page_cache_before", None)
    _municipality_slugs_changed(before[1] if before else ())


def _many_to_many_changed(sender, instance, action, model, pk_set, **kwargs):
    # pre_clear and not post_clear: after a clear the rows no longer lead to the kommuner they were shown in.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    owner = type(instance)
    if owner in NOT_PUBLIC or model in NOT_PUBLIC or (owner not in WATCHED and model not in WATCHED):
        return
    if owner in EVERYWHERE or (model in EVERYWHERE and model is not Municipality):
        everything_changed()
        return
    slugs = _slugs(owner, instance.pk) if owner in WATCHED else set()
    if model is Municipality:
        # Survey.municipalities: the kommuner added or removed are among those whose pages change.
        slugs |= set(Municipality.objects.filter(pk__in=pk_set or ()).values_list("slug", flat=True))
    elif model in WATCHED:
        for pk in pk_set or ():
            slugs |= _slugs(model, pk)
    _municipality_slugs_changed(slugs)


def connect():
    pre_save.connect(_before_save, dispatch_uid="page_cache.pre_save")
    post_save.connect(_after_save, dispatch_uid="page_cache.post_save")
    pre_delete.connect(_before_delete, dispatch_uid="page_cache.pre_delete")
    post_delete.connect(_after_delete, dispatch_uid="page_cache.post_delete")
    m2m_changed.connect(_many_to_many_changed, dispatch_uid="page_cache.m2m_changed")
