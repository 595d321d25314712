"""One index for the published results' counts (surveys/results.py), made before the question's own index, which
it replaces, goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_survey_results_expected_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["question", "choice", "scale_value", "time_of_day", "response"], name="answer_counts"
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.question",
                verbose_name="fråga",
            ),
        ),
    ]
