"""The portal's real content in a test's database, loaded by the management commands once per test process.

`load_content --with-examples` takes two to four seconds: it reads and checks every content file and saves row by
row, with history and signals. Some three hundred tests (every browser test among them) need exactly that content.
So the commands run once per process, inside a transaction that is rolled back, and the rows they wrote are kept;
each test that asks for the content (the `content` fixtures in tests/conftest.py) gets those rows inserted again
with bulk_create, in milliseconds, in its own database: rolled back after a `db` test, flushed after a transactional
one, as before. Tests that do not ask for the content still start from an empty database.

Where a test made rows of its own before asking for the content and they clash with the kept rows (the same
primary key or slug), the commands run for real instead, as they always did.
"""

import io

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction

# Each name: the commands that make it, in order; a later name builds on the one before it.
COMMANDS = {
    "content": [("load_content", {"with_examples": True})],
    "content and example survey": [("load_example_survey", {})],
}

_snapshots = {}


def _tables():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]


def _columns(model):
    return [field.attname for field in model._meta.local_concrete_fields]


def snapshot():
    """{name: {model: [row values]}} for every name in COMMANDS, made once per process."""
    if _snapshots:
        return _snapshots
    models = [model for model in _tables() if not model._meta.proxy]
    assert not any(model._meta.parents for model in models), "bulk_create cannot copy multi-table inheritance"
    with transaction.atomic():
        existing = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        for name, commands in COMMANDS.items():
            for command, options in commands:
                call_command(command, stdout=io.StringIO(), **options)
            rows = {}
            for model in models:
                pk = model._meta.pk.attname
                new = [row for row in model._base_manager.values(*_columns(model)) if row[pk] not in existing[model]]
                if new:
                    rows[model] = new
            _snapshots[name] = rows
        transaction.set_rollback(True)
    return _snapshots


def load(name="content"):
    """Put the rows that COMMANDS[name] (and the names before it) write into the test's database."""
    rows = snapshot()[name]
    try:
        with transaction.atomic():
            for model, values in rows.items():
                model._base_manager.bulk_create([model(**row) for row in values])
    except IntegrityError:
        # The test's own rows are in the way: let the commands find them and add what is missing, as they do.
        for each in COMMANDS:
            for command, options in COMMANDS[each]:
                call_command(command, stdout=io.StringIO(), **options)
            if each == name:
                break
        return
    # Rows inserted with their primary keys leave PostgreSQL's sequences behind; the test's next insert would clash.
    statements = connection.ops.sequence_reset_sql(no_style(), list(rows))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
