"""The benchmark commands, run from the repository root as `python -m bench <command> [options]`.

They are Django management commands in form (options, output, errors), but live here rather than in an installed
app: production has no command that fills its database with a synthetic nation or times its PDFs.
"""

import os
import sys
from importlib import import_module

import django

COMMANDS = {
    "generate_nation": "bench.generate_nation",  # the synthetic nation of 290 kommuner
    "documents": "bench.documents",  # first and repeated PDF requests (`make bench-documents`)
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        sys.exit(f"Usage: python -m bench {{{','.join(COMMANDS)}}} [options]")
    name, *options = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # Generating the synthetic nation runs long statements: no page timeouts here (as in manage.py).
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    os.environ.setdefault("DATABASE_CLIENT_TIMEOUT", "0")
    django.setup()
    import_module(COMMANDS[name]).Command().run_from_argv(["python -m bench", name, *options])


if __name__ == "__main__":
    main()
