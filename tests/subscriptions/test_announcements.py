"""A mail to each confirmed subscriber when a kommun's follow-up or promise period is published, once."""

import pytest
from django.core import mail
from django.db import transaction

from promises.models import FollowUp, Publication
from promises.services import approval_record
from subscriptions.models import Announcement
from tests.factories import make_activity, make_focus_area, make_period
from tests.promises.test_follow_up_workflow import fill_in
from tests.subscriptions.helpers import link_to, make_subscription

pytestmark = pytest.mark.django_db

SITE_URL = "https://medborgarloften.example.se"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def subscribers(vasterbotten):
    """Ada (confirmed) and Bo (not yet) follow Vindeln; Cia follows Umeå."""
    return {
        "ada": make_subscription(vasterbotten["vindeln"], "ada@example.se"),
        "bo": make_subscription(vasterbotten["vindeln"], "bo@example.se", confirmed=False),
        "cia": make_subscription(vasterbotten["umea"], "cia@example.se"),
    }


@pytest.fixture
def draft_2024(vasterbotten):
    return fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))


def approve_both(record, kommun, police, capture):
    with capture(execute=True):
        approval_record(obj=record, user=kommun, version=record.content_version)
        approval_record(obj=record, user=police, version=record.content_version)
    record.refresh_from_db()


def test_publishing_a_follow_up_mails_each_confirmed_subscriber_of_the_kommun(
    subscribers, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    assert draft_2024.is_published
    assert [m.to for m in mail.outbox] == [["ada@example.se"]]
    message = mail.outbox[0]
    assert message.subject == "Ny årlig uppföljning 2024 av medborgarlöftet i Vindelns kommun"
    assert "Vindelns kommun och polisen har publicerat den årliga uppföljningen för 2024" in message.body
    assert f"{SITE_URL}/vindeln/2023-2025/uppfoljning/2024/" in message.body
    # The same in English below, with the English page.
    assert "Vindelns kommun and the police have published the yearly follow-up for 2024" in message.body
    assert f"{SITE_URL}/en/vindeln/2023-2025/uppfoljning/2024/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = link_to(message.body.split("---")[0], "/avsluta/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE_URL}{unsubscribe}>"


def test_the_first_approval_and_a_saved_draft_mail_nobody(
    subscribers, draft_2024, coordinator_vindeln, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft_2024.summary = "Ändrat utkast."
        draft_2024.save()
        approval_record(obj=draft_2024, user=coordinator_vindeln, version=draft_2024.content_version)

    assert not mail.outbox
    assert not Announcement.objects.exists()


def test_a_follow_up_is_announced_once_even_if_published_again(
    subscribers, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    # A national administrator takes it down; the coordinators approve it again.
    FollowUp.objects.filter(pk=draft_2024.pk).update(publication=Publication.DRAFT, published_on=None)
    draft_2024.refresh_from_db()
    draft_2024.summary = "Rättat."
    draft_2024.save()
    draft_2024.refresh_from_db()
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    assert draft_2024.is_published
    assert len(mail.outbox) == 1
    assert Announcement.objects.get().object_id == draft_2024.pk


def test_a_publication_rolled_back_announces_nothing(
    subscribers, draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    approval_record(obj=draft_2024, user=coordinator_vindeln, version=draft_2024.content_version)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                approval_record(obj=draft_2024, user=police_coordinator_vindeln, version=draft_2024.content_version)
                raise RuntimeError("the request failed after the approval")
        except RuntimeError:
            pass

    assert not callbacks
    assert not mail.outbox
    assert not Announcement.objects.exists()


def test_publishing_a_new_promise_period_mails_the_subscribers(
    subscribers, vasterbotten, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    period = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2027, published=False)
    make_activity(make_focus_area(period, title="Trygg skolväg"), text="Kommunen lovar att se över skolvägarna.")

    approve_both(period, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    assert period.is_published
    assert [m.to for m in mail.outbox] == [["ada@example.se"]]
    message = mail.outbox[0]
    assert message.subject == "Nytt medborgarlöfte 2026–2027 i Vindelns kommun"
    assert f"{SITE_URL}/vindeln/2026-2027/" in message.body
    assert f"{SITE_URL}/en/vindeln/2026-2027/" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_one_failing_address_does_not_stop_the_others(
    subscribers,
    vasterbotten,
    draft_2024,
    coordinator_vindeln,
    police_coordinator_vindeln,
    django_capture_on_commit_callbacks,
    monkeypatch,
    caplog,
):
    make_subscription(vasterbotten["vindeln"], "dan@example.se")
    from portal import mail as portal_mail

    sent = []

    def send(message):
        if message.to == ["ada@example.se"]:
            raise OSError("mailbox unavailable")
        sent.append(message.to)

    monkeypatch.setattr(portal_mail, "send", send)
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    assert sent == [["dan@example.se"]]
    assert "was not sent" in caplog.text


def test_deploy_check_warns_while_site_url_is_unset(settings):
    from subscriptions.checks import site_url_for_mails

    settings.SITE_URL = ""
    assert [problem.id for problem in site_url_for_mails()] == ["subscriptions.W001"]
    settings.SITE_URL = SITE_URL
    assert site_url_for_mails() == []


def test_without_site_url_in_production_nothing_is_sent_and_it_is_logged(
    subscribers,
    draft_2024,
    coordinator_vindeln,
    police_coordinator_vindeln,
    django_capture_on_commit_callbacks,
    settings,
    caplog,
):
    settings.SITE_URL = ""
    settings.DEBUG = False
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)

    assert draft_2024.is_published
    assert not mail.outbox
    assert "SITE_URL is not set" in caplog.text


def test_the_announcing_job_run_again_mails_nobody_twice(
    subscribers,
    draft_2024,
    coordinator_vindeln,
    police_coordinator_vindeln,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    # As on a worker: each mail goes through the mail job, which sends a Message-ID once; the announcing job is run
    # a second time, as Celery does after a failure part-way or a worker lost mid-job.
    from portal import mail as portal_mail
    from portal.tasks import send_email
    from subscriptions.tasks import announce

    monkeypatch.setattr(
        portal_mail, "send", lambda message: send_email.apply(args=[portal_mail.message_payload(message)])
    )
    approve_both(draft_2024, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks)
    announcement = Announcement.objects.get(object_id=draft_2024.pk)

    announce.apply(args=[announcement.kind, draft_2024.pk])

    assert [message.to for message in mail.outbox] == [["ada@example.se"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<announcement-{announcement.pk}-{subscribers['ada'].pk}@medborgarloften.example.se>"
    )
