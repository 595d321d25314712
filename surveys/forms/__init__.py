"""Forms of the surveys app, one module per area (as surveys/views/ and surveys/admin/)."""
