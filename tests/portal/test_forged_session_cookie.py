"""A session cookie is whatever the browser sends: a key Django could not have made starts a new session."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cookie",
    [
        # A quoted cookie with an octal escape: Django unquotes it to a NUL character, which PostgreSQL refuses in a
        # query. Found by tests/portal/test_fuzz_public_urls.py: every page answered 500.
        '"\\000abcdefghijklmnop"',
        "abcdefgh\x00ijklmnop",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
        "åäöåäöåäöåäö",
        "x" * 5000,
    ],
)
def test_a_forged_session_cookie_gets_the_page_and_a_new_session(resident, cookie):
    response = resident.get("/om/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={cookie}")

    assert response.status_code == 200
    # The page was made with a new, empty session, not one under the forged key…
    assert response.wsgi_request.session.session_key is None
    assert response.wsgi_request.session.is_empty()
    # …the browser is told to drop the forged cookie rather than keep sending it…
    sent = response.cookies[settings.SESSION_COOKIE_NAME]
    assert sent.value == ""
    assert sent["max-age"] == 0
    # …and nothing was stored under it.
    assert cookie not in set(Session.objects.values_list("session_key", flat=True))


@pytest.mark.parametrize("cookie", ["ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "abcdefghijklmnopqrstuvwxyz012345"])
def test_a_session_written_after_a_forged_cookie_is_stored_under_a_new_key(cookie):
    store = SessionStore(cookie)
    store["kommun"] = "vindeln"
    store.save()

    assert store.session_key not in (None, cookie)
    assert set(Session.objects.values_list("session_key", flat=True)) == {store.session_key}


def test_a_key_django_could_not_have_made_is_dropped_before_any_lookup():
    store = SessionStore("abcdefgh\x00ijklmnop")

    assert store.session_key is None
    assert store.load() == {}


def test_a_real_session_is_still_found():
    store = SessionStore()
    store["kommun"] = "vindeln"
    store.create()

    assert SessionStore(store.session_key).load() == {"kommun": "vindeln"}
