"""Admin for the surveys app, one module per area; importing them registers them."""

from surveys.admin import dialogues, survey, unsafe_places  # noqa: F401
