"""What every admin page of the portal shares: kommun scoping, stale-form refusal and the approval workflow."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.scoping import coordinator_for, is_national_admin, is_scoped, scope
from promises.locking import VersionedAdminForm
from promises.services import approval_record, content_changed

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


class VersionedAdminMixin:
    """Opens every form at the row's version and refuses a save made from an older one."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        if obj is not None:
            _name, first = fieldsets[0]
            first["fields"] = [*first["fields"], "edit_version"]
        return fieldsets


class ApprovableAdminMixin:
    """Two-party approval: buttons on the change page, an approval-state filter, read-only publication."""

    change_form_template = "admin/promises/approvable_change_form.html"
    publication_fields = ()
    approval_fields = (
        "municipality_approved_at",
        "municipality_approved_by",
        "police_approved_at",
        "police_approved_by",
        "content_updated_at",
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), *self.approval_fields]
        if not is_national_admin(request.user):
            # Coordinators publish by approving; only a national administrator sets publication directly.
            readonly += [*self.publication_fields]
        return readonly

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/godkann/",
                self.admin_site.admin_view(self.approve_view),
                name="{}_{}_approve".format(*info),
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object_in_scope_or_404(request, object_id)
        try:
            published = approval_record(obj=obj, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
        else:
            if published:
                self.message_user(request, _("Godkänt av båda parter: nu publicerad."), messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    _("Godkänt. Publiceras när den andra parten också har godkänt."),
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object_in_scope_or_404(request, object_id)
        coordinator = coordinator_for(request.user)
        side = coordinator.organisation if coordinator else None
        extra_context = {
            **(extra_context or {}),
            "approval": {
                "state": obj.approval_state_label,
                "published": obj.is_published,
                "municipality_at": obj.municipality_approved_at,
                "municipality_by": obj.municipality_approved_by,
                "police_at": obj.police_approved_at,
                "police_by": obj.police_approved_by,
                "can_approve": side is not None and not obj.is_published and not obj.approved_at(side),
                "side": coordinator.get_organisation_display() if coordinator else "",
                "url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_approve", args=[obj.pk]),
            },
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # A change to the record itself is folded into its own save: one history row, one version.
        request._approvals_withdrawn = (
            change and self._form_has_changed(form) and content_changed(obj=obj, user=request.user, save=False)
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        withdrawn = getattr(request, "_approvals_withdrawn", False)
        if change and not self._form_has_changed(form) and any(f.has_changed() for f in formsets):
            withdrawn = content_changed(obj=form.instance, user=request.user)
        if withdrawn:
            self.message_user(
                request,
                _("Innehållet ändrades, så de tidigare godkännandena togs bort. Båda parter behöver godkänna igen."),
                messages.WARNING,
            )

    def _form_has_changed(self, form):
        ignored = {"edit_version", *self.publication_fields}
        return any(name not in ignored for name in form.changed_data)


class ApprovalStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("godkännande")
    parameter_name = "godkannande"

    def lookups(self, request, model_admin):
        from promises.models import ApprovalState

        return ApprovalState.choices

    def queryset(self, request, queryset):
        from promises.models import approval_state_q

        if self.value() is None:
            return queryset
        try:
            return queryset.filter(approval_state_q(self.value()))
        except KeyError:
            return queryset.none()


class PeriodContentAdminMixin:
    """Parts of a period (focus areas, activities): a change is a change to the period's content."""

    def period_of(self, obj):
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [name for name in form.changed_data if name != "edit_version"]
        if not change or changed or any(formset.has_changed() for formset in formsets):
            period = self.period_of(form.instance)
            if content_changed(obj=period, user=request.user):
                self.message_user(
                    request,
                    _(
                        "Medborgarlöftet ändrades, så de tidigare godkännandena togs bort. "
                        "Båda parter behöver godkänna igen."
                    ),
                    messages.WARNING,
                )


def csv_safe(value):
    """Spreadsheet programs run cells that start like a formula; prefix those so they stay text."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response.write("\ufeff")  # Excel needs the byte-order mark to read UTF-8 (å, ä, ö)
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return response
