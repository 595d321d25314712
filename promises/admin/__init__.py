"""Admin for the promises app, one module per area; importing them registers them."""

from promises.admin import periods  # noqa: F401
