"""The weekly digest through a real SMTP server (aiosmtpd on a free port): what a relay receives.

Django's SMTP backend, not the test outbox: the headers, the encoding and the text as they go over the wire, and
the off link in List-Unsubscribe followed through the test client.
"""

import email
import email.policy
import re

import pytest
from django.core.management import call_command
from django.test import Client

from portal.models import Coordinator
from tests.smtp import smtp_inbox

pytestmark = pytest.mark.django_db

SITE = "https://medborgarloften.example"


@pytest.fixture
def smtp_server(settings):
    with smtp_inbox(settings, from_email="Medborgarlöften <noreply@medborgarloften.example>", site_url=SITE) as inbox:
        yield inbox


def test_the_digest_as_an_smtp_relay_receives_it(smtp_server, vasterbotten, coordinator_vindeln):
    coordinator_vindeln.email = "kim@vindeln.example"
    coordinator_vindeln.save()

    call_command("send_coordinator_digests")

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["kim@vindeln.example"]
    assert envelope.mail_from == "noreply@medborgarloften.example"
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)

    assert message["From"] == "Medborgarlöften <noreply@medborgarloften.example>"
    assert message["To"] == "kim@vindeln.example"
    # Python's email package folds an encoded subject onto a second line ("Subject:\n =?utf-8?q?…?="); the space
    # that unfolding leaves before the value is not part of it.
    assert message["Subject"].lstrip() == "Medborgarlöften: veckans att göra för Vindeln"
    assert message["Date"] and message["Date"].datetime is not None
    assert re.fullmatch(r"<[^@<>]+@[^@<>]+>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(https://medborgarloften\.example/admin/veckobrev/av/[^>]+/)>", message["List-Unsubscribe"].lstrip()
    )
    assert unsubscribe, message["List-Unsubscribe"]
    assert message.get_content_type() == "multipart/alternative"

    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text.get_content_charset() == "utf-8"
    assert html.get_content_charset() == "utf-8"
    body = text.get_content()
    assert body.startswith("Hej Kim!")
    assert "VINDELNS KOMMUN" in body
    assert "Uppföljningen för 2025 saknas." in body
    assert "Umeå" not in body
    assert f"Stäng av veckobrevet (ingen inloggning behövs): {unsubscribe[1]}" in body
    assert '<html lang="sv">' in html.get_content()
    assert f'href="{unsubscribe[1]}"' in html.get_content()

    # The mail program's one-click unsubscribe: a POST, no login, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe[1].removeprefix(SITE), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Coordinator.objects.get(user=coordinator_vindeln).digest_enabled
