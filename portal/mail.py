"""The one way the portal sends e-mail: `send(message)`.

Residents' subscription mails and coordinators' digests are built as Django EmailMultiAlternatives (text, and HTML
where it helps) and handed over here, so that how a mail leaves (at once, or through the job queue with retries)
is decided in one place and every kind of mail gets the same treatment.

- Without a broker (CELERY_BROKER_URL unset) the mail is sent at once, in the caller's process; a failure raises.
- With a broker, the message is serialised (`message_payload`: subject, body, alternatives, sender, recipients,
  reply-to, headers) into a job, `portal.tasks.send_email`, which rebuilds it and sends it from the worker, retried
  with growing waits while the relay fails. The queue holds the addresses only until the mail is sent: no result
  backend keeps the job, and the worker's log never shows its arguments.
- With a broker that cannot be reached, the mail is sent at once in the caller's process instead, as without one:
  an enqueue that fails never loses a mail (a send that fails then raises to the caller, as before).

Each message gets its Message-ID before it is enqueued, so a job run twice (a worker lost mid-send gives its
message back) is recognised and not sent again (portal/tasks.py).
"""

import logging

from django.core.mail import DNS_NAME, EmailMessage, EmailMultiAlternatives
from django.core.mail.message import make_msgid

from portal import jobs

logger = logging.getLogger(__name__)


def send(message: EmailMessage) -> None:
    """Send the message through the configured backend (settings.EMAIL_BACKEND), now or from the job queue."""
    if not jobs.queued():
        message.send(fail_silently=False)
        return
    from portal.tasks import send_email

    payload = message_payload(message)
    if not jobs.enqueue(send_email, payload):
        logger.warning("The mail %s is sent at once instead, by this process", message_id(payload))
        message_from_payload(payload).send(fail_silently=False)


def message_payload(message: EmailMessage) -> dict:
    """The message as JSON-able data for a job. Attachments are refused: no mail of the portal has one, and the
    queue is not the place for files."""
    if message.attachments:
        raise ValueError("portal.mail.send does not carry attachments through the job queue")
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": headers,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", ())],
    }


def message_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    message.content_subtype = payload["content_subtype"]
    message.encoding = payload["encoding"]
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def message_id(payload: dict) -> str:
    return next(value for name, value in payload["headers"].items() if name.lower() == "message-id")
