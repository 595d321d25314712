"""A focus area carries several national themes: the foreign key `theme` becomes the many-to-many `themes`.

Every assignment is kept (the old theme becomes the area's one theme), and the published snapshots that approvers
compare with gain the themes as they stood, so that the first comparison after this change shows no false change.
"""

from django.db import migrations, models


def theme_becomes_themes(apps, schema_editor):
    FocusArea = apps.get_model("promises", "FocusArea")
    Through = FocusArea.themes.through
    Through.objects.bulk_create(
        Through(focusarea_id=pk, theme_id=theme_id)
        for pk, theme_id in FocusArea.objects.filter(theme__isnull=False).values_list("pk", "theme_id")
    )


def snapshots_name_themes(apps, schema_editor):
    # The entry promises/snapshots.py writes after each area's description; labels are stored in Swedish.
    FocusArea = apps.get_model("promises", "FocusArea")
    PromisePeriod = apps.get_model("promises", "PromisePeriod")
    areas = {pk: (title, theme or "") for pk, title, theme in FocusArea.objects.values_list("pk", "title", "theme__name")}
    for period in PromisePeriod.objects.only("pk", "published_snapshot"):
        if not period.published_snapshot:
            continue
        entries = []
        for entry in period.published_snapshot:
            entries.append(entry)
            key = entry[0]
            if key.startswith("area:") and key.endswith(":description"):
                pk = int(key.split(":")[1])
                title, theme = areas.get(pk, ("", ""))
                entries.append([f"area:{pk}:themes", f"{title}: teman", theme])
        period.published_snapshot = entries
        period.save(update_fields=["published_snapshot"])


def themes_become_theme(apps, schema_editor):
    # Back to one theme: the first by name, as the admin listed them.
    FocusArea = apps.get_model("promises", "FocusArea")
    for focus_area in FocusArea.objects.prefetch_related("themes"):
        themes = sorted(focus_area.themes.all(), key=lambda theme: theme.name)
        if themes:
            FocusArea.objects.filter(pk=focus_area.pk).update(theme=themes[0])


class Migration(migrations.Migration):
    dependencies = [
        ("promises", "0008_follow_up_by_focus_area_and_approved_versions"),
    ]

    operations = [
        # Added under a temporary reverse name: the foreign key still holds `focus_areas` until it is removed.
        migrations.AddField(
            model_name="focusarea",
            name="themes",
            field=models.ManyToManyField(blank=True, related_name="+", to="promises.theme", verbose_name="teman"),
        ),
        migrations.RunPython(theme_becomes_themes, themes_become_theme),
        migrations.RunPython(snapshots_name_themes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="focusarea", name="theme"),
        migrations.RemoveField(model_name="historicalfocusarea", name="theme"),
        migrations.AlterField(
            model_name="focusarea",
            name="themes",
            field=models.ManyToManyField(
                blank=True,
                help_text="De nationella teman som området hör till, för jämförelser mellan kommuner. Välj alla "
                "som områdets aktiviteter tar upp.",
                related_name="focus_areas",
                to="promises.theme",
                verbose_name="teman",
            ),
        ),
    ]
