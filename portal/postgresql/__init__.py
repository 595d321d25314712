"""Django's PostgreSQL backend with a client-side deadline and a circuit breaker (see base.py)."""
