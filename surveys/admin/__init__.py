"""Admin for the surveys app, one module per area; importing them registers them."""

from surveys.admin import dialogues, places, survey  # noqa: F401
