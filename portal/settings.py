"""The portal's only settings file. Everything that differs between a laptop and production comes from the
environment (see `.env.example`); the defaults are for local development and are safe there.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pythonjsonlogger.core
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    # A typo such as DEBUG=flase must not silently leave debugging on in production.
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
# Earlier keys, comma-separated, still accepted when checking signatures after SECRET_KEY is rotated: the
# unsubscribe links in mails already sent are signed with the key of their day (docs/operations.md, "E-mail").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    # The portal's own admin site: a coordinator's start page with what needs doing.
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver serves files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Full-text search with the swedish configuration on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    # Admin sign-in hardening (see "Admin sign-in" below): two-factor codes and login throttling.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "portal",
    "surveys",
    "promises",
    "subscriptions",
]

MIDDLEWARE = [
    # Outermost: one log line per request with its final status and duration, error pages included.
    "portal.request_log.RequestLogMiddleware",
    # Answers a stored anonymous page before anything below runs (sessions, CSRF, auth, axes, …: the page is the
    # same for every anonymous visitor), and stores pages with the final headers all of them added.
    "portal.page_cache.PageCacheMiddleware",
    # A view that fails because the database is unreachable answers the static 503 (portal/errors.py; a failure
    # in a middleware is caught by handler500 in portal/urls.py).
    "portal.errors.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise so that static files get the headers too. A cached page is stored with its policy (and
    # stored pages made under other header settings are not sent: portal/page_cache.py).
    "portal.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 Not Modified when the browser's copy is current (cached pages store theirs).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address only (/…, /en/…), so responses never vary on Accept-Language.
    "portal.locale_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session that has lasted SESSION_ABSOLUTE_MAX_AGE since login, however active; after messages so
    # that the login page can say why, before OTPMiddleware so that it sees the logged-out user.
    "portal.session_lifetime.SessionLifetimeMiddleware",
    # Marks request.user verified when the session's login gave a valid two-factor code (ADMIN_OTP_REQUIRED).
    "django_otp.middleware.OTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page (status 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# The embedded default is a SQLite file inside the checkout (ignored by git); production and CI set
# DATABASE_URL=postgres://… instead.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One process needs no shared cache; several server processes or machines share Redis (REDIS_URL=redis://…),
# which holds the rate-limit counters and the page cache so that a limit or an invalidation holds across processes.
REDIS_URL = env_str("REDIS_URL")
# The page cache may have a Redis of its own (PAGE_CACHE_REDIS_URL): there every key may be evicted (allkeys-lru),
# while the rate-limit counters in REDIS_URL's must not be (docs/operations.md, "Redis memory").
PAGE_CACHE_REDIS_URL = env_str("PAGE_CACHE_REDIS_URL") or REDIS_URL
# The number of gunicorn processes, read by gunicorn.conf.py from the same variable (None: two per core). Here only
# for `check --deploy`, which refuses more than one without REDIS_URL (portal/checks.py).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", None)


def _cache(location):
    if not location:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": location,
        # Redis answers in well under a millisecond; one that does not answer in a second is treated as down
        # (portal/page_cache.py then renders pages without it) instead of holding every request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


# Without Redis both aliases are one process's memory (LocMemCache instances without a LOCATION share it).
CACHES = {"default": _cache(REDIS_URL), "pages": _cache(PAGE_CACHE_REDIS_URL)}
# Whole public pages for anonymous visitors (portal/page_cache.py). On by default only with a shared cache: in a
# per-process cache one process would go on serving a page that a change saved through another has made stale.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if PAGE_CACHE_REDIS_URL else 0)
# How long browsers and CDNs may keep an anonymous page without asking again (then a 304 if it is unchanged).
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 4_000_000)
# After a change, how long the previous page may still be sent while one request renders the new one: enough for
# the slowest page to render (a few seconds on a busy machine), short enough that an edit shows almost at once.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 5)
# Pages with a query string (searches, filters) are as many as visitors care to type: the bytes stored of them in
# each PAGE_CACHE_SECONDS window are capped (beyond, they are rendered but not stored), so at most twice this is held.
PAGE_CACHE_QUERY_BYTES = env_int("PAGE_CACHE_QUERY_BYTES", 32_000_000)
# An open survey's questions and choices in the shared cache (surveys/services.py survey_form_load), so that a
# resident's post does not read them from the database again; every change to them deletes the copy at once. Off
# without a shared cache, for the same reason as the page cache.
SURVEY_FORM_CACHE_SECONDS = env_int("SURVEY_FORM_CACHE_SECONDS", 300 if REDIS_URL else 0)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "portal.views.rate_limited"
# django-ratelimit warns that a per-process cache is not shared; that is the point of REDIS_URL in production.
# Its W001 also names Django's own RedisCache "not officially supported" (its list predates it), though the two
# calls it makes, add() and incr(), are Redis's atomic SET NX and INCRBY there: silenced with REDIS_URL too, so that
# production passes `check --deploy --fail-level WARNING`.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] if REDIS_URL else ["django_ratelimit.W001", "django_ratelimit.E003"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The map of unsafe places: any tile server with the usual {z}/{x}/{y} scheme, and its attribution.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
# Address search on the report form's map (surveys/geocoding.py): a Nominatim-compatible search URL, e.g.
# https://nominatim.openstreetmap.org/search (mind its usage policy: at most one search a second, and a User-Agent
# that names the site). Off when empty: then no search box is shown and no outside server is ever asked. The
# portal asks on the resident's behalf, so the browser never connects to the geocoder (no CSP connect-src for it).
GEOCODER_URL = env_str("GEOCODER_URL", "")
GEOCODER_USER_AGENT = env_str("GEOCODER_USER_AGENT", "medborgarloften-portal (unsafe place reports)")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
# Swedish is the portal's language; the whole interface is also in English (locale/en), at /en/….
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")


def s3_storage_options(bucket):
    """The S3 backend's options (django-storages) from the environment: any S3-compatible service (AWS, MinIO,
    Ceph, a Swedish cloud provider). The portal reads, writes, lists and deletes through Django's storage API only,
    and serves every file itself (promises/views/periods.py), so the bucket stays private: nothing in it is public,
    and no address of a file in it is ever shown to a visitor."""
    addressing_style = env_str("STORAGE_S3_ADDRESSING_STYLE", "auto")
    if addressing_style not in ("auto", "virtual", "path"):
        raise ImproperlyConfigured(
            f"STORAGE_S3_ADDRESSING_STYLE must be auto, virtual or path, not {addressing_style!r}"
        )
    options = {
        "bucket_name": bucket,
        # Unset: AWS's own endpoint. MinIO, Ceph and other providers: their https address.
        "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL") or None,
        "region_name": env_str("STORAGE_S3_REGION") or None,
        # bucket.host/key (virtual) or host/bucket/key (path; MinIO and many providers need it).
        "addressing_style": None if addressing_style == "auto" else addressing_style,
        # A prefix for every key, when the bucket is shared with something else.
        "location": env_str("STORAGE_S3_PREFIX"),
        # Every object is private even if the bucket's policy were to change. Empty for a provider that refuses
        # ACLs on upload (AWS buckets with "bucket owner enforced"): the bucket's own policy then keeps it private.
        "default_acl": env_str("STORAGE_S3_DEFAULT_ACL", "private") or None,
        # A file's url() (the admin's link to the current file) is signed and short-lived, never a public address.
        "querystring_auth": True,
        "querystring_expire": env_int("STORAGE_S3_URL_EXPIRE", 300),
        # Never overwrite: an upload under a name already taken gets another name (signed originals have random
        # names anyway; a PDF's name is its content's hash, so a second copy is deleted: promises/documents.py).
        "file_overwrite": False,
        # A file read for serving is buffered in memory up to this size, beyond it in a temporary file.
        "max_memory_size": 5 * 1024 * 1024,
    }
    # Unset: boto3's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role).
    access_key, secret_key = env_str("STORAGE_S3_ACCESS_KEY_ID"), env_str("STORAGE_S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY are set together.")
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return options


# Uploads (signed originals) and the generated PDFs: a folder on this server (MEDIA_ROOT) by default, or an
# S3-compatible bucket that several application servers share, when STORAGE_S3_BUCKET (or django-storages' own
# AWS_STORAGE_BUCKET_NAME) is set. docs/operations.md, "Object storage".
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET") or env_str("AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options(STORAGE_S3_BUCKET)}
        if STORAGE_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    # Hashed names let browsers and CDNs cache static files for a year; whitenoise serves them compressed.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Upload and form limits: a public form never needs more than this, and a huge post must be refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# A scanned, signed promise document; larger scans are refused with a message saying how to shrink them.
SIGNED_ORIGINAL_MAX_BYTES = int(env_str("SIGNED_ORIGINAL_MAX_BYTES", str(20 * 1024 * 1024)))
# The printable PDFs are made when their content is published or changed (promises/documents_ahead.py), so that
# no visitor waits for WeasyPrint: "thread" in a background thread of the process after the commit, "inline" in
# the request that made the change (tests), "off" only on the first visitor's request. Needs SITE_URL.
# "queue" (the default with CELERY_BROKER_URL) enqueues a job for the worker instead of the thread.
DOCUMENTS_RENDER_AHEAD = env_str("DOCUMENTS_RENDER_AHEAD", "queue" if env_str("CELERY_BROKER_URL") else "thread")
if DOCUMENTS_RENDER_AHEAD not in ("queue", "thread", "inline", "off"):
    raise ImproperlyConfigured(
        f"DOCUMENTS_RENDER_AHEAD must be queue, thread, inline or off, not {DOCUMENTS_RENDER_AHEAD!r}"
    )

# ── Background jobs (portal/celery.py, docs/operations.md "Background jobs") ────────────────────────────────────
# Celery with a broker: Redis (redis://host:6379/1) or RabbitMQ (amqp://user:password@host:5672/vhost). The web
# processes enqueue, `celery -A portal worker` runs the jobs, `celery -A portal beat` enqueues the periodic ones.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# No broker (`make run`, the tests, a single server run with cron): every job runs at once in the process that asks
# for it, with its exceptions raised there as a direct call's would be. Chosen over a separate code path so that the
# same task code runs in both; portal.mail.send does not even enqueue then (it sends at once, as it always did).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_TASK_ALWAYS_EAGER:
    # Celery still passes an eager job's arguments through a producer (a JSON round trip, so that they are what a
    # worker would get): an in-memory one, rather than the default amqp://localhost that nothing serves.
    CELERY_BROKER_URL = "memory://localhost/"
# No result backend: no caller waits for a job's return value. What a job did is in the database (a PDF stored, a
# row deleted) or the mail relay; a failure is in the log (portal.jobs). Results would only be more data to expire.
CELERY_TASK_IGNORE_RESULT = True
# …and so no celery.backend_cleanup entry in beat's schedule for results that do not exist.
CELERY_RESULT_EXPIRES = None
# A job's message is acknowledged after the job has finished, not when a worker takes it, and a worker that dies
# mid-job (killed, out of memory) gives its message back: the job runs again on another worker. So every job is
# idempotent (a stored PDF is not made again, a sent mail is not sent again, retention deletes what is old).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: with late acknowledgement a prefetched job would wait behind a long one
# (a national PDF run) instead of going to a free worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis: a message taken but not acknowledged within visibility_timeout is given to another worker. It must exceed
# the longest job (a national render_documents: tens of minutes) and the longest retry wait (mail: an hour, as an
# ETA the worker holds unacknowledged), or the job runs twice (harmless, idempotent, but wasted). RabbitMQ ignores
# it (it redelivers when the worker's connection drops). A broker that does not answer a connection attempt within
# socket_connect_timeout counts as down, so an enqueue in a request does not hang (portal/jobs.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60),
    "socket_connect_timeout": 2,
}
# A web process publishing to a broker that is down retries three times within a second, then gives up (the caller
# falls back: portal/jobs.py); the worker keeps reconnecting for as long as it takes.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The worker logs through LOGGING below (JSON in production) rather than replacing the root logger's handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Europe/Stockholm"
# celery beat's schedule (times in Stockholm). Each entry replaces a line of the cron list of docs/operations.md,
# which stays the way to run them without Celery. Beat keeps when each last ran in a file (`--schedule`), no
# database scheduler. An hourly job that a stopped worker could not take expires, so the worker does not catch up
# with a pile of identical runs when it is back: the next hour's does the same work.
CELERY_BEAT_SCHEDULE = {
    "daily-retention": {
        "task": "portal.tasks.daily_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    "hourly-render-documents": {
        "task": "promises.tasks.render_documents",
        "schedule": crontab(minute=40),
        "options": {"expires": 50 * 60},
    },
    # The coordinators' weekly digest (issue 19, point 3): runs `manage.py send_coordinator_digests` once that
    # command exists, and logs that it does not until then (portal/tasks.py).
    "weekly-coordinator-digests": {
        "task": "portal.tasks.weekly_reminders",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

# ── Security headers, HTTPS and cookies ───────────────────────────────────────────────────────────────────────
# Production passes `manage.py check --deploy --fail-level WARNING` (tests/portal/test_security_headers.py).
# Local development over http://127.0.0.1 keeps plain cookie names, no redirect and no HSTS.

# Behind a load balancer or proxy that ends TLS, Django sees plain http. Name the header in which the proxy passes
# the visitor's scheme (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) so that https requests are known as such: then
# the redirect below does not loop and HSTS is sent. Only behind a proxy that sets that header itself, replacing any
# the visitor sent: otherwise anyone could claim https by sending it.
if _proxy_header := env_str("SECURE_PROXY_SSL_HEADER").strip().upper().replace("-", "_"):
    SECURE_PROXY_SSL_HEADER = (_proxy_header if _proxy_header.startswith("HTTP_") else f"HTTP_{_proxy_header}", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's probes ask over plain http inside the network; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^(livez|healthz)/?$"]
# A year in production (what the browsers' preload lists require), for the host and its subdomains. Overridable
# because a browser that has seen HSTS refuses plain http for that long and it cannot be taken back: a first
# deployment may start with SECURE_HSTS_SECONDS=300, a host with http-only subdomains turns
# SECURE_HSTS_INCLUDE_SUBDOMAINS off, and SECURE_HSTS_PRELOAD only allows the domain to be submitted to
# hstspreload.org (months to undo), it submits nothing by itself.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Browsers accept a __Host- cookie only if it is Secure, has Path=/ and no Domain, so neither a plain-http page
    # nor another subdomain can set or overwrite it (session fixation, a planted CSRF token). Not in development,
    # where http://127.0.0.1 cannot have Secure cookies. SESSION_/CSRF_COOKIE_DOMAIN must stay unset.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Messages in the session rather than in a cookie of their own (which would carry no __Host- prefix): only the admin
# sends messages, to coordinators who have a session anyway. portal/page_cache.py treats a session as personal.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Another site's window that opened the portal (or that the portal opens) gets no handle on it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Browser features the portal never uses, refused to it and to anything embedded in it (django-permissions-policy).
# Geolocation too: the report form's map takes a click, the keyboard or typed coordinates (static/js/places-map.js),
# never the device's position.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}


def map_tile_source(url):
    """The CSP source for MAP_TILE_URL's host ({s} subdomains as *), or None for tiles from the portal itself."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else parts.netloc


# Content-Security-Policy (django-csp) on every response in every mode, so that tests and development meet it too:
# scripts, styles, fonts and requests only from the portal itself; no inline script, style attribute or eval.
# No nonces: whole public pages are shared from the page cache (portal/page_cache.py), so a nonce would be the same
# for every visitor of a cached page. What must be inline is allowed by its hash.
CSP_500_STYLE_HASH = "'sha256-9XZcPs+1ozghmys3vbVyafprWy98ttodZKzrWJXzIUQ='"  # templates/500.html's <style>, tested
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The 500 page needs no static file (they might be what is broken), so its stylesheet is inline.
        "style-src": [SELF, CSP_500_STYLE_HASH],
        # data: for Bootstrap's and Leaflet's small SVG images in their stylesheets; the map's tiles.
        "img-src": [SELF, "data:", *filter(None, [map_tile_source(MAP_TILE_URL)])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The status box a kommun puts on its own website (/<kommun>/inbaddning/, promises/views/sharing.py) may be framed by
# these sites: any ("*") by default, or a comma-separated list of origins. Every other page keeps frame-ancestors
# 'none' and X-Frame-Options DENY.
EMBED_FRAME_ANCESTORS = env_list("EMBED_FRAME_ANCESTORS", ["*"])

# Survey results: cells with fewer answers than this are hidden (per survey, this is the default).
SURVEY_MIN_CELL_SIZE = int(env_str("SURVEY_MIN_CELL_SIZE", "5"))
# Suggestions from residents are deleted after this many days (manage.py delete_old_suggestions).
SUGGESTION_RETENTION_DAYS = int(env_str("SUGGESTION_RETENTION_DAYS", "365"))

LOGIN_URL = "admin:login"

# Coordinators work in short sessions on shared office machines: log out after two idle hours.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
# Database sessions that never look up a forged key (a NUL in the cookie was a 500 on PostgreSQL).
SESSION_ENGINE = "portal.sessions"

# ── Logging, health and failure behaviour (docs/operations.md) ─────────────────────────────────────────────────
# JSON lines in production (LOG_FORMAT=json, the default with DEBUG off): one object per line with time, level,
# logger, message, request_id and, for the request log (portal/request_log.py), method, path, status and
# duration_ms; what a log collector indexes without parsing. Plain text while developing.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.request_log.RequestIdFilter"},
        "disallowed_host_as_warning": {"()": "portal.request_log.DisallowedHostAsWarning"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC, from the record's own time.
            "timestamp": "time",
            # Django's request loggers pass the request object, whose text is the full address with its query
            # string (what a resident searched for); its path and request_id are logged without it.
            "reserved_attrs": [*pythonjsonlogger.core.RESERVED_ATTRS, "request"],
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A made-up Host is the visitor's error, not ours: a WARNING without traceback (portal/request_log.py).
        "django.security.DisallowedHost": {"filters": ["disallowed_host_as_warning"]},
        # Never DEBUG, whatever LOG_LEVEL says: its DEBUG lines, one per variable a template leaves out (as ours do
        # by design), repeat the whole request with its address and query string. After a survey answer that line
        # would say when the answer arrived (portal/request_log.py), and elsewhere what a resident searched for.
        "django.template": {"level": "INFO"},
    },
}
# Behind a reverse proxy every request comes from the proxy's address; name the META key in which the proxy passes
# the visitor's (HTTP_X_REAL_IP for nginx's `proxy_set_header X-Real-IP $remote_addr`), or the rate limits on
# public forms count all visitors as one. Only a header that the proxy sets itself, replacing what a client sent.
if _client_ip_key := env_str("RATELIMIT_IP_META_KEY").strip():
    RATELIMIT_IP_META_KEY = _client_ip_key
# Bounds on every wait for PostgreSQL, so that a database that refuses, breaks or hangs gives the 503 page within
# seconds instead of holding gunicorn's threads (docs/operations.md, "Database timeouts"). In seconds; 0 turns one off.
# - connect: a connection attempt that is not answered (the whole handshake, in libpq/psycopg);
# - statement: the server cancels a query that runs longer (statement_timeout; the connection stays usable);
# - client: the portal gives up on any round trip the server has not answered (portal/postgresql/base.py). This is
#   the one that ends a wait on a HUNG server: a stopped server's kernel still acknowledges TCP data and keepalives,
#   so neither the statement timeout nor TCP's timeouts fire. A little longer than the statement timeout, so that a
#   slow query on a live server is cancelled cleanly by the server first;
# - breaker: after a client timeout, requests that need the database fail at once for this long (per process).
# manage.py and `python -m bench` turn the statement and client bounds off unless set: a migration or an import may
# rightly run longer than any page should.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 5)
DATABASE_CLIENT_TIMEOUT = env_int("DATABASE_CLIENT_TIMEOUT", 6)
DATABASE_BREAKER_SECONDS = env_int("DATABASE_BREAKER_SECONDS", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with the client deadline and the breaker; vendor and features are PostgreSQL's own.
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # Values given in DATABASE_URL's query string (?keepalives_idle=…) win over these.
    if DATABASE_CONNECT_TIMEOUT:
        _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    # A server or network that disappears without closing the connection (a crashed host, a dropped route) is
    # noticed by TCP keepalives after about 10 + 3 × 5 s idle, and unacknowledged data after 30 s.
    _options.setdefault("keepalives", 1)
    _options.setdefault("keepalives_idle", 10)
    _options.setdefault("keepalives_interval", 5)
    _options.setdefault("keepalives_count", 3)
    _options.setdefault("tcp_user_timeout", 30_000)  # milliseconds
    if DATABASE_STATEMENT_TIMEOUT:
        _statement = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
        _options["options"] = f"{_options['options']} {_statement}" if _options.get("options") else _statement

SITE_NAME = env_str("SITE_NAME", "Medborgarlöften")
# The portal's public address (https://medborgarloften.example.se), for addresses that must not depend on the Host
# a request came with: rel=canonical on every page. Unset: the request's own scheme and host (ALLOWED_HOSTS).
SITE_URL = env_str("SITE_URL").strip().rstrip("/")
if SITE_URL and urlsplit(SITE_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}")


def _calendar_uid_domain():
    """The right-hand side of calendar UIDs (RFC 5545 recommends a domain name): never the request's host, so one
    dialogue is one event whichever address its feed was fetched from. Changing it makes every subscribed event
    new, so it falls back on what a deployment already names: SITE_URL's host, else the first ALLOWED_HOSTS entry
    (the host the feeds have been served at)."""
    if configured := env_str("CALENDAR_UID_DOMAIN").strip():
        return configured
    if SITE_URL:
        return urlsplit(SITE_URL).hostname
    named = [host.lstrip(".") for host in ALLOWED_HOSTS if host.lstrip(".") and "*" not in host]
    return named[0] if named and not DEBUG else "localhost"


CALENDAR_UID_DOMAIN = _calendar_uid_domain()

# Who publishes the open data in the DCAT-AP-SE catalogue (/oppna-data/katalog.rdf) and whom reusers write to:
# the organisation that runs this deployment of the portal, not the portal's name. Harvesters such as dataportal.se
# show these; `manage.py check --deploy` warns while they are unset (promises/checks.py).
OPEN_DATA_PUBLISHER_NAME = env_str("OPEN_DATA_PUBLISHER_NAME").strip()
# Its web site (foaf:homepage), and its kind from the EU publisher-type vocabulary (the last part of
# http://purl.org/adms/publishertype/…): LocalAuthority for a kommun, NationalAuthority for the police, …
OPEN_DATA_PUBLISHER_URL = env_str("OPEN_DATA_PUBLISHER_URL").strip()
OPEN_DATA_PUBLISHER_TYPE = env_str("OPEN_DATA_PUBLISHER_TYPE", "LocalAuthority").strip()
# The contact point's e-mail address (vcard:hasEmail, mandatory in DCAT-AP-SE) and name.
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL").strip()
OPEN_DATA_CONTACT_NAME = env_str("OPEN_DATA_CONTACT_NAME").strip()

# ── Admin sign-in: login throttling, two-factor codes, session limits ────────────────────────────────────────
# Coordinators can change what the public reads in the name of a kommun and the police, so a guessed or stolen
# password alone must not be enough. README, "Coordinators and the admin", says how it works for them.

# django-axes sees every authenticate() call: its backend comes first and refuses a locked-out username+address
# before the password is checked (so the right password is refused too while the lockout lasts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The database handler rather than AxesCacheHandler: without REDIS_URL the cache is per process (axes warns,
# axes.W001), so every gunicorn worker would count on its own and allow workers × limit guesses; in the database
# all processes and servers count together in every configuration, a Redis outage neither breaks nor opens the
# login, and a national administrator sees the attempts in the admin (Axes › Åtkomstförsök) and unlocks a person
# by deleting the row. Failed logins are rare, so writing a row for each costs nothing that matters.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Counted per username and address together: five wrong passwords lock that person out from that address, while
# a colleague at the same office (same address) and the same person at home are unaffected, so an attacker
# cannot lock the police out of the admin by guessing their usernames. Guessing many usernames from one address
# is stopped separately, per address, by ADMIN_LOGIN_FAILURES_PER_ADDRESS (portal/login_throttling.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# Minutes from the latest failed attempt (a further attempt while locked out starts them again).
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # axes reads a float as hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.login_throttling.lockout_response"
# Axes keeps a row for every login (AccessLog: username, address, browser, time, logout) and for every username and
# address that failed (AccessAttempt), and deletes neither. `manage.py delete_old_login_records`, run daily
# (docs/operations.md), deletes those older than this: long enough to look into a break-in noticed weeks later,
# short enough that the portal does not keep a record of where each coordinator worked from.
LOGIN_RECORDS_RETENTION_DAYS = env_int("LOGIN_RECORDS_RETENTION_DAYS", 90)
if LOGIN_RECORDS_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("LOGIN_RECORDS_RETENTION_DAYS must be at least 1")
# The client's address. Default REMOTE_ADDR: right when gunicorn faces the internet, but behind a reverse proxy
# every visitor would share the proxy's address. There, let the proxy set a header to the address it sees,
# replacing any the visitor sent (nginx: proxy_set_header X-Real-IP $remote_addr;), and name it here
# (AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_REAL_IP). A header the proxy only appends to, such as
# X-Forwarded-For, also needs AXES_IPWARE_PROXY_COUNT, or visitors could choose their own address.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env_list("AXES_IPWARE_PROXY_TRUSTED_IPS") or None
# Failed logins from one address, over all usernames, before that address gets the lockout page (django-ratelimit
# syntax): generous enough for a police station behind one address, far too few to try passwords on many users.
ADMIN_LOGIN_FAILURES_PER_ADDRESS = env_str("ADMIN_LOGIN_FAILURES_PER_ADDRESS", "30/h")
# Whom a locked-out coordinator or one who lost their phone writes to (shown on the lockout and login pages).
ADMIN_SUPPORT_EMAIL = env_str("ADMIN_SUPPORT_EMAIL")

# ── E-mail ─────────────────────────────────────────────────────────────────────────────────────────────────────
# Every mail goes through portal.mail.send(). With EMAIL_HOST unset (`make run`) mails are printed to the console
# instead of sent; production names its SMTP relay. DEFAULT_FROM_EMAIL is the sender residents see.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
# An SMTP relay that stops answering must not hold a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or f"{SITE_NAME} <noreply@localhost>"
# A resident's e-mail subscription (subscriptions/) must be confirmed within this many days: the link in the
# confirmation mail stops working, and `manage.py delete_unconfirmed_subscriptions` deletes the address.
SUBSCRIPTION_CONFIRM_DAYS = env_int("SUBSCRIPTION_CONFIRM_DAYS", 7)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Two-factor codes (django-otp, TOTP from an authenticator app, plus one-time backup codes) for every staff user.
# Off while developing (DEBUG, `make run`, the tests) so that the demo accounts log in with a password only.
ADMIN_OTP_REQUIRED = env_bool("ADMIN_OTP_REQUIRED", not DEBUG)
# The name the authenticator app shows beside the code.
OTP_TOTP_ISSUER = SITE_NAME
# Nobody, not even a national administrator, reads another person's secret key or backup codes in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Besides the two idle hours above: a session ends this long after its login however active it is (a stolen
# session cookie stops working), and when the browser is closed (shared office machines).
SESSION_ABSOLUTE_MAX_AGE = env_int("SESSION_ABSOLUTE_MAX_AGE", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-ratelimit's switch. Only the benchmark turns it off: all its load comes from one address.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
