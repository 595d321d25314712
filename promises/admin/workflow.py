"""The promises' admin parts: stale-form refusal and the two-party approval workflow.

What every app's admin shares (kommun scoping, ScopedAdmin) is in portal/admin_mixins.py.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.scoping import coordinator_for, is_national_admin
from promises.locking import VersionedAdminForm
from promises.models import ApprovalState, approval_state_q
from promises.services import approval_record, content_changed, coordinator_todo


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
        return ApprovalState.choices

    def queryset(self, request, queryset):
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


def admin_todo(request):
    """The promises' part of the admin start page's to-do list (registered in PromisesConfig.ready())."""
    return render_to_string("admin/promises/todo.html", {"todo": coordinator_todo(user=request.user)}, request=request)
