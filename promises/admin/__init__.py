"""Admin for the promises app, one module per area; importing them registers them."""

from promises.admin import follow_ups, periods, themes  # noqa: F401
