"""The peers that `make bench` measures the portal against, in the same run under the same gunicorn.conf.py.

A minimal Django project written from the TechEmpower Framework Benchmarks specification
(https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview):
test type 4, Fortunes (one ORM query, a fortune added in memory, a sort, an escaping template) at /fortunes, and
test type 6, Plaintext at /plaintext. No middleware, no context processors: what Django itself costs.
"""
