"""bin/backup and bin/restore: a backup restored into a fresh database and media folder holds everything.

The content is committed (transactional_db): pg_dump and sqlite3 run in other processes and only see committed
rows. The restored database is read by `manage.py shell` in a subprocess pointed at it, as the portal would be
after a restore. On PostgreSQL the fresh database is created on the same server under a unique name (each
pytest-xdist worker its own) and dropped afterwards; on SQLite the in-memory test database is first copied to a
file, which is what bin/backup reads in production.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from promises.models import PromisePeriod
from promises.services import signed_original_record
from tests import content_snapshot
from tests.factories import blank_pdf

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"
# The programs the scripts call besides coreutils and tar (.ci/run installs sqlite3; pg_dump comes with PostgreSQL).
TOOLS = ["pg_dump", "pg_restore", "psql"] if POSTGRES else ["sqlite3"]


@pytest.fixture(autouse=True)
def _tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"bin/backup needs {', '.join(missing)} (apt-get install sqlite3 / postgresql-client)"
        # As with the browser tests: skipped on a laptop without them, an error in CI.
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


# Read by the restored portal: every table's rows, the promise texts word for word, the signed original's bytes.
READ_BACK = """
import hashlib, json
from django.db import connection
from promises.models import Activity, FocusArea, PromisePeriod
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"select count(*) from {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
signed = PromisePeriod.objects.exclude(signed_original="").get()
with signed.signed_original.open("rb") as original:
    signed_sha256 = hashlib.sha256(original.read()).hexdigest()
print("RESULT:" + json.dumps({
    "counts": counts,
    "periods": list(PromisePeriod.objects.order_by("pk").values_list("pk", "preamble", "basis", "feedback")),
    "focus_areas": list(FocusArea.objects.order_by("pk").values_list("pk", "title", "description")),
    "activities": list(Activity.objects.order_by("pk").values_list("pk", "text")),
    "signed": [signed.pk, signed.signed_original.name, signed.signed_original_sha256, signed_sha256],
}))
"""


def read_back(database_url, media_root):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", READ_BACK],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT:"))
    return json.loads(line.removeprefix("RESULT:"))


def run(script, *arguments, database_url, media_root, check=True, env=None):
    result = subprocess.run(
        [str(ROOT / "bin" / script), *map(str, arguments)],
        env={**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, f"bin/{script} failed:\n{result.stdout}\n{result.stderr}"
    return result


def postgres_url(name):
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def source(tmp_path):
    """The database URL bin/backup reads: the test database itself, or on SQLite a file copy of it."""
    if POSTGRES:
        return postgres_url(connection.settings_dict["NAME"])
    path = tmp_path / "portal.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


@pytest.fixture
def fresh_database(tmp_path):
    """An empty target: a new database on the same PostgreSQL server (dropped afterwards), or a new SQLite path."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    # Unique across xdist workers and concurrent runs; only this database is ever dropped here.
    name = f"restore_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def content():
    """The Västerbotten content with its example follow-ups, and a signed original uploaded for one period."""
    content_snapshot.load("content")
    period = PromisePeriod.objects.published().filter(municipality__slug="vindeln").order_by("-start_year").first()
    period.signed_original.save("undertecknat.pdf", ContentFile(blank_pdf()), save=True)
    signed_original_record(period=period)
    # A generated PDF: a cache of the database, left out of the backup.
    generated = Path(settings.MEDIA_ROOT) / "dokument" / "medborgarlofte-vindeln.pdf"
    generated.parent.mkdir(parents=True, exist_ok=True)
    generated.write_bytes(b"%PDF-1.7 generated")
    return period


def test_a_backup_restored_into_a_fresh_database_holds_every_row_and_the_signed_original(
    content, source, fresh_database, tmp_path
):
    media = Path(settings.MEDIA_ROOT)
    original = media / content.signed_original.name
    before = read_back(source, media)

    backup = run("backup", tmp_path / "backups", database_url=source, media_root=media).stdout.strip()
    folder = Path(backup)
    assert folder.parent == tmp_path / "backups"
    expected = {"database.dump" if POSTGRES else "database.sqlite3", "media.tar.gz", "media.sha256"}
    assert expected | {"counts.tsv", "manifest.txt", "SHA256SUMS"} == {path.name for path in folder.iterdir()}
    manifest = (folder / "manifest.txt").read_text()
    assert f"database_kind={'postgresql' if POSTGRES else 'sqlite'}" in manifest
    assert "media_files=1" in manifest
    assert "password" not in manifest.lower()

    restored_media = tmp_path / "restored-media"
    run("restore", folder, database_url=fresh_database, media_root=restored_media)

    after = read_back(fresh_database, restored_media)
    assert after["counts"] == before["counts"]
    assert after["counts"]["promises_activity"] >= 20
    assert after["periods"] == before["periods"]
    assert after["focus_areas"] == before["focus_areas"]
    assert after["activities"] == before["activities"]
    assert after["signed"] == before["signed"]
    restored_original = restored_media / content.signed_original.name
    assert restored_original.read_bytes() == original.read_bytes()
    assert hashlib.sha256(restored_original.read_bytes()).hexdigest() == content.signed_original_sha256
    assert not (restored_media / "dokument").exists()

    # A second restore into what is now a database with content is refused, and nothing is changed.
    refused = run("restore", folder, database_url=fresh_database, media_root=restored_media, check=False)
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    assert read_back(fresh_database, restored_media)["counts"] == before["counts"]


def test_a_damaged_backup_is_refused_before_anything_is_touched(content, source, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    folder = Path(run("backup", tmp_path / "backups", database_url=source, media_root=media).stdout.strip())
    archive = folder / "media.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    target = tmp_path / "never-created.sqlite3"

    refused = run("restore", folder, database_url=f"sqlite:///{target}", media_root=tmp_path / "m", check=False)

    assert refused.returncode != 0
    assert "checksums" in refused.stderr
    assert not target.exists()
    assert not (tmp_path / "m").exists()


def test_with_the_files_in_a_bucket_only_the_database_is_backed_up_and_restored(
    content, source, fresh_database, tmp_path
):
    # The scripts never talk to the bucket: the files stay there, kept by its versioning (docs/operations.md).
    bucket = {"STORAGE_S3_BUCKET": "medborgarloften"}
    media = Path(settings.MEDIA_ROOT)  # a stale local folder, as on a server that moved to the bucket
    before = read_back(source, media)

    backup = run("backup", tmp_path / "backups", database_url=source, media_root=media, env=bucket)
    assert "s3 bucket medborgarloften" in backup.stderr.lower() and "not in this backup" in backup.stderr
    folder = Path(backup.stdout.strip())
    manifest = (folder / "manifest.txt").read_text()
    assert "media_storage=s3://medborgarloften" in manifest
    assert "media_files=0" in manifest
    assert (folder / "media.sha256").read_text() == ""

    restored_media = tmp_path / "untouched-media"
    restored = run("restore", folder, database_url=fresh_database, media_root=restored_media, env=bucket)
    assert "medborgarloften" in restored.stdout
    assert not restored_media.exists()
    # The database is restored as always, and names the files the storage still holds (here the original folder
    # stands in for the bucket): the signed original reads back with its checksum.
    assert read_back(fresh_database, media) == before


def test_a_backup_with_local_files_is_refused_when_the_files_belong_in_a_bucket(content, source, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    folder = Path(run("backup", tmp_path / "backups", database_url=source, media_root=media).stdout.strip())
    target = tmp_path / "never-created.sqlite3"

    refused = run(
        "restore",
        folder,
        database_url=f"sqlite:///{target}",
        media_root=tmp_path / "m",
        check=False,
        env={"AWS_STORAGE_BUCKET_NAME": "medborgarloften"},
    )

    assert refused.returncode != 0
    assert "S3 bucket medborgarloften" in refused.stderr and "copy MEDIA_ROOT into the bucket" in refused.stderr
    assert not target.exists()
