"""Subscriptions in the admin: how many per kommun, for national administrators only, and never an address.

Least privilege: nobody's work in the admin needs a resident's address. Coordinators do not see subscriptions at
all (a count is not theirs to act on, and the page would be one more place an address could leak from); national
administrators see the number of confirmed and unconfirmed subscriptions per kommun. A resident leaves through the
link in every mail; nobody adds, changes or deletes a subscription here.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse

from portal.models import Municipality
from portal.scoping import is_national_admin
from subscriptions.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_national_admin(request.user)

    def has_view_permission(self, request, obj=None):
        # The list of counts only: no single subscription is ever shown (obj is not None for a change page).
        return obj is None and is_national_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        municipalities = (
            Municipality.objects.annotate(
                confirmed=Count("subscriptions", filter=Q(subscriptions__unconfirmed_since__isnull=True)),
                unconfirmed=Count("subscriptions", filter=Q(subscriptions__unconfirmed_since__isnull=False)),
            )
            # On the counts (HAVING): a filter on the relation itself would join it again and double them.
            .filter(Q(confirmed__gt=0) | Q(unconfirmed__gt=0))
            .order_by("name")
        )
        rows = list(municipalities)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.opts.verbose_name_plural.capitalize(),
            "rows": rows,
            "total_confirmed": sum(row.confirmed for row in rows),
            "total_unconfirmed": sum(row.unconfirmed for row in rows),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/subscriptions/subscription/counts.html", context)
