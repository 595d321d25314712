"""Admin for dialogues."""
