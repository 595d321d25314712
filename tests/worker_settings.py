"""The portal's settings for a Celery worker started by tests/portal/test_jobs_worker.py, with one change: mail is
written as files into TEST_EMAIL_FILE_PATH, where the test, another process, reads it (Django's in-memory outbox is
the worker's own)."""

import os

from portal.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
