"""The promises' admin parts: stale-form refusal and the two-party approval workflow.

What every app's admin shares (kommun scoping, ScopedAdmin) is in portal/admin_mixins.py.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Organisation
from portal.scoping import coordinator_for, is_national_admin
from promises.locking import VersionedAdminForm
from promises.models import ApprovalState, PromisePeriod, Publication, approval_state_q
from promises.services import approval_blockers, approval_record, coordinator_todo
from promises.snapshots import content_snapshot, snapshot_changes


class VersionedAdminMixin:
    """Opens every form at the row's version and refuses a save made from an older one."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        if obj is not None:
            _name, first = fieldsets[0]
            first["fields"] = [*first["fields"], "edit_version"]
        return fieldsets


def _approvals_standing(model, pk):
    """Which organisations' approvals count for the stored record now: (kommun, polis)."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return (False, False)
    return (obj.municipality_approval_counts, obj.police_approval_counts)


UNSAVED_MESSAGE = gettext_lazy(
    "Du har ändringar som inte är sparade, så inget är godkänt. Spara först, läs igenom och godkänn sedan: "
    "ett godkännande gäller det som är sparat."
)


class ApprovableAdminMixin:
    """Two-party approval of a content version: a review page, a preview, and no approval of unsaved text.

    Approving is its own step after saving. The button on the change form is part of the form, so that text typed
    but not saved is never lost: the form comes back with everything typed and a message to save first. When
    nothing is unsaved it leads to the approval page, which shows what is being approved (the whole content, or
    what changed since publication) and approves exactly the version shown there.
    """

    change_form_template = "admin/promises/approvable_change_form.html"
    approve_template = "admin/promises/approve.html"
    preview_template = None
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

    def _url(self, name, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk])

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/godkann/",
                self.admin_site.admin_view(self.approve_view),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<path:object_id>/forhandsvisning/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_view_on_site_url(self, obj=None):
        # A draft has no public page yet: "Visa på webbplats" shows it as it will be published.
        if obj is not None and not obj.is_published:
            return self._url("preview", obj)
        return super().get_view_on_site_url(obj)

    # --- approving ---

    def _side(self, request):
        coordinator = coordinator_for(request.user)
        return coordinator.organisation if coordinator else None

    def approve_view(self, request, object_id):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self.get_object_in_scope_or_404(request, object_id)
        if request.method == "POST":
            return self._approve(request, obj)
        side = self._side(request)
        entries = content_snapshot(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Godkänn: %(object)s") % {"object": obj},
            "subtitle": None,
            "entries": [entry for entry in entries if entry[2]],
            "changes": snapshot_changes(obj.published_snapshot, entries) if obj.published_snapshot else None,
            "blockers": approval_blockers(obj),
            "side": side,
            "side_label": coordinator_for(request.user).get_organisation_display() if side else "",
            "already": bool(side and obj.approved_at(side)),
            "change_url": self._url("change", obj),
            "preview_url": self._url("preview", obj),
            "approve_url": self._url("approve", obj),
            "has_view_permission": self.has_view_permission(request, obj),
        }
        return TemplateResponse(request, self.approve_template, context)

    def _approve(self, request, obj):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            self.message_user(request, _("Godkännandet saknade versionsnummer. Försök igen."), messages.ERROR)
            return HttpResponseRedirect(self._url("approve", obj))
        try:
            published = approval_record(obj=obj, user=request.user, version=version)
        except (PermissionDenied, ValidationError) as error:
            texts = error.messages if isinstance(error, ValidationError) else [str(error)]
            for text in texts:
                self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(self._url("approve", obj))
        if published:
            self.message_user(request, _("Godkänt av båda parter: nu publicerad."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Version %(version)s är godkänd. Den publiceras när den andra parten har godkänt samma version.")
                % {"version": version},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._url("change", obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and "_approve" in request.POST:
            obj = self.get_object_in_scope_or_404(request, object_id)
            if not self._unsaved_changes(request, obj):
                return HttpResponseRedirect(self._url("approve", obj))
            # The form is shown again with everything typed, and the message at the top; nothing is saved.
            request._approve_refused = True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _unsaved_changes(self, request, obj):
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(request, obj, change=True, fields=flatten_fieldsets(fieldsets))
        form = form_class(request.POST, request.FILES, instance=obj)
        formsets, _inlines = self._create_formsets(request, obj, change=True)
        return self._form_has_changed(form) or any(formset.has_changed() for formset in formsets)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refuse = getattr(request, "_approve_refused", False)
        model = self.model

        class ApprovableForm(form):
            def clean(self):
                cleaned_data = super().clean()
                if refuse:
                    raise ValidationError(UNSAVED_MESSAGE, code="unsaved")
                publishing = cleaned_data.get("publication") == Publication.PUBLISHED
                if "publication" in self.changed_data and publishing and self.instance.pk:
                    stored = model.objects.get(pk=self.instance.pk)
                    if not (stored.municipality_approval_counts and stored.police_approval_counts):
                        self.add_error(
                            "publication",
                            _(
                                "Det publiceras när både kommunen och polisen har godkänt samma version. "
                                "En administratör kan avpublicera, men inte publicera utan godkännanden."
                            ),
                        )
                return cleaned_data

        ApprovableForm.__name__ = form.__name__
        return ApprovableForm

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object_in_scope_or_404(request, object_id)
        side = self._side(request)
        coordinator = coordinator_for(request.user)
        extra_context = {
            **(extra_context or {}),
            "approval": {
                "state": obj.approval_state_label,
                "published": obj.is_published,
                "version": obj.content_version,
                "published_version": obj.published_version,
                "municipality_at": obj.approved_at(Organisation.MUNICIPALITY),
                "municipality_by": obj.municipality_approved_by,
                "police_at": obj.approved_at(Organisation.POLICE),
                "police_by": obj.police_approved_by,
                "can_approve": side is not None and not obj.is_published and not obj.approved_at(side),
                "side": coordinator.get_organisation_display() if coordinator else "",
                "preview_url": self._url("preview", obj),
            },
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- previewing ---

    def preview_view(self, request, object_id):
        obj = self.get_object_in_scope_or_404(request, object_id)
        current = content_snapshot(obj)
        preview = {
            "state": obj.approval_state_label,
            "published": obj.is_published,
            "version": obj.content_version,
            "changes": snapshot_changes(obj.published_snapshot, current) if obj.published_snapshot else None,
            "change_url": self._url("change", obj),
            "approve_url": self._url("approve", obj),
        }
        response = self.render_preview(request, obj, preview)
        # Only for this kommun's coordinators: never kept by a cache, never indexed.
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_preview(self, request, obj, preview):
        raise NotImplementedError

    # --- saving ---

    def save_model(self, request, obj, form, change):
        if change:
            request._approvals_before = _approvals_standing(self.model, obj.pk)
            if getattr(request, "_reverting", False):
                self._keep_all_but_content(obj)
        super().save_model(request, obj, form, change)

    def _keep_all_but_content(self, obj):
        # A revert copies the content fields only: publication and approvals stay as they are now, and the
        # content change makes a new version like any other (Approvable.save()).
        current = self.model.objects.get(pk=obj.pk)
        content = set(self.model.content_fields)
        for field in self.model._meta.concrete_fields:
            if field.name not in content and not field.primary_key:
                setattr(obj, field.attname, getattr(current, field.attname))
        obj._change_reason = _("Innehållet återställt från historiken")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_approvals_before", (False, False))
        if change and any(before) and not any(_approvals_standing(self.model, form.instance.pk)):
            self.message_user(
                request,
                _(
                    "Innehållet ändrades, så de tidigare godkännandena gäller inte längre. "
                    "Båda parter behöver godkänna igen."
                ),
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
    """Parts of a period (focus areas, activities): a change is a new version of the period (promises/versions.py).

    Here only the message: the coordinator is told when the change took back approvals already given.
    """

    def period_of(self, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        period_ids = {self.period_of(obj).pk}
        if change:
            stored = self.model.objects.filter(pk=obj.pk).first()
            if stored is not None:
                period_ids.add(self.period_of(stored).pk)  # a move touches the period it leaves too
        request._period_approvals_before = {pk: _approvals_standing(PromisePeriod, pk) for pk in period_ids}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_period_approvals_before", {})
        if any(any(standing) and not any(_approvals_standing(PromisePeriod, pk)) for pk, standing in before.items()):
            self.message_user(
                request,
                _(
                    "Medborgarlöftet ändrades, så de tidigare godkännandena gäller inte längre. "
                    "Båda parter behöver godkänna igen."
                ),
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        period = self.period_of(obj)
        standing = _approvals_standing(PromisePeriod, period.pk)
        super().delete_model(request, obj)
        if any(standing) and not any(_approvals_standing(PromisePeriod, period.pk)):
            self.message_user(
                request,
                _("Medborgarlöftet ändrades, så de tidigare godkännandena gäller inte längre."),
                messages.WARNING,
            )


def admin_todo(request):
    """The promises' part of the admin start page's to-do list (registered in PromisesConfig.ready())."""
    return render_to_string("admin/promises/todo.html", {"todo": coordinator_todo(user=request.user)}, request=request)
