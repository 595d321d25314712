"""What every app's admin shares: kommun scoping (portal/scoping.py) and the form field defaults.

The promises' own admin parts (stale-form refusal, the approval workflow) are in promises/admin/workflow.py.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, reverse_field_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from portal.scoping import is_national_admin, is_scoped, scope

# Links to evidence are typed without a scheme more often than not; https is the right guess.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A relation filter offering only the kommuner, periods, surveys … within the user's scope."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        in_scope = scope(field.related_model._default_manager.all(), request.user).values("pk")
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": in_scope}, ordering=ordering)


class ScopedRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """Only the related rows the listed rows use, and of those only the ones within the user's scope.

    RelatedOnlyFieldListFilter alone is not enough through a to-many relation: a survey shared by Vindeln and Umeå
    would offer Umeå to Vindeln's coordinator.
    """

    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        in_scope = scope(field.related_model._default_manager.all(), request.user).values("pk")
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            limit_choices_to=models.Q(pk__in=used) & models.Q(pk__in=in_scope),
            ordering=ordering,
        )


class ScopedAllValuesFieldListFilter(admin.AllValuesFieldListFilter):
    """Values of a field across a relation ("follow_up__year"): only from rows within the user's scope.

    Django takes such values from every row of the related model; the listed model's own values already come from
    the scoped get_queryset().
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        parent_model, _path = reverse_field_path(model, field_path)
        if parent_model is not model:
            rows = scope(parent_model._default_manager.all(), request.user)
            self.lookup_choices = rows.distinct().order_by(field.name).values_list(field.name, flat=True)


def scoped_list_filter(item, model):
    """`item` from a list_filter, with Django's relation and all-values filters swapped for scoped ones."""
    if isinstance(item, str):
        path, filter_class = item, None
    elif isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
        path, filter_class = item
    else:
        return item  # a SimpleListFilter: it builds its own choices
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return item
    if field.is_relation:
        if not is_scoped(field.related_model):
            return item
        if filter_class in (None, admin.RelatedFieldListFilter):
            return (path, ScopedRelatedFieldListFilter)
        if filter_class is admin.RelatedOnlyFieldListFilter:
            return (path, ScopedRelatedOnlyFieldListFilter)
        return item
    # The all-values filter is what Django picks for a plain field without choices that is no boolean or date.
    plain = not (field.choices or isinstance(field, (models.BooleanField, models.DateField)))
    if filter_class is None and plain and "__" in path and is_scoped(field.model):
        return (path, ScopedAllValuesFieldListFilter)
    return item


class ScopedMixin:
    """Coordinators see and change only their own kommuner's rows: lists, inlines, choices, autocomplete."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        # Every relation filter offers only choices within the user's kommuner: a one-kommun coordinator never
        # sees a list of every kommun and every period in the country.
        return [scoped_list_filter(item, self.model) for item in super().get_list_filter(request)]

    def _scoped_choices(self, db_field, request, kwargs):
        if "queryset" in kwargs:
            kwargs["queryset"] = scope(kwargs["queryset"], request.user)
        elif is_scoped(db_field.related_model):
            kwargs["queryset"] = scope(db_field.related_model._default_manager.all(), request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def _in_scope(self, request, obj):
        if obj is None or is_national_admin(request.user):
            return True
        return scope(type(obj)._default_manager.filter(pk=obj.pk), request.user).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """A ModelAdmin whose object pages answer 404 for anything outside the user's kommuner."""

    formfield_overrides = URL_FORMFIELD

    def get_object_in_scope_or_404(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(_("Posten finns inte, eller hör till en kommun du inte är samordnare för."))
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.get_object_in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.get_object_in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the newest historical row for rows outside get_queryset(); that
        # would show another kommun's history, so check the scope first.
        self.get_object_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object_in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
