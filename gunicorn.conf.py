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

# Requests a browser never sends are refused by gunicorn before Django sees them (414/400): a request line longer
# than a long search address, more headers than a browser and a proxy add, or one header larger than 8 KB.
limit_request_line = 4094
limit_request_fields = 64
limit_request_field_size = 8190

# The heartbeat file each worker touches: in memory, because a disk-backed /tmp can stall a write for long enough
# that the master kills a healthy worker (gunicorn's own advice for containers and busy disks).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Which proxies may tell gunicorn the visitor's scheme (X-Forwarded-Proto), so that Django sees https: only the
# reverse proxy in front. Default: the same machine. Set FORWARDED_ALLOW_IPS to the proxy's address otherwise,
# never to * unless nothing but the proxy can reach this port. (The visitor's address for the rate limits is
# RATELIMIT_IP_META_KEY in the portal's settings: docs/operations.md.)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The portal writes the access log itself: one line per request with status, duration and request id, JSON in
# production (portal/request_log.py). gunicorn's own would repeat each line without the request id; set
# GUNICORN_ACCESS_LOG=- to have it anyway (for requests that gunicorn refuses itself).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"

# gunicorn's own lines (start, worker timeouts, stops) in the same format as the portal's (LOG_FORMAT), so that a
# log collector reads one kind of line. The portal's settings replace the root logger's format when they load.
_debug = os.environ.get("DEBUG", "true").strip().lower() in {"1", "true", "yes", "on"}
if (os.environ.get("LOG_FORMAT") or ("text" if _debug else "json")).strip().lower() == "json":
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"level": "INFO", "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            # gunicorn writes its access log whenever logconfig_dict is set, whatever `accesslog` says: silenced here
            # unless asked for (it was a second JSON line per request, half the throughput of a cached page).
            "gunicorn.access": {
                "level": "INFO" if accesslog else "WARNING",
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }
