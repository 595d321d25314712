"""The coordinators' group and its model permissions, in one place.

Created by a migration (0003_coordinator_group) and kept complete after every later `migrate` by a
post_migrate handler (promises/apps.py), the way Django keeps its own permissions: a model added later gets
its permissions into the group without a new data migration, and a flushed test database gets the group back.

Which rows a coordinator may touch is not a permission: it follows from Coordinator.municipalities and is
enforced in the admin (portal/scoping.py). Deleting periods, follow-ups and reports is left to national
administrators, since it would erase what residents have been told.
"""

COORDINATOR_GROUP = "Samordnare"

COORDINATOR_PERMISSIONS = {
    # "change" on a kommun is for its contact details only: MunicipalityAdmin makes every other field read-only
    # for a coordinator, and the scoping offers only their own kommuner.
    "portal": {"policearea": ["view"], "municipality": ["view", "change"]},
    "promises": {
        "theme": ["view"],
        "promiseperiod": ["view", "add", "change"],
        "party": ["view", "add", "change", "delete"],
        "signatory": ["view", "add", "change", "delete"],
        "focusarea": ["view", "add", "change", "delete"],
        "activity": ["view", "add", "change", "delete"],
        "followup": ["view", "add", "change"],
        "focusareareport": ["view", "change"],
        "activityreport": ["view", "change"],
    },
    "surveys": {
        "survey": ["view", "add", "change"],
        "surveysection": ["view", "add", "change", "delete"],
        "question": ["view", "add", "change", "delete"],
        "choice": ["view", "add", "change", "delete"],
        "response": ["view"],
        "answer": ["view"],
        "unsafeplace": ["view", "add", "change"],
        "dialogue": ["view", "add", "change", "delete"],
        "suggestion": ["view", "change", "delete"],
    },
}


def coordinator_group_sync(*, apps, using="default"):
    """Create the group if needed and give it exactly the permissions above."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations have run; make sure they exist now.
    for app_config in apps.get_app_configs():
        if app_config.label in COORDINATOR_PERMISSIONS:
            # Migration states hold app stubs without a models module; create_permissions skips those.
            original = getattr(app_config, "models_module", None)
            app_config.models_module = original or True
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=COORDINATOR_GROUP)
    # A model that a later migration adds has no permissions yet in an earlier migration's state: it joins the
    # group at the post_migrate sync after the last migration.
    permissions = [
        permission
        for app_label, models in COORDINATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
        for permission in Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename=f"{action}_{model}"
        )
    ]
    group.permissions.set(permissions)
    return group
