"""Template tags for the admin's own parts: who is logged in (templates/admin/base_site.html)."""

from django import template
from django.utils.translation import gettext as _

from portal.scoping import coordinator_for, is_national_admin

register = template.Library()


@register.inclusion_tag("admin/includes/_identity.html")
def admin_identity(user):
    """Name, organisation and kommuner, so that a coordinator always sees whose account and whose kommuner these are.

    Someone with both roles (a superuser who is also a coordinator) is named as a national administrator: that
    is what decides what they see.
    """
    coordinator = coordinator_for(user)
    national = is_national_admin(user)
    if national:
        organisation, kommuner = _("Nationell administratör"), []
    elif coordinator is not None:
        organisation = coordinator.get_organisation_display()
        kommuner = list(coordinator.municipalities.order_by("name").values_list("name", flat=True))
    else:
        organisation, kommuner = "", []
    return {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "organisation": organisation,
        "kommuner": kommuner,
        "national": national,
    }
