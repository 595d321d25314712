"""What every app's admin shares: kommun scoping (portal/scoping.py) and the form field defaults.

The promises' own admin parts (stale-form refusal, the approval workflow) are in promises/admin/workflow.py.
"""

from django.contrib import admin
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from portal.scoping import is_national_admin, is_scoped, scope

# Links to evidence are typed without a scheme more often than not; https is the right guess.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


class ScopedMixin:
    """Coordinators see and change only their own kommuner's rows: lists, inlines, choices, autocomplete."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

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
