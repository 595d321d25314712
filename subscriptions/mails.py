"""The subscription mails, built as Django EmailMessages and sent through portal.mail.send().

Plain text only: it reads the same in every mail program and to a screen reader, and a link is a whole line.
Every announcement carries a one-click unsubscribe (RFC 8058): a link in the text, and List-Unsubscribe with
List-Unsubscribe-Post in the headers, which mail programs show as their own ”Avsluta prenumeration” button. The
confirmation has neither header: it is not list mail, there is nothing to leave yet, and it says that ignoring it is
enough (the address is then deleted after SUBSCRIPTION_CONFIRM_DAYS).
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from subscriptions import tokens
from subscriptions.models import Announcement

logger = logging.getLogger(__name__)

# Announcements go out in Swedish with the same text in English below it: the portal stores no language for a
# subscriber (only the address and the kommun), and Swedish is the portal's own language.
ANNOUNCEMENT_LANGUAGES = ("sv", "en")
# Between the two: a label in the language it introduces, so it is not a gettext string.
ENGLISH_SEPARATOR = "\n\n---\n\nIn English:\n\n"


class SiteUrlMissing(Exception):
    """Announcements are sent outside any request, so their links need settings.SITE_URL."""


def site_url(request=None):
    """Scheme and host for the links in mails: SITE_URL, else the request's own (a confirmation on `make run`),
    else, in development only, the address `make run` serves at."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    if settings.DEBUG:
        return "http://127.0.0.1:8000"
    raise SiteUrlMissing("SITE_URL is not set: announcement mails need the portal's public address.")


def _absolute(base, name, language, **kwargs):
    with translation.override(language):
        return base + reverse(name, kwargs=kwargs)


def _message(*, subject, body, to, base, headers=None, message_id=None):
    # The portal's own domain, not the sending machine's name, which an application server need not have.
    domain = urlsplit(base).hostname or "localhost"
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain),
            **(headers or {}),
        },
    )


def confirmation_message(*, subscription, language, request=None):
    """The mail with the link that confirms a subscription, in the language of the form it was asked for in."""
    base = site_url(request)
    municipality = subscription.municipality
    with translation.override(language):
        context = {
            "municipality": municipality,
            "confirm_url": _absolute(
                base,
                "subscription_confirm",
                language,
                municipality_slug=municipality.slug,
                token=tokens.confirm_token(subscription),
            ),
            "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
            "site_name": settings.SITE_NAME,
        }
        subject = _("Bekräfta att du vill få e-post om medborgarlöftena i %(name)s") % {
            "name": municipality.official_name
        }
        body = render_to_string("subscriptions/mail/confirmation.txt", context)
    return _message(subject=subject, body=body, to=subscription.email, base=base)


def announcement_message(*, subscription, kind, record, base, announcement_id=None):
    """The mail telling one subscriber that a follow-up or a promise period has been published.

    Its Message-ID names the announcement and the subscription: the same mail whenever it is made, so that the mail
    job (portal.tasks.send_email), which sends a Message-ID once, never sends it twice when the announcing job runs
    again after a failure part-way."""
    municipality = subscription.municipality
    token = tokens.unsubscribe_token(subscription)
    parts = []
    for language in ANNOUNCEMENT_LANGUAGES:
        with translation.override(language):
            context = {
                "kind": kind,
                "record": record,
                "municipality": municipality,
                "record_url": base + _path(record, language),
                "unsubscribe_url": _absolute(
                    base, "subscription_unsubscribe", language, municipality_slug=municipality.slug, token=token
                ),
                "site_name": settings.SITE_NAME,
            }
            parts.append(render_to_string("subscriptions/mail/announcement.txt", context).strip())
    with translation.override(ANNOUNCEMENT_LANGUAGES[0]):
        subject = _subject(kind, record, municipality)
    unsubscribe_url = _absolute(
        base, "subscription_unsubscribe", ANNOUNCEMENT_LANGUAGES[0], municipality_slug=municipality.slug, token=token
    )
    return _message(
        subject=subject,
        body=ENGLISH_SEPARATOR.join(parts) + "\n",
        to=subscription.email,
        base=base,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        message_id=f"announcement-{announcement_id}-{subscription.pk}" if announcement_id else None,
    )


def _path(record, language):
    with translation.override(language):
        return record.get_absolute_url()


def _subject(kind, record, municipality):
    if kind == Announcement.Kind.FOLLOW_UP:
        return _("Ny årlig uppföljning %(year)s av medborgarlöftet i %(name)s") % {
            "year": record.year,
            "name": municipality.official_name,
        }
    return _("Nytt medborgarlöfte %(years)s i %(name)s") % {
        "years": record.years_label,
        "name": municipality.official_name,
    }
