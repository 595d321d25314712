"""Django's PostgreSQL backend, with a deadline on every round trip and a short circuit breaker per process.

**Why a client-side deadline.** A database that hangs (the server stopped with SIGSTOP, a frozen VM, a storage
stall) keeps its TCP connections open: the kernel still accepts connections and acknowledges data and keepalives,
so neither PostgreSQL's statement_timeout (the server is not running) nor TCP keepalives or tcp_user_timeout
(every byte is acknowledged) ever ends a query. psycopg then waits on the socket for ever, and so does the gunicorn
gthread worker thread holding it: gunicorn's own timeout only watches that the process's main loop runs. Only the
client can give up.

**How.** Every wait of a psycopg 3 connection for the server (sending a query and reading its result, a fetch from
a server-side cursor, COMMIT, ROLLBACK, the health check's SELECT 1) goes through ``Connection.wait()``, which
takes a timeout. The connections this backend makes are a subclass whose ``wait()`` passes
settings.DATABASE_CLIENT_TIMEOUT when the caller gave none. The deadline runs in the waiting thread itself: no
watchdog thread and no socket shared between threads, so it is correct under gunicorn's threads by construction
(Django keeps one connection per thread; a deadline only ever ends its own thread's wait). When it expires the
connection is in the middle of the protocol and cannot be used again, so it is closed and an OperationalError is
raised: Django's error handling and portal/errors.py then answer the 503 page. Setting up a connection is bounded
by libpq's connect_timeout (psycopg applies it to the whole handshake), which a hung server also runs into.

**Why a circuit breaker.** After a deadline expired, every other request would wait the whole deadline too, each
holding a thread, so the process would still have no thread free for /livez or cached pages. For
settings.DATABASE_BREAKER_SECONDS after a timeout, requests that need the database fail at once with the same
OperationalError (the 503 page). Then one request is let through to try (half-open): while it waits the others
still fail fast; if it is answered the breaker closes, if not it opens again. Per process, like the page cache's
pause after a Redis failure (portal/page_cache.py).
"""

import threading
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base

_WaitTimeout = psycopg.errors._WaitTimeout  # psycopg's own "the wait's timeout expired" (an OperationalError)


class DatabaseHung(psycopg.OperationalError):
    """The database did not answer in time, or did not a moment ago (the breaker is open)."""


class CircuitBreaker:
    """Closed, open for `pause` seconds after a timeout, then half-open: one caller tries while the others fail."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.tripped = False
        self.open_until = 0.0
        self.prober = None

    def allow(self, pause, deadline):
        """May this caller ask the database now? Read without the lock while closed: the common case costs nothing."""
        if not self.tripped:
            return True
        with self._lock:
            if not self.tripped:
                return True
            now = time.monotonic()
            if self.prober == threading.get_ident():
                return True  # the thread that is trying: its connection setup and its query
            if now < self.open_until:
                return False
            # Half-open: this caller tries; the others fail fast until it is answered or runs into its deadline
            # (a connection attempt's connect_timeout and the query's deadline).
            self.prober = threading.get_ident()
            self.open_until = now + 2 * deadline + pause
            return True

    def succeeded(self):
        if self.tripped:
            with self._lock:
                self.reset()

    def release(self):
        """The caller that was trying got another error (a broken connection, a refusal): no verdict on a hang, so
        the next caller tries at once rather than everyone failing for the rest of the half-open window."""
        if self.tripped and self.prober == threading.get_ident():
            with self._lock:
                if self.prober == threading.get_ident():
                    self.prober = None
                    self.open_until = 0.0

    def failed(self, pause):
        with self._lock:
            self.tripped = True
            self.open_until = time.monotonic() + pause
            self.prober = None


breaker = CircuitBreaker()


def _check_breaker():
    if not breaker.allow(
        settings.DATABASE_BREAKER_SECONDS, max(settings.DATABASE_CLIENT_TIMEOUT, settings.DATABASE_CONNECT_TIMEOUT)
    ):
        raise DatabaseHung(
            f"the database did not answer within {settings.DATABASE_CLIENT_TIMEOUT:g} s a moment ago; "
            f"not asking it again for up to {settings.DATABASE_BREAKER_SECONDS:g} s"
        )


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends after settings.DATABASE_CLIENT_TIMEOUT seconds."""

    def wait(self, gen, *args, timeout=None, **kwargs):
        deadline = settings.DATABASE_CLIENT_TIMEOUT
        if timeout is not None or not deadline:
            # A caller's own timeout (psycopg's notifies(), its cancel after Ctrl-C) is left as it is.
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        _check_breaker()
        try:
            result = super().wait(gen, *args, timeout=deadline, **kwargs)
        except _WaitTimeout:
            breaker.failed(settings.DATABASE_BREAKER_SECONDS)
            # Half-way through the protocol: the connection cannot be used again. Closing sends no wait.
            self.close()
            raise DatabaseHung(f"the database did not answer within {deadline:g} s") from None
        except BaseException:
            breaker.release()
            raise
        breaker.succeeded()
        return result


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if settings.DATABASE_CLIENT_TIMEOUT:
            _check_breaker()
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.errors.ConnectionTimeout:
            # connect_timeout expired: a server that accepts TCP connections but does not answer them hangs.
            if settings.DATABASE_CLIENT_TIMEOUT:
                breaker.failed(settings.DATABASE_BREAKER_SECONDS)
            raise
        except BaseException:
            breaker.release()
            raise
        # A handshake needs the server's answers: it is not hung (any longer).
        breaker.succeeded()
        if settings.DATABASE_CLIENT_TIMEOUT and type(connection) is psycopg.Connection:
            # Django makes a plain psycopg.Connection (psycopg.connect offers no choice of class). The subclass
            # only overrides a method and adds no state, so changing the instance's class is safe; a connection
            # from a pool or of another class is left as it is.
            connection.__class__ = DeadlineConnection
        return connection
