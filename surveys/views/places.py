"""Views for places; URL patterns in surveys/urls.py."""
