"""Shared fixtures. Personas are named for who they are and say what they may do."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from portal.models import Organisation
from tests import content_snapshot
from tests.factories import (
    make_coordinator,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_police_area,
    make_user,
)

# Modules of a few long tests (servers and a database cluster in other processes), run first: the outage test uses
# no test database, so pytest-django put it at the very end, where it kept one worker busy for a minute while the
# other had nothing left to do. Neither is transactional: no test that rolls back runs after a flush because of this
# (pytest-django runs those last, as Django does; test_backup_restore.py stays among them).
SLOW_MODULES = (
    "tests/portal/test_database_outage.py",
    "tests/portal/test_database_hang.py",
    "tests/portal/test_page_cache_processes.py",
)


def pytest_collection_modifyitems(items):
    # A stable sort after pytest-django's: every module stays whole and in its order, the same on every xdist worker.
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_MODULES))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's own (a database per xdist worker), and on PostgreSQL commits that do not wait for the disk.

    Every test that commits (the transactional ones, each test's flush and the content types and permissions made
    again after it) otherwise waits for its WAL to be flushed, on a disk shared with everything else the machine
    does. Asynchronous commit is a per-connection setting that needs no change to the server; rows are visible to
    other connections (the live server's) at once, only durability after a crash is given up: a test database.
    """
    if connection.vendor == "postgresql":
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()


@pytest.fixture(scope="session", autouse=True)
def _flush_postgresql_with_delete():
    """After every transactional test (the browser tests, bin/backup's) Django empties every table with one TRUNCATE.
    On PostgreSQL that makes new files for each of the ~80 tables and their indexes and scans shared buffers for the
    old ones: a second or more per test, most of the PostgreSQL leg's extra time. DELETE empties the same few rows in
    milliseconds; Django's foreign keys are DEFERRABLE INITIALLY DEFERRED and flush runs in one transaction, so the
    order of the tables does not matter. Sequences are left as TRUNCATE without RESTART IDENTITY leaves them; a test
    that asks for reset sequences or a cascade gets Django's own TRUNCATE."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Hashed static names need `collectstatic` first; tests exercise pages, not the build step.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real password hashing costs a tenth of a second per user; the tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Generated PDFs and uploads go to a fresh folder per test, never into the checkout's media/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Two-factor admin login is production's default (DEBUG off); tests log in with force_login and test the
    # codes themselves in tests/portal/test_admin_two_factor.py, whatever DEBUG the environment sets.
    settings.ADMIN_OTP_REQUIRED = False
    # PDFs are made ahead only where a test asks for it (tests/promises/test_documents_ahead.py): elsewhere every
    # committed change would make PDFs with WeasyPrint, slowly, in a thread outliving the test.
    settings.DOCUMENTS_RENDER_AHEAD = "off"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database is rolled back after every test, the cache is not: rate-limit counters, cached pages and their
    # version tokens would otherwise carry over into the next test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _swedish_by_default():
    # A request to /en/… leaves English active in the test's thread (LocaleMiddleware activates a language and
    # never deactivates it), so reverse() in the next test would give /en/ addresses. Every test starts in Swedish.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def _content_snapshot(django_db_setup, django_db_blocker):
    # Made before any test of the process asks for the content, on the empty database (tests/content_snapshot.py).
    with django_db_blocker.unblock():
        content_snapshot.snapshot()


@pytest.fixture
def content(_content_snapshot, db):
    """The portal's real content with its example follow-ups, as `load_content --with-examples` loads it."""
    content_snapshot.load("content")


@pytest.fixture
def content_and_example_survey(_content_snapshot, db):
    """The real content with its example follow-ups and the example survey (`load_example_survey`)."""
    content_snapshot.load("content and example survey")


@pytest.fixture
def resident(client):
    """An anonymous member of the public: may read every published page, nothing else."""
    return client


@pytest.fixture
def national_admin(db, django_user_model):
    """A national administrator (superuser): sees and changes everything in the admin."""
    return django_user_model.objects.create_superuser(
        username="riks-admin", email="admin@example.invalid", password="ett-långt-lösenord-123"
    )


@pytest.fixture
def admin_client_for(client, national_admin):
    client.force_login(national_admin)
    return client


@pytest.fixture
def vasterbotten(db):
    """Two kommuner in one police area, each with a published period, a published and a draft follow-up."""
    area = make_police_area(name="Lokalpolisområde Umeå")
    vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln", police_area=area)
    umea = make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea", police_area=area)
    periods = {}
    for municipality in (vindeln, umea):
        period = make_full_period(
            municipality=municipality,
            start_year=2023,
            end_year=2025,
            focus_areas=2,
            activities=2,
            follow_up_years=[2023],
        )
        make_follow_up(period, year=2024, published=False, summary=f"Utkast för {municipality.name}.")
        periods[municipality.slug] = period
    return {"area": area, "vindeln": vindeln, "umea": umea, "periods": periods}


@pytest.fixture
def coordinator_vindeln(vasterbotten):
    """Vindelns kommun's coordinator: sees and changes Vindeln's promises and follow-ups, approves for the kommun."""
    return make_coordinator(
        [vasterbotten["vindeln"]], Organisation.MUNICIPALITY, username="kommun-vindeln", first_name="Kim"
    ).user


@pytest.fixture
def police_coordinator_vindeln(vasterbotten):
    """The police's coordinator for Vindeln: the same rows as the kommun's, approves for the police."""
    return make_coordinator(
        [vasterbotten["vindeln"]], Organisation.POLICE, username="polis-vindeln", first_name="Pia"
    ).user


@pytest.fixture
def police_coordinator_umea(vasterbotten):
    """The police's coordinator for Umeå: Umeå's rows only, never Vindeln's."""
    return make_coordinator([vasterbotten["umea"]], Organisation.POLICE, username="polis-umea").user


@pytest.fixture
def staff_without_kommun(vasterbotten):
    """Staff who may log in but coordinate no kommun: sees no promise data at all."""
    return make_user(username="utan-kommun", is_staff=True)
