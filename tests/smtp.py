"""A real SMTP server for the mail tests (aiosmtpd on a free local port, no TLS), with Django's SMTP backend
pointed at it: the headers, the encoding and the text as a relay receives them, not the test outbox."""

import contextlib
import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd's handler: keeps every message it is given, as the bytes that crossed the wire."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in self.envelopes]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_inbox(settings, *, from_email, site_url):
    """Starts the server, points the mail settings (pytest-django's `settings`) at it, and yields its Inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = from_email
    settings.SITE_URL = site_url
    try:
        yield inbox
    finally:
        controller.stop()
