"""The signed original: uploaded by a coordinator, checked by content, offered publicly with its checksum."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from promises.documents import period_document_text
from promises.models import PromisePeriod
from tests.admin_forms import admin_form_data
from tests.factories import blank_pdf, make_activity, make_focus_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(vasterbotten):
    return vasterbotten["periods"]["vindeln"]


def upload(client, period, content, name="undertecknat.pdf"):
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    data = admin_form_data(client.get(url))
    data["signed_original"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url, data)


def test_a_real_pdf_is_stored_under_a_generated_name_with_its_checksum(client, period, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    content = blank_pdf()

    response = upload(client, period, content, name="../../etc/passwd.pdf")

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.signed_original.name.startswith("undertecknade/")
    assert "passwd" not in period.signed_original.name
    assert period.signed_original_sha256 == hashlib.sha256(content).hexdigest()
    assert period.signed_original_size == len(content)
    assert period.signed_original_uploaded_at is not None
    assert period.focus_areas.first().title in period.signed_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Det här är en textfil, inte en PDF.".encode(), "inte en PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "inte en PDF"),
        (b"%PDF-1.7\ntrasig", "går inte att läsa"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(client, period, coordinator_vindeln, content, message):
    client.force_login(coordinator_vindeln)
    response = upload(client, period, content, name="undertecknat.pdf")
    assert response.status_code == 200
    assert message in response.content.decode()
    period.refresh_from_db()
    assert not period.signed_original


def test_an_oversized_file_is_refused_with_a_message(client, period, coordinator_vindeln, settings):
    settings.SIGNED_ORIGINAL_MAX_BYTES = 1000
    client.force_login(coordinator_vindeln)
    response = upload(client, period, blank_pdf() + b" " * 2000)
    assert response.status_code == 200
    assert "får vara högst" in response.content.decode()
    period.refresh_from_db()
    assert not period.signed_original


def test_public_page_offers_the_original_with_date_and_checksum_as_an_attachment(
    client, resident, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    content = blank_pdf()
    upload(client, period, content)

    page = resident.get(period.get_absolute_url()).content.decode()
    assert hashlib.sha256(content).hexdigest() in page
    download_url = reverse("signed_original", args=["vindeln", 2023, 2025])
    assert download_url in page

    response = resident.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == content


def test_the_page_says_when_the_live_text_differs_from_the_signed_original(
    client, resident, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    upload(client, period, blank_pdf())
    page = resident.get(period.get_absolute_url()).content.decode()
    assert "skiljer sig från det undertecknade originalet" not in page

    activity = make_activity(make_focus_area(period, title="Nytt område"), text="Polisen lovar något nytt.")
    page = resident.get(period.get_absolute_url()).content.decode()
    assert "skiljer sig från det undertecknade originalet" in page
    assert "Tillagt:" in page and activity.text in page


def test_an_activity_added_after_signing_does_not_make_the_text_differ_from_the_original(
    client, resident, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    upload(client, period, blank_pdf())
    make_activity(
        period.focus_areas.first(),
        text="Polisen lovar drogsnack i skolorna.",
        added_after_signing=True,
        added_on=datetime.date(2024, 3, 5),
    )

    page = resident.get(period.get_absolute_url()).content.decode()

    assert "Polisen lovar drogsnack i skolorna." in page  # shown, apart, as added after signing
    assert "skiljer sig från det undertecknade originalet" not in page
    period.refresh_from_db()
    assert "drogsnack" not in period_document_text(PromisePeriod.objects.with_content().get(pk=period.pk))


def test_no_original_means_404_and_drafts_are_404(resident, period):
    assert resident.get(reverse("signed_original", args=["vindeln", 2023, 2025])).status_code == 404
    PromisePeriod.objects.filter(pk=period.pk).update(publication="draft")
    assert resident.get(reverse("signed_original", args=["vindeln", 2023, 2025])).status_code == 404


def test_a_file_missing_from_the_media_folder_is_a_404_and_an_error_in_the_log(
    client, resident, period, coordinator_vindeln, caplog
):
    client.force_login(coordinator_vindeln)
    upload(client, period, blank_pdf())
    period.refresh_from_db()
    # As after a database restored without its media folder.
    period.signed_original.storage.delete(period.signed_original.name)

    response = resident.get(reverse("signed_original", args=["vindeln", 2023, 2025]))

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    assert any(
        record.levelname == "ERROR" and period.signed_original.name in record.getMessage() for record in caplog.records
    )


def test_the_type_is_judged_by_content_not_by_the_browsers_content_type_or_the_name(
    client, period, coordinator_vindeln
):
    client.force_login(coordinator_vindeln)
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    data = admin_form_data(client.get(url))
    # A real PDF that the browser called text/plain and the uploader named .exe is still a PDF …
    data["signed_original"] = SimpleUploadedFile("skanning.exe", blank_pdf(), content_type="text/plain")
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    # … stored under a generated name ending in .pdf, with nothing of the uploader's name.
    assert period.signed_original.name.endswith(".pdf")
    assert "skanning" not in period.signed_original.name and ".exe" not in period.signed_original.name


def test_an_html_file_called_pdf_with_a_pdf_content_type_is_refused(client, period, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    response = upload(client, period, b"<html><script>alert(1)</script></html>", name="original.pdf")
    assert response.status_code == 200
    assert "inte en PDF" in response.content.decode()
    period.refresh_from_db()
    assert not period.signed_original


def test_the_size_message_names_the_limit_in_swedish(client, period, coordinator_vindeln, settings):
    settings.SIGNED_ORIGINAL_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(coordinator_vindeln)
    response = upload(client, period, blank_pdf() + b" " * (3 * 1024 * 1024))
    assert "Den får vara högst 2,0\xa0MB" in response.content.decode()


def test_the_download_may_not_be_sniffed_or_shown_inline(client, resident, period, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    upload(client, period, blank_pdf())

    response = resident.get(reverse("signed_original", args=["vindeln", 2023, 2025]))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="undertecknat-medborgarlofte-vindeln-2023-2025.pdf"'
    )
