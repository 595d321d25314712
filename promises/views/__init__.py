"""Public pages of the promises app, one module per kind of page."""
