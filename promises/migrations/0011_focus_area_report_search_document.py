"""The focus area reports' stored search document and its GIN index, on PostgreSQL only, as 0007 made for the other
searched tables (see there; keep the SQL in step with `SOURCES` in promises/search.py).

Without it every search parsed the text of every published focus area report again to match and rank it: at 290
kommuner, some 12 000 reports, a sequential scan on every search whatever the words.
"""

from django.db import migrations

TABLE_FIELDS = [("done", "B"), ("reason", "C")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    table = qn(apps.get_model("promises", "focusareareport")._meta.db_table)
    document = " || ".join(
        f"setweight(to_tsvector('swedish'::regconfig, COALESCE({qn(field)}, '')), '{weight}')"
        for field, weight in TABLE_FIELDS
    )
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({document}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {qn('focus_area_report_search')} ON {table} USING gin (search_document)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("promises", "focusareareport")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")  # drops its index too


class Migration(migrations.Migration):
    dependencies = [("promises", "0010_reading_fidelity")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
