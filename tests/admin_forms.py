"""Turn an admin change page into the POST data a browser would send, so tests can change one field."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if value is True:
        return "on"
    return value


def _single_checkbox(widget):
    # A CheckboxSelectMultiple (an inline's themes) is a list of values, not one on/off box.
    return getattr(widget, "input_type", None) == "checkbox" and not getattr(widget, "allow_multiple_selected", False)


def admin_form_data(response):
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        if getattr(form.fields[name].widget, "input_type", None) == "file":
            continue  # a browser sends no file unless one is chosen
        if _single_checkbox(form.fields[name].widget):
            if form[name].value():
                data[form.add_prefix(name)] = "on"
            continue
        data[form.add_prefix(name)] = _value(form[name])
    # simple-history's revert page has no inlines (ContextList has no .get()).
    inlines = response.context["inline_admin_formsets"] if "inline_admin_formsets" in response.context else []  # noqa: SIM401
    for inline in inlines:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _value(management[name])
        for subform in formset.forms:
            for name in subform.fields:
                if _single_checkbox(subform.fields[name].widget):
                    if subform[name].value():
                        data[subform.add_prefix(name)] = "on"
                    continue
                data[subform.add_prefix(name)] = _value(subform[name])
    return data


def inline_prefix(response, index=0):
    """The form prefix of the first inline formset's form number `index`, e.g. 'reports-0'."""
    return response.context["inline_admin_formsets"][0].formset.forms[index].prefix
