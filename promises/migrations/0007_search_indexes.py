"""The full-text search's documents and GIN indexes (promises/search.py), on PostgreSQL only.

Each searched table gets a stored generated column, `search_document`, holding exactly `_Source.vector()` of the
search, and a GIN index on it. An expression index alone finds the hits fast, but ranking them parses every hit's
text again: with 72 500 activities, 72 500 reports and 11 600 dialogues, a word found in most of them took 3–5 s
to rank with expression indexes, 0.2–0.3 s with the stored columns. The dialogue table belongs to the surveys app;
its column is here because the search is.

Keep the SQL below and `SOURCES` in promises/search.py in step; tests/promises/test_search.py asks the planner
whether the indexes are used. A later migration that changes the type of a searched column (say a longer
max_length) is refused by PostgreSQL ("cannot alter type of a column used by a generated column"): drop
`search_document` first and add it again afterwards, as below.

SQLite has neither, and searches without them (the fallback in promises/search.py): nothing happens there.
"""

from django.db import migrations

DOCUMENTS = [
    ("promises", "promiseperiod", "promise_period_search", [("title", "A"), ("preamble", "B"), ("basis", "C")]),
    ("promises", "activity", "activity_search", [("title", "A"), ("text", "B"), ("target", "C")]),
    ("promises", "followup", "follow_up_search", [("summary", "B")]),
    ("promises", "activityreport", "activity_report_search", [("done", "B"), ("reason", "C")]),
    (
        "surveys",
        "dialogue",
        "dialogue_search",
        [("title", "A"), ("description", "B"), ("heard", "B"), ("place", "C"), ("not_taken_up", "C")],
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    for app_label, model_name, index_name, weighted_fields in DOCUMENTS:
        table = qn(apps.get_model(app_label, model_name)._meta.db_table)
        document = " || ".join(
            f"setweight(to_tsvector('swedish'::regconfig, COALESCE({qn(field)}, '')), '{weight}')"
            for field, weight in weighted_fields
        )
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {qn(index_name)} ON {table} USING gin (search_document)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, _index_name, _fields in DOCUMENTS:
        table = schema_editor.quote_name(apps.get_model(app_label, model_name)._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")  # drops its index too


class Migration(migrations.Migration):
    dependencies = [
        ("promises", "0006_content_in_english_and_easy_read"),
        ("surveys", "0002_unsafe_place_coordinates_both_or_none"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
