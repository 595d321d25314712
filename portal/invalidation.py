"""Which cached public pages a change makes stale: renews the page-cache tokens (portal/page_cache.py).

Each model says what a change to it makes stale, in a class attribute:

- ``page_cache_invalidates = "everywhere"``: it shows on every page, or decides which kommun a page belongs to
  (kommuner, police areas, themes); a change renews the token all pages read.
- ``page_cache_invalidates = "nothing"``: never shown publicly (suggestions, feedback, coordinators), or only once
  no more rows arrive (survey responses); saving one must not throw away cached pages.
- otherwise, a model with a ``municipality_path`` (portal/scoping.py): every save, delete and many-to-many change
  renews the tokens of the kommuner the row belongs to, and the national token.

A model may also define ``hidden_when_created()``: true when a row just created shows on no public page yet (a
resident's report awaiting moderation), so creating it renews nothing.

Writes that bypass the model signals (QuerySet.update() in admin actions, the CSV import, the bulk inserts of the
synthetic nation) call `municipalities_changed()` or `everything_changed()` themselves.

Tokens are renewed at once, so that a page read later in the same transaction or test is fresh, and again when
the transaction commits: a page rendered by another process between the two saw the old rows and was stored under
the first new token, which the second makes unreachable.

Apps above portal that keep something else made from public content (the PDFs made ahead, promises/
documents_ahead.py) register a listener with `on_pages_changed()`: it hears, after the commit, which kommuner's
pages changed.
"""

import functools

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save

from portal import page_cache
from portal.models import Municipality
from portal.scoping import municipality_path

EVERYWHERE = "everywhere"
NOTHING = "nothing"
KOMMUN = "kommun"

_listeners = []


def on_pages_changed(listener):
    """Call listener(slugs) after each commit that changed public pages: the kommun slugs whose pages changed, or
    None when every page did. portal offers the hook; the apps above it register (DESIGN.md, dependencies)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(slugs):
    if _listeners:
        # robust: a listener's error is logged by Django and never undoes or fails the change that was committed.
        transaction.on_commit(lambda: [listener(slugs) for listener in _listeners], robust=True)


@functools.cache
def invalidates(model):
    """EVERYWHERE, KOMMUN (the pages of the kommuner a row belongs to), or None for a change that makes no page
    stale (NOTHING declared, or a model that is not on public pages at all)."""
    declared = getattr(model, "page_cache_invalidates", None)
    if declared == EVERYWHERE:
        return EVERYWHERE
    if declared == NOTHING:
        return None
    if declared is not None:
        raise ImproperlyConfigured(
            f"{model.__name__}.page_cache_invalidates is {declared!r}: say {EVERYWHERE!r} or {NOTHING!r}."
        )
    return KOMMUN if municipality_path(model) is not None else None


def _everywhere(model):
    return invalidates(model) == EVERYWHERE


def _watched(model):
    return invalidates(model) is not None


def _not_public(model):
    return getattr(model, "page_cache_invalidates", None) == NOTHING


def everything_changed():
    _renew([page_cache.ALL])
    _notify(None)


def municipalities_changed(municipality_ids):
    """The pages of these kommuner, and every national page, are stale."""
    municipality_ids = set(municipality_ids)
    slugs = (
        Municipality.objects.filter(pk__in=municipality_ids).values_list("slug", flat=True) if municipality_ids else ()
    )
    _municipality_slugs_changed(slugs)


def _municipality_slugs_changed(slugs):
    slugs = set(slugs)
    _renew([page_cache.NATIONAL, *(page_cache.kommun_scope(slug) for slug in slugs)])
    if slugs:
        _notify(slugs)


def _renew(scopes):
    page_cache.renew(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: page_cache.renew(scopes))


def _slugs(model, pk):
    """The slugs of the kommuner a row belongs to: cached pages are keyed by the slug in their address."""
    path = municipality_path(model)
    lookup = "slug" if path == "pk" else f"{path}__slug"
    return set(model._default_manager.filter(pk=pk).exclude(**{lookup: None}).values_list(lookup, flat=True))


def _first_step(model):
    """The foreign key a row reaches its kommun through (FollowUp: period_id), None through a many-to-many."""
    name = municipality_path(model).split("__")[0]
    field = model._meta.get_field(name)
    return field.attname if field.many_to_one else None


def _hidden_when_created(instance, created):
    return created and hasattr(instance, "hidden_when_created") and instance.hidden_when_created()


def _before_save(sender, instance, raw=False, **kwargs):
    # The kommun the row belonged to before this save, asked of the database (the instance already holds the new
    # values): a row moved to another kommun leaves both kommuner's pages stale.
    if invalidates(sender) == KOMMUN and not raw and instance.pk and not instance._state.adding:
        step = _first_step(sender)
        path = municipality_path(sender)
        rows = sender._default_manager.filter(pk=instance.pk).values_list(step or "pk", f"{path}__slug")
        instance._page_cache_before = (
            {value for value, _slug in rows} if step else None,
            {slug for _value, slug in rows if slug is not None},
        )


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    if not _watched(sender) or raw or _hidden_when_created(instance, created):
        return
    if _everywhere(sender):
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
    if invalidates(sender) == KOMMUN:
        instance._page_cache_before = (None, _slugs(sender, instance.pk))


def _after_delete(sender, instance, **kwargs):
    if not _watched(sender):
        return
    if _everywhere(sender):
        everything_changed()
        return
    before = getattr(instance, "_page_cache_before", None)
    _municipality_slugs_changed(before[1] if before else ())


def _many_to_many_changed(sender, instance, action, model, pk_set, **kwargs):
    # pre_clear and not post_clear: after a clear the rows no longer lead to the kommuner they were shown in.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    owner = type(instance)
    if _not_public(owner) or _not_public(model) or (not _watched(owner) and not _watched(model)):
        return
    if _everywhere(owner) or (_everywhere(model) and model is not Municipality):
        everything_changed()
        return
    slugs = _slugs(owner, instance.pk) if _watched(owner) else set()
    if model is Municipality:
        # Survey.municipalities: the kommuner added or removed are among those whose pages change.
        slugs |= set(Municipality.objects.filter(pk__in=pk_set or ()).values_list("slug", flat=True))
    elif _watched(model):
        for pk in pk_set or ():
            slugs |= _slugs(model, pk)
    _municipality_slugs_changed(slugs)


def _renew_after_migrate(sender, **kwargs):
    everything_changed()


def connect():
    """Called from PortalConfig.ready(): cached public pages follow every change to what they show."""
    from django.apps import apps

    # A value other than the two known ones is a typo that would silently cache too much: refuse to start.
    for model in apps.get_models():
        invalidates(model)
    pre_save.connect(_before_save, dispatch_uid="page_cache.pre_save")
    post_save.connect(_after_save, dispatch_uid="page_cache.post_save")
    pre_delete.connect(_before_delete, dispatch_uid="page_cache.pre_delete")
    post_delete.connect(_after_delete, dispatch_uid="page_cache.post_delete")
    m2m_changed.connect(_many_to_many_changed, dispatch_uid="page_cache.m2m_changed")
    # A deployment runs `migrate`: pages cached by the previous release's templates and code are not served. Any
    # app's post_migrate will do (renewing is one cache write), so none is named and none is imported.
    post_migrate.connect(_renew_after_migrate, dispatch_uid="page_cache.post_migrate")
