"""`make bench` (bench/run.py) measures every public page type: a new URL is either labelled or named as no page."""

from django.urls import URLPattern, URLResolver, get_resolver

from bench import run


def _names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from _names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and not namespace:
            yield entry.name


def test_every_named_url_is_a_measured_page_or_named_as_no_page():
    names = set(_names(get_resolver().url_patterns))
    unknown = names - set(run.LABELS) - set(run.NOT_PAGES)
    assert not unknown, f"label these in bench/run.py LABELS (or add them to NOT_PAGES): {sorted(unknown)}"


def test_report_marks_the_targets_against_the_peers():
    result = run.Result
    report = {
        "database": "sqlite",
        "prepared_in": 0,
        "missing": [],
        "peers": {"fortunes": result("fortunes", 1000, 10, 40, 0), "plaintext": result("plaintext", 4000, 3, 9, 0)},
        "peer_visitor": {"fortunes": {"median": 2, "worst": 3, "status": 200}, "plaintext": {"median": 1, "worst": 2,
                         "status": 200}},
        "cached": {
            "livez": result("livez", 1800, 8, 30, 0),
            "municipality_detail": result("kommun", 1200, 9, 40, 0),
            "period_detail": result("period", 900, 12, 60, 0),
        },
        "not_cached": ["open_data_all_csv"],
        "visitor": {
            "municipality_detail": {"median": 25.0, "worst": 30.0, "status": 200},
            "home": {"median": 50.0, "worst": 120.0, "status": 200},
        },
    }  # fmt: skip
    text = run.table(report)
    assert "| kommun | 1200 | 1.20 | 0.30 |" in text
    assert "≥ 1.0× Fortunes met; ≥ 0.5× plaintext **missed**; p99 < 50 ms met" in text
    assert "≥ 1.0× Fortunes **missed**" in text  # the period page at 0.9×
    assert "| kommun | 25.0 | 30.0 | 200 | < 20 ms **missed** |" in text
    assert "| home | 50.0 | 120.0 | 200 | < 100 ms met (worst over) |" in text
    assert "open data CSV (all)" in text
