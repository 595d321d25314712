"""Each kind of subscription mail through a real SMTP server (aiosmtpd on a free local port, no TLS): the headers
as a mail program receives them, the text, and the link in it followed through the test client."""

import email
import email.policy
import uuid

import pytest
from django.core import signing
from django.test import Client

from promises.models import FollowUp
from promises.services import approval_record
from subscriptions.models import Subscription
from tests.factories import make_activity, make_focus_area, make_period
from tests.promises.test_follow_up_workflow import fill_in
from tests.smtp import smtp_inbox
from tests.subscriptions.helpers import link_to, make_subscription

pytestmark = pytest.mark.django_db

SITE_URL = "https://medborgarloften.example.se"
FROM = "Medborgarlöften <noreply@medborgarloften.example.se>"


def subject(message):
    # Python's email package folds a long encoded Subject onto the next line ("Subject:\n =?utf-8?q?…"); unfolded,
    # the value starts with that fold's space, which mail programs drop as the parser here does not.
    return message["Subject"].strip()


@pytest.fixture
def smtp(settings):
    with smtp_inbox(settings, from_email=FROM, site_url=SITE_URL) as inbox:
        yield inbox


def assert_common_headers(message, to):
    assert message["From"] == FROM
    assert message["To"] == to
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert email.utils.parsedate_to_datetime(message["Date"]) is not None
    assert message["Message-ID"].endswith("@medborgarloften.example.se>")


def test_confirmation_mail(smtp, resident, vasterbotten):
    response = resident.post(
        "/vindeln/prenumerera/", {"email": "ada@example.se", "website": "", "token": str(uuid.uuid4())}
    )
    assert response.status_code == 302

    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["ada@example.se"]
    [message] = smtp.messages()
    assert_common_headers(message, "ada@example.se")
    assert subject(message) == "Bekräfta att du vill få e-post om medborgarlöftena i Vindelns kommun"
    # Not list mail: nothing to leave yet, and ignoring it is enough (mails.py).
    assert message["List-Unsubscribe"] is None
    text = message.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert "Bekräfta att du vill få e-posten:" in text
    assert "Var det inte du? Då behöver du inte göra något." in text

    confirm = link_to(text, "/bekrafta/")
    assert f"{SITE_URL}{confirm}" in text
    assert resident.get(confirm).status_code == 200
    assert not Subscription.objects.get().is_confirmed
    assert resident.post(confirm).status_code == 200
    assert Subscription.objects.get().is_confirmed


def test_follow_up_published_mail(
    smtp, vasterbotten, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    make_subscription(vasterbotten["vindeln"], "ada@example.se")
    follow_up = fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))

    with django_capture_on_commit_callbacks(execute=True):
        approval_record(obj=follow_up, user=coordinator_vindeln, version=follow_up.content_version)
        approval_record(obj=follow_up, user=police_coordinator_vindeln, version=follow_up.content_version)

    [message] = smtp.messages()
    assert_common_headers(message, "ada@example.se")
    assert subject(message) == "Ny årlig uppföljning 2024 av medborgarlöftet i Vindelns kommun"
    text = message.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert f"{SITE_URL}/vindeln/2023-2025/uppfoljning/2024/" in text
    assert f"{SITE_URL}/en/vindeln/2023-2025/uppfoljning/2024/" in text
    assert_one_click_unsubscribe(message, text)


def test_new_period_published_mail(
    smtp, vasterbotten, coordinator_vindeln, police_coordinator_vindeln, django_capture_on_commit_callbacks
):
    make_subscription(vasterbotten["vindeln"], "ada@example.se")
    period = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2027, published=False)
    make_activity(make_focus_area(period, title="Trygg skolväg"), text="Kommunen lovar att se över skolvägarna.")

    with django_capture_on_commit_callbacks(execute=True):
        approval_record(obj=period, user=coordinator_vindeln, version=period.content_version)
        approval_record(obj=period, user=police_coordinator_vindeln, version=period.content_version)

    [message] = smtp.messages()
    assert_common_headers(message, "ada@example.se")
    assert subject(message) == "Nytt medborgarlöfte 2026–2027 i Vindelns kommun"
    text = message.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert f"{SITE_URL}/vindeln/2026-2027/" in text
    assert_one_click_unsubscribe(message, text)


def assert_one_click_unsubscribe(message, text):
    swedish = text.split("\n---\n")[0]
    unsubscribe = link_to(swedish, "/avsluta/")
    # Folded onto its own line like the Subject (legal: folding is at whitespace), the address itself in one piece.
    assert message["List-Unsubscribe"].strip() == f"<{SITE_URL}{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link in the text opens a page with a button; opening it unsubscribes nobody.
    browser = Client()
    page = browser.get(unsubscribe)
    assert page.status_code == 200
    assert Subscription.objects.filter(email="ada@example.se").exists()
    # The English link is the same signed address under /en/.
    english = link_to(text.split("\n---\n")[1], "/avsluta/")
    assert english == "/en" + unsubscribe
    # The mail program's one-click POST (RFC 8058): no cookies, no CSRF token; the address is deleted at once.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(email="ada@example.se").exists()
    signing.loads(unsubscribe.split("/")[-2], salt="subscriptions.unsubscribe")
