"""gunicorn's settings for the portal (`gunicorn portal.wsgi`, run from the checkout). Environment overrides:
PORT/BIND, WEB_CONCURRENCY (processes), GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS.

Django's work is CPU-bound Python, so processes, not threads, use the cores: two per core keeps a core busy
while the other process waits on the database. A few threads per process let slow clients and keep-alive
connections wait without holding a whole process.
"""

import multiprocessing
import os

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
# A PDF is made in under a second; nothing a visitor asks for should take half a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Restart processes now and then, so that a slow leak in a library can never grow without bound. Not too often:
# a cached page takes about a millisecond, so 5000 requests was a restart of every process every few seconds
# under load, and each restart closed its keep-alive connections (p99 of 250 ms on the benchmark's floor).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10
# Load the application before forking: one import, shared memory pages, and an error at start, not per worker.
preload_app = True
accesslog = None
errorlog = "-"
