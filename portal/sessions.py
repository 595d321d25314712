"""Django's database sessions, asking the database only about keys that Django could have made.

The session cookie is whatever the browser sends. `sessionid="\\000abcdefgh"` is a valid quoted cookie that Django
unquotes to a NUL character; PostgreSQL refuses a string with NUL in a query, and every page answered 500 (found by
tests/portal/test_fuzz_public_urls.py). Django makes keys of 32 lowercase letters and digits; any other key is
treated like an unknown one: the visitor gets a new, empty session, as with an expired cookie.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and set(key) <= _KEY_CHARACTERS
