"""Published survey results are final, and the survey's dates with them (Survey.clean says why).

Results may be published only once a survey has closed; a survey published ahead of closing under the old rule
gets its tick taken away here (nothing of it was public yet), to be published again when it has closed. Then a
trigger refuses, in the database too, any change of the dates of a survey whose results are published, and any
withdrawal of them. A check constraint sees only the new row, not what it was: hence a trigger. On SQLite a later
migration that remakes the survey table drops the trigger; tests/surveys/test_survey_results_final.py would notice.
"""

from django.db import migrations, models
from django.utils import timezone

TRIGGER = "survey_published_results_are_final"
MESSAGE = "survey_published_results_are_final: published results and the dates of their survey cannot change"
CHANGED = (
    "OLD.results_published AND (NEW.opens_on <> OLD.opens_on OR NEW.closes_on <> OLD.closes_on "
    "OR NOT NEW.results_published)"
)


def unpublish_results_of_open_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(results_published=True, closes_on__gte=timezone.localdate()).update(results_published=False)


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {CHANGED} THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END
            $$;
            """
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON surveys_survey FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON surveys_survey FOR EACH ROW WHEN {CHANGED} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON surveys_survey")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0007_answer_counts_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="survey",
            name="results_published",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Kan kryssas i först när enkäten har stängt. Publicerade resultat går inte att ta tillbaka, och "
                    "enkätens datum går då inte att ändra."
                ),
                verbose_name="resultaten är publicerade",
            ),
        ),
        migrations.RunPython(unpublish_results_of_open_surveys, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
