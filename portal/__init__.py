# The Celery app is loaded with Django (Celery's "First steps with Django"), so that every @shared_task binds to it.
from portal.celery import app as celery_app

__all__ = ("celery_app",)
