"""The coordinators' group and its model permissions (see promises/permissions.py)."""

from django.db import migrations

from promises.permissions import COORDINATOR_GROUP, coordinator_group_sync


def create_group(apps, schema_editor):
    coordinator_group_sync(apps=apps, using=schema_editor.connection.alias)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name=COORDINATOR_GROUP
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_coordinator"),
        ("promises", "0002_versions_approvals_history"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
