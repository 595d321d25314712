"""The one way the portal sends e-mail: `send(message)`.

Residents' subscription mails and coordinators' digests are built as Django EmailMultiAlternatives (text, and HTML
where it helps) and handed over here, so that how a mail leaves (at once, or through the job queue with retries)
is decided in one place and every kind of mail gets the same treatment.
"""

from django.core.mail import EmailMessage


def send(message: EmailMessage) -> None:
    """Sends the message through the configured backend (settings.EMAIL_BACKEND). A failure raises."""
    message.send(fail_silently=False)
