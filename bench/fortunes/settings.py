"""Settings of the peer app (bench/fortunes): `DJANGO_SETTINGS_MODULE=bench.fortunes.settings`.

Its own database of the same kind as the portal's in the run (DATABASE_URL: a SQLite file or a PostgreSQL
database), kept open between requests as the portal's is (DATABASE_CONN_MAX_AGE).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-fortunes-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.fortunes.urls"
WSGI_APPLICATION = "bench.fortunes.wsgi.application"
INSTALLED_APPS = ["bench.fortunes"]
# The specification's peers run without middleware: the portal's middleware is part of what it is measured for.
MIDDLEWARE = []
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"context_processors": []},
    }
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'fortunes.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE") or "60"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
LOGGING_CONFIG = None
