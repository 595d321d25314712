"""Every model tied to a kommun says how it reaches it (portal/scoping.py).

Scoping reads `municipality_path` from each model, so a new model that forgot it would be national: every
coordinator would see and change every kommun's rows in the admin. This test makes forgetting it fail.
"""

from django.apps import apps

from portal.models import Coordinator, Municipality
from portal.scoping import municipality_path

APPS = ("portal", "surveys", "promises")
# Deliberately national: who coordinates which kommuner is decided by national administrators only (its admin
# refuses everyone else), so it is never filtered by kommun.
NATIONAL = {Coordinator}


def _kommun_bound_relations(model):
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.related_model is not None
        and (field.related_model is Municipality or municipality_path(field.related_model) is not None)
    ]


def _our_models():
    return [
        model
        for model in apps.get_models()
        # simple-history's copies are read through their model's admin, which scopes them.
        if model._meta.app_label in APPS and not model.__name__.startswith("Historical")
    ]


def test_every_model_related_to_a_kommun_declares_its_path_to_it():
    missing = [
        f"{model._meta.label} (through {', '.join(relations)})"
        for model in _our_models()
        if model not in NATIONAL and (relations := _kommun_bound_relations(model)) and municipality_path(model) is None
    ]
    assert not missing, "Declare municipality_path on: " + "; ".join(missing)


def test_every_declared_path_leads_to_a_kommun():
    for model in _our_models():
        path = municipality_path(model)
        if path in (None, "pk"):
            continue
        target = model
        for name in path.split("__"):
            target = target._meta.get_field(name).related_model
        assert target is Municipality, f"{model._meta.label}.municipality_path ends at {target}"
