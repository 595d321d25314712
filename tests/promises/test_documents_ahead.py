"""PDFs made ahead (promises/documents_ahead.py): made when content is published or changed, served without
WeasyPrint, never for drafts; `manage.py render_documents` makes what is missing."""

import logging
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from promises import documents_ahead
from promises.models import FollowUp, Publication
from promises.services import approval_record
from tests.pdf import Pdf
from tests.promises.test_follow_up_workflow import fill_in

pytestmark = pytest.mark.django_db

SITE_URL = "https://medborgarloften.example.se"


@pytest.fixture(autouse=True)
def _render_ahead_inline(settings):
    """PDFs made ahead in the request that commits the change (the background thread's job, run at once), with the
    site's address that they print. Non-transactional tests commit nothing before capturing on_commit callbacks,
    so the fixtures' own saves make no PDFs."""
    settings.SITE_URL = SITE_URL
    settings.DOCUMENTS_RENDER_AHEAD = "inline"


def stored(kind, name=""):
    folder = f"dokument/{kind}"
    files = default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
    return sorted(f"{folder}/{file}" for file in files if file.startswith(name) and not file.startswith("."))


def pdf_url(follow_up):
    period = follow_up.period
    return reverse(
        "follow_up_report_pdf", args=[period.municipality.slug, period.start_year, period.end_year, follow_up.year]
    )


@pytest.fixture
def weasyprint_fails():
    """Any PDF made from now on fails: a request that needs WeasyPrint errs, one served from storage does not."""
    with mock.patch("promises.documents.render_pdf", side_effect=AssertionError("WeasyPrint was called")) as fake:
        yield fake


@pytest.fixture
def draft_2024(vasterbotten):
    return fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))


def publish(follow_up, kommun, police, capture):
    with capture(execute=True):
        approval_record(obj=follow_up, user=kommun, version=follow_up.content_version)
        follow_up.refresh_from_db()
        approval_record(obj=follow_up, user=police, version=follow_up.content_version)
    follow_up.refresh_from_db()
    assert follow_up.publication == Publication.PUBLISHED


def test_publishing_a_follow_up_stores_its_pdf_and_visitors_get_it_without_weasyprint(
    resident, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    assert stored("uppfoljning", "vindeln-2023-2025-2024-") == []
    publish(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    [path] = stored("uppfoljning", "vindeln-2023-2025-2024-")

    with mock.patch("weasyprint.HTML", side_effect=AssertionError("WeasyPrint was called")):
        response = resident.get(pdf_url(draft_2024))  # from testserver: the PDF prints SITE_URL all the same
        with translation.override("en"):
            english = resident.get(pdf_url(draft_2024))  # the English page's link: the same Swedish document
    assert response.status_code == 200
    assert english.status_code == 200 and english.content == response.content
    with default_storage.open(path, "rb") as file:
        assert response.content == file.read()
    assert f"{SITE_URL.split('://')[1]}/vindeln/2023-2025/uppfoljning/2024" in Pdf(response).text


def test_a_change_to_published_content_makes_a_new_pdf_and_the_old_one_is_never_served(
    resident, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    publish(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    [old] = stored("uppfoljning", "vindeln-2023-2025-2024-")
    report = draft_2024.area_reports.first()
    with django_capture_on_commit_callbacks(execute=True):
        report.done = "Nattvandringar varje helg under hela sommaren."
        report.save()
    [new] = stored("uppfoljning", "vindeln-2023-2025-2024-")
    assert new != old

    with mock.patch("weasyprint.HTML", side_effect=AssertionError("WeasyPrint was called")):
        response = resident.get(pdf_url(draft_2024))
    assert "Nattvandringar varje helg under hela sommaren." in Pdf(response).text


def test_drafts_get_no_stored_pdf_and_unpublishing_removes_it(
    vasterbotten, draft_2024, django_capture_on_commit_callbacks
):
    published = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2023)
    with django_capture_on_commit_callbacks(execute=True):
        draft_2024.summary = "Ändrad i utkastet."
        draft_2024.save()
    assert stored("uppfoljning", "vindeln-2023-2025-2024-") == []
    assert len(stored("uppfoljning", "vindeln-2023-2025-2023-")) == 1  # the kommun's published one was made

    with django_capture_on_commit_callbacks(execute=True):
        published.publication = Publication.DRAFT
        published.save()
    assert stored("uppfoljning", "vindeln-") == []
    assert len(stored("medborgarlofte", "vindeln-")) == 1


def test_a_failing_render_is_logged_and_the_change_and_the_pages_still_work(
    resident, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks, caplog
):
    with mock.patch("promises.documents.render_pdf", side_effect=OSError("no fonts")), caplog.at_level(logging.ERROR):
        publish(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    failures = [record for record in caplog.records if record.name == "promises.documents_ahead"]
    failed = [record for record in failures if "vindeln-2023-2025-2024" in record.getMessage()]
    assert failed and "no fonts" in failed[0].exc_text
    assert stored("uppfoljning", "vindeln-2023-2025-2024-") == []

    assert resident.get(draft_2024.get_absolute_url()).status_code == 200
    # The visitor's request is the last resort: it makes the PDF as before.
    response = resident.get(pdf_url(draft_2024))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(stored("uppfoljning", "vindeln-2023-2025-2024-")) == 1


def test_command_makes_every_missing_pdf_once_and_none_for_drafts(vasterbotten, draft_2024, weasyprint_fails):
    weasyprint_fails.side_effect = lambda html, base_url: b"%PDF-1.7 " + html[-40:].encode()
    call_command("render_documents", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(stored("medborgarlofte")) == 2  # Umeå's and Vindeln's periods
    assert [path.split("/")[-1][:-25] for path in stored("uppfoljning")] == [
        "umea-2023-2025-2023",
        "vindeln-2023-2025-2023",
    ]
    calls = weasyprint_fails.call_count

    call_command("render_documents", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert weasyprint_fails.call_count == calls


def test_command_removes_stored_pdfs_of_no_published_document(vasterbotten, weasyprint_fails):
    weasyprint_fails.side_effect = lambda html, base_url: b"%PDF-1.7"
    orphan = "dokument/uppfoljning/vindeln-2023-2025-2024-0123456789abcdef0123.pdf"  # a draft's, or an old slug's
    default_storage.save(orphan, ContentFile(b"%PDF-1.7"))
    call_command("render_documents", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert orphan not in stored("uppfoljning")
    assert len(stored("uppfoljning")) == 2


def test_a_stored_pdf_deleted_during_the_request_is_made_again_not_a_500(resident, vasterbotten, weasyprint_fails):
    weasyprint_fails.side_effect = lambda html, base_url: b"%PDF-1.7 made on request"
    follow_up = FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2023)
    with mock.patch("promises.views.periods.stored_pdf_path", return_value="dokument/uppfoljning/gone.pdf"):
        response = resident.get(pdf_url(follow_up))
    assert response.status_code == 200 and response.content == b"%PDF-1.7 made on request"


def test_command_refuses_without_site_url(settings, vasterbotten):
    from django.core.management.base import CommandError

    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("render_documents")


@pytest.mark.django_db(transaction=True)
def test_in_thread_mode_the_change_returns_first_and_the_pdf_follows(settings, request):
    settings.DOCUMENTS_RENDER_AHEAD = "off"
    vasterbotten = request.getfixturevalue("vasterbotten")
    assert stored("uppfoljning") == []
    settings.DOCUMENTS_RENDER_AHEAD = "thread"
    follow_up = FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2023)
    with mock.patch("promises.documents.render_pdf", return_value=b"%PDF-1.7"):
        follow_up.summary = "Ändrad efter publiceringen."
        follow_up.save()  # autocommit: the hook runs at once and hands the kommun to the background thread
        documents_ahead.wait_for_pending(timeout=30)
    assert len(stored("uppfoljning", "umea-2023-2025-2023-")) == 1
    assert stored("uppfoljning", "vindeln-") == []  # only the kommun that changed


def test_in_queue_mode_without_a_broker_publication_makes_the_pdf_through_the_job(
    settings, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks, caplog
):
    settings.DOCUMENTS_RENDER_AHEAD = "queue"  # no CELERY_BROKER_URL: the job runs in this process
    with caplog.at_level(logging.INFO, logger="portal.jobs"):
        publish(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    assert len(stored("uppfoljning", "vindeln-2023-2025-2024-")) == 1
    vindeln = draft_2024.period.municipality_id
    assert f"PDFs for kommuner [{vindeln}]: " in caplog.text  # promises.tasks.render_documents's line


def test_in_queue_mode_with_a_broker_publication_enqueues_the_kommun_after_the_commit(
    settings, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    from promises.tasks import render_documents
    from tests.portal.test_jobs import with_broker

    settings.DOCUMENTS_RENDER_AHEAD = "queue"
    with with_broker("redis://127.0.0.1:6379/0"), mock.patch.object(render_documents, "apply_async") as enqueue:
        with django_capture_on_commit_callbacks() as callbacks:
            approval_record(obj=draft_2024, user=coordinator_vindeln, version=draft_2024.content_version)
            draft_2024.refresh_from_db()
            approval_record(obj=draft_2024, user=police_coordinator_vindeln, version=draft_2024.content_version)
        enqueue.assert_not_called()  # nothing before the commit: a worker would not see the publication yet
        for callback in callbacks:
            callback()
    enqueue.assert_called_with(args=([draft_2024.period.municipality_id],), kwargs={})
    assert stored("uppfoljning") == []  # the worker makes them, not the request


def test_in_queue_mode_a_broker_that_is_down_loses_no_publication_and_the_first_request_makes_the_pdf(
    settings,
    resident,
    draft_2024,
    coordinator_vindeln,
    police_coordinator_vindeln,
    django_capture_on_commit_callbacks,
    caplog,
):
    from tests.portal.test_jobs import UNREACHABLE_BROKER, with_broker

    settings.DOCUMENTS_RENDER_AHEAD = "queue"
    with with_broker(UNREACHABLE_BROKER), caplog.at_level(logging.WARNING, logger="portal.jobs"):
        publish(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    assert "Could not enqueue job promises.tasks.render_documents" in caplog.text
    assert stored("uppfoljning", "vindeln-2023-2025-2024-") == []
    response = resident.get(pdf_url(draft_2024))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
