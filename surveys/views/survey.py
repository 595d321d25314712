"""Views for survey; URL patterns in surveys/urls.py."""
