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


def _href(bound_field):
    # A group of radios or checkboxes has no input with the field's own id: its first input has "_0" added.
    widget = bound_field.field.widget
    if getattr(widget, "input_type", "") in ("radio", "checkbox") and getattr(widget, "choices", None):
        return f"#{bound_field.auto_id}_0"
    return f"#{bound_field.auto_id}"


def _form_errors(form, label_prefix, fallback_href):
    items = []
    for message in form.non_field_errors():
        items.append({"label": label_prefix, "message": message, "href": fallback_href})
    for name, messages in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound_field = form[name]
        # A hidden field's error (a stale form's version) has no field to point at: the form itself is the place.
        href = fallback_href if bound_field.is_hidden else _href(bound_field)
        label = bound_field.label
        if label_prefix:
            label = f"{label_prefix}, {label}"
        for message in messages:
            items.append({"label": label, "message": message, "href": href})
    return items


@register.inclusion_tag("admin/includes/_error_summary.html")
def admin_error_summary(adminform, inline_admin_formsets, form_id):
    """GOV.UK's error summary: every error on the page as a link to its field, main form first, then inlines.

    Links go to the input's id: `#id_<name>`, and in an inline `#id_<prefix>-<n>-<name>`; an error about a
    whole inline row goes to the row (`#<prefix>-<n>`), about the whole inline to its group.
    """
    items = _form_errors(adminform.form, "", f"#{form_id}") if adminform else []
    for inline_admin_formset in inline_admin_formsets or []:
        formset = inline_admin_formset.formset
        name = inline_admin_formset.opts.verbose_name_plural
        group = f"#{formset.prefix}-group"
        for message in formset.non_form_errors():
            items.append({"label": str(name).capitalize(), "message": message, "href": group})
        for index, form in enumerate(formset.forms):
            if form.errors:
                row = _("%(inline)s, rad %(number)s") % {"inline": str(name).capitalize(), "number": index + 1}
                items.extend(_form_errors(form, row, f"#{formset.prefix}-{index}"))
    return {"items": items}
