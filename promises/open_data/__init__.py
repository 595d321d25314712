"""Open data: the fields of the follow-up format, the CSV and JSON export, the DCAT catalogue and the import."""
