"""Views for dialogues; URL patterns in surveys/urls.py."""
