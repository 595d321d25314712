"""Responses and answers get random ids (UUID4) instead of counted ones (surveys/models/survey.py says why).

A primary key's type cannot be changed in place on both databases (PostgreSQL cannot cast a bigint to a uuid, and
the answers' foreign keys hang on it), so both tables are built anew beside the old ones, the rows copied with
fresh random ids (each answer following its response), the old tables dropped and the new ones renamed into place.
The rows are written in the order of their new ids, so that not even the tables' physical order (what a query
without ORDER BY returns) keeps the order in which the answers arrived.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BATCH = 1000


def copy_with_random_ids(apps, schema_editor):
    alias = schema_editor.connection.alias
    OldResponse = apps.get_model("surveys", "Response")
    OldAnswer = apps.get_model("surveys", "Answer")
    NewResponse = apps.get_model("surveys", "NewResponse")
    NewAnswer = apps.get_model("surveys", "NewAnswer")
    new_ids = sorted((uuid.uuid4(), old_id) for old_id in OldResponse.objects.using(alias).values_list("pk", flat=True))
    answer_fields = ["question_id", "choice_id", "scale_value", "text", "place_description"]
    answer_fields += ["latitude", "longitude", "time_of_day"]
    for start in range(0, len(new_ids), BATCH):
        batch = new_ids[start : start + BATCH]
        old_to_new = {old_id: new_id for new_id, old_id in batch}
        old_responses = OldResponse.objects.using(alias).in_bulk(list(old_to_new))
        NewResponse.objects.using(alias).bulk_create(
            NewResponse(
                id=new_id,
                survey_id=old_responses[old_id].survey_id,
                municipality_id=old_responses[old_id].municipality_id,
                submitted_on=old_responses[old_id].submitted_on,
                submission_token=old_responses[old_id].submission_token,
            )
            for new_id, old_id in batch
        )
        answers = sorted(
            (
                NewAnswer(
                    id=uuid.uuid4(), response_id=old_to_new[row["response_id"]], **{f: row[f] for f in answer_fields}
                )
                for row in OldAnswer.objects.using(alias)
                .filter(response_id__in=list(old_to_new))
                .values("response_id", *answer_fields)
            ),
            key=lambda answer: answer.id,
        )
        NewAnswer.objects.using(alias).bulk_create(answers, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0008_survey_published_results_are_final"),
    ]

    operations = [
        # The new tables, with placeholder reverse names ("+") while the old models still hold the real ones.
        migrations.CreateModel(
            name="NewResponse",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("submitted_on", models.DateField(default=django.utils.timezone.localdate, verbose_name="inskickad")),
                ("submission_token", models.UUIDField(editable=False, unique=True, verbose_name="formulärnyckel")),
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.municipality",
                        verbose_name="kommun",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.survey",
                        verbose_name="enkät",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="NewAnswer",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                (
                    "scale_value",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="värde på skalan"),
                ),
                ("text", models.TextField(blank=True, verbose_name="fritext")),
                ("place_description", models.CharField(blank=True, max_length=300, verbose_name="plats")),
                (
                    "latitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="latitud"),
                ),
                (
                    "longitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="longitud"),
                ),
                (
                    "time_of_day",
                    models.CharField(
                        blank=True,
                        choices=[("day", "Dag"), ("evening", "Kväll"), ("night", "Natt")],
                        max_length=10,
                        verbose_name="tid på dygnet",
                    ),
                ),
                (
                    "choice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.choice",
                        verbose_name="svarsalternativ",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.question",
                        verbose_name="fråga",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="surveys.newresponse",
                        verbose_name="svar",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_with_random_ids, migrations.RunPython.noop, elidable=False),
        # The old tables go; their named index and constraints go with them, so the new ones can take the names.
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="Response"),
        migrations.RenameModel(old_name="NewResponse", new_name="Response"),
        migrations.RenameModel(old_name="NewAnswer", new_name="Answer"),
        migrations.AlterModelOptions(
            name="response",
            options={"ordering": ["-submitted_on", "-pk"], "verbose_name": "svar", "verbose_name_plural": "svar"},
        ),
        migrations.AlterModelOptions(
            name="answer",
            options={"verbose_name": "svar på fråga", "verbose_name_plural": "svar på frågor"},
        ),
        migrations.AlterField(
            model_name="response",
            name="id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="portal.municipality",
                verbose_name="kommun",
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="survey",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="surveys.survey",
                verbose_name="enkät",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="choice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.choice",
                verbose_name="svarsalternativ",
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
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["question", "choice", "scale_value", "time_of_day", "response"], name="answer_counts"
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("scale_value__isnull", True),
                    models.Q(("scale_value__gte", 1), ("scale_value__lte", 5)),
                    _connector="OR",
                ),
                name="answer_scale_value_1_to_5",
                violation_error_message="Skalan går från 1 till 5.",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("response", "question", "choice"),
                name="answer_choice_once_per_response",
                violation_error_message="Samma svarsalternativ kan bara väljas en gång.",
            ),
        ),
    ]
