"""Object storage: with STORAGE_S3_BUCKET set, signed originals and PDFs live in an S3 bucket (django-storages),
not on the server's disk, so that every application server finds them. Against a real S3 server: moto's, started
in this process on a free port (one per xdist worker), with a fresh private bucket for every test."""

import hashlib
import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from portal.settings import s3_storage_options
from promises.documents import _store_atomically
from promises.models import FollowUp, PromisePeriod
from tests.factories import blank_pdf
from tests.promises.test_documents_ahead import SITE_URL, pdf_url, publish
from tests.promises.test_follow_up_workflow import fill_in
from tests.promises.test_signed_original import upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-north-1"  # Stockholm; any region works with moto and with S3-compatible services


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API over HTTP for the whole session. Port 0: the system picks a free one, so that two xdist
    workers (and another helper's run on the same machine) never collide."""
    # Its request log (werkzeug's) only for a failing request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )


@pytest.fixture(autouse=True)
def bucket(s3, s3_endpoint, settings, monkeypatch, tmp_path):
    """A new bucket for this test, and the portal's default storage pointed at it exactly as portal/settings.py
    does for production: through the same environment variables and s3_storage_options()."""
    name = f"medborgarloften-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    for variable, value in {
        "STORAGE_S3_ENDPOINT_URL": s3_endpoint,
        "STORAGE_S3_REGION": REGION,
        "STORAGE_S3_ACCESS_KEY_ID": "test",
        "STORAGE_S3_SECRET_ACCESS_KEY": "test",
        "STORAGE_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options(name)},
    }
    settings.SITE_URL = SITE_URL
    yield name
    # Nothing may have been written to the local folder instead.
    media = tmp_path / "media"
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
    for key in keys(s3, name):
        s3.delete_object(Bucket=name, Key=key)
    s3.delete_bucket(Bucket=name)


def keys(s3, bucket, prefix=""):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def object_bytes(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def anonymous_get(endpoint, bucket, key):
    """What anyone who guesses the object's address gets from the S3 server: its HTTP status."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy
    try:
        with direct.open(f"{endpoint}/{bucket}/{key}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def public_grants(s3, bucket, key):
    grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return [grant for grant in grants if grant["Grantee"].get("URI", "").endswith(("/AllUsers", "/AuthenticatedUsers"))]


@pytest.fixture
def period(vasterbotten):
    return vasterbotten["periods"]["vindeln"]


def load_settings(**env):
    """portal/settings.py's STORAGES in a fresh interpreter with exactly these variables set."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("STORAGE_", "AWS_"))}
    code = "import json, portal.settings as s; print(json.dumps(s.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_files_are_the_default_and_a_bucket_name_selects_a_private_s3_bucket():
    assert load_settings() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    storage = load_settings(
        STORAGE_S3_BUCKET="medborgarloften",
        STORAGE_S3_ENDPOINT_URL="https://s3.example.se",
        STORAGE_S3_REGION="se-sto-1",
        STORAGE_S3_ACCESS_KEY_ID="key",
        STORAGE_S3_SECRET_ACCESS_KEY="secret",
        STORAGE_S3_ADDRESSING_STYLE="path",
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "medborgarloften",
        "https://s3.example.se",
        "se-sto-1",
    )
    assert (options["access_key"], options["secret_key"], options["addressing_style"]) == ("key", "secret", "path")
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_django_storages_own_bucket_variable_works_too_with_boto3s_credentials():
    options = load_settings(AWS_STORAGE_BUCKET_NAME="medborgarloften")["OPTIONS"]
    assert options["bucket_name"] == "medborgarloften"
    assert "access_key" not in options  # boto3 finds AWS_ACCESS_KEY_ID, a profile or an instance role itself


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"STORAGE_S3_ADDRESSING_STYLE": "dns"}, "STORAGE_S3_ADDRESSING_STYLE must be auto, virtual or path"),
        ({"STORAGE_S3_ACCESS_KEY_ID": "key"}, "are set together"),
    ],
)
def test_a_mistyped_storage_setting_refuses_to_start(monkeypatch, env, complaint):
    monkeypatch.delenv("STORAGE_S3_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("STORAGE_S3_SECRET_ACCESS_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=complaint):
        s3_storage_options("medborgarloften")


def test_the_default_storage_is_the_bucket(bucket):
    assert isinstance(storages["default"], S3Storage)
    assert storages["default"].bucket_name == bucket


def test_a_coordinators_upload_is_a_private_object_in_the_bucket_with_the_right_bytes_and_checksum(
    client, s3, s3_endpoint, bucket, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    content = blank_pdf()

    assert upload(client, period, content).status_code == 302

    period.refresh_from_db()
    assert keys(s3, bucket, "undertecknade/") == [period.signed_original.name]
    stored = object_bytes(s3, bucket, period.signed_original.name)
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(content).hexdigest() == period.signed_original_sha256
    assert period.signed_original_size == len(content)
    assert public_grants(s3, bucket, period.signed_original.name) == []
    # The bucket knows nothing of drafts and publication, so its address is refused to anyone, whatever the state;
    # only the portal's view decides, and serves it while the period is published (the next test).
    assert anonymous_get(s3_endpoint, bucket, period.signed_original.name) == 403


def test_the_public_page_serves_the_original_from_the_bucket_and_never_for_a_draft(
    client, resident, s3, bucket, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    content = blank_pdf()
    upload(client, period, content)
    download_url = reverse("signed_original", args=["vindeln", 2023, 2025])

    page = resident.get(period.get_absolute_url()).content.decode()
    assert download_url in page
    assert bucket not in page  # the visitor is never sent to the bucket itself
    response = resident.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # As from the local folder: an attachment, with its length known before it is streamed.
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Length"] == str(len(content))
    assert b"".join(response.streaming_content) == content

    PromisePeriod.objects.filter(pk=period.pk).update(publication="draft")
    assert resident.get(download_url).status_code == 404
    assert resident.get(period.get_absolute_url()).status_code == 404


def test_an_original_missing_from_the_bucket_is_a_404_not_a_500(
    client, resident, s3, bucket, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    upload(client, period, blank_pdf())
    period.refresh_from_db()
    s3.delete_object(Bucket=bucket, Key=period.signed_original.name)

    assert resident.get(reverse("signed_original", args=["vindeln", 2023, 2025])).status_code == 404


def test_a_pdf_made_ahead_is_stored_in_the_bucket_and_served_from_it_without_weasyprint(
    settings,
    resident,
    s3,
    s3_endpoint,
    bucket,
    vasterbotten,
    coordinator_vindeln,
    police_coordinator_vindeln,
    django_capture_on_commit_callbacks,
):
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))
    # The kommun's other published documents stored already, so that publishing runs WeasyPrint for this one only.
    with mock.patch("promises.documents.render_pdf", return_value=b"%PDF-1.7 made before"):
        call_command("render_documents", "--kommun", "vindeln", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert keys(s3, bucket, "dokument/uppfoljning/vindeln-2023-2025-2024-") == []
    settings.DOCUMENTS_RENDER_AHEAD = "inline"

    publish(follow_up, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    [key] = keys(s3, bucket, "dokument/uppfoljning/vindeln-2023-2025-2024-")
    assert public_grants(s3, bucket, key) == []
    assert anonymous_get(s3_endpoint, bucket, key) == 403
    with mock.patch("weasyprint.HTML", side_effect=AssertionError("WeasyPrint was called")):
        response = resident.get(pdf_url(follow_up))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response.content == object_bytes(s3, bucket, key)
    # As from the local folder: an ETag, and 304 Not Modified when the visitor's copy is current.
    with mock.patch("weasyprint.HTML", side_effect=AssertionError("WeasyPrint was called")):
        again = resident.get(pdf_url(follow_up), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_outdated_pdf_and_a_drafts_pdf_are_deleted_from_the_bucket(
    settings, s3, bucket, vasterbotten, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_RENDER_AHEAD = "inline"
    published = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2023)
    prefix = "dokument/uppfoljning/vindeln-2023-2025-2023-"
    with mock.patch("promises.documents.render_pdf", side_effect=lambda html, base_url: b"%PDF-1.7 " + html.encode()):
        call_command("render_documents", stdout=open("/dev/null", "w"))  # noqa: SIM115
        [old] = keys(s3, bucket, prefix)
        # A stored PDF of a draft (left by an earlier version of the portal, or a crash) in the same folder.
        orphan = "dokument/uppfoljning/vindeln-2023-2025-2024-0123456789abcdef0123.pdf"
        s3.put_object(Bucket=bucket, Key=orphan, Body=b"%PDF-1.7 draft")

        with django_capture_on_commit_callbacks(execute=True):
            published.summary = "Rättad sammanfattning efter publiceringen."
            published.save()

    [new] = keys(s3, bucket, prefix)
    assert new != old
    assert b"R\xc3\xa4ttad sammanfattning efter publiceringen." in object_bytes(s3, bucket, new)
    assert orphan not in keys(s3, bucket)


def test_storing_a_pdf_twice_keeps_one_object_under_its_content_name(s3, bucket):
    # Two processes making the same PDF at once: the bucket never overwrites, and the second copy is not kept.
    path = "dokument/medborgarlofte/vindeln-2023-2025-0123456789abcdef0123.pdf"
    _store_atomically(path, b"%PDF-1.7 same")
    _store_atomically(path, b"%PDF-1.7 same")
    assert keys(s3, bucket, "dokument/") == [path]
