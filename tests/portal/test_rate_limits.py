"""Rate limits on public forms: counted in the shared cache, per visitor also behind a reverse proxy, and
answered with a Swedish 429 page that says when to try again."""

import pytest
from django.core.cache import cache

from tests.portal.test_accessibility_feedback import post

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


def test_the_counters_live_in_the_shared_cache(resident, settings):
    # RATELIMIT_USE_CACHE is the default cache, which is Redis in production (REDIS_URL): every process counts
    # in one place, so several gunicorn processes cannot each allow the full rate.
    assert settings.RATELIMIT_USE_CACHE == "default"
    post(resident, REMOTE_ADDR="198.51.100.4")
    assert [key for key in cache._cache if ":rl:" in key]


def test_the_429_page_is_swedish_and_says_when_to_try_again(resident):
    for _ in range(5):
        post(resident, REMOTE_ADDR="198.51.100.4")

    response = post(resident, REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "För många försök på kort tid" in page
    assert "Vänta en minut och försök igen" in page


def test_behind_a_proxy_each_visitor_has_a_limit_of_their_own(resident, settings):
    # Every request comes from the proxy's address; the visitor's is in the header the proxy sets (docs/operations.md).
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(5):
        assert post(resident, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.4").status_code == 302
    assert post(resident, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.4").status_code == 429
    # Another visitor behind the same proxy is not held back.
    assert post(resident, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.5").status_code == 302
