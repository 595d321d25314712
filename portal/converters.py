class YearConverter:
    """Exactly four digits: a longer number can never be a year, and would overflow SQLite's integers."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"
