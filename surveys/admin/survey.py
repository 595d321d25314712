"""Admin for survey."""
