"""Creates the peer app's table and its 12 rows in DATABASE_URL: `python -m bench.fortunes.prepare`."""

import os

import django
from django.core.management import call_command

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.fortunes.settings")
    django.setup()
    from bench.fortunes.models import seed

    # The app has no migrations: the table is made from the model, as the specification's one table needs.
    call_command("migrate", run_syncdb=True, verbosity=0)
    seed()
