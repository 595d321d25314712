"""The weekly digest to coordinators: what waits on them, by e-mail (`manage.py send_coordinator_digests`).

Who gets one: every active person with a Coordinator row, an e-mail address and the digest turned on
(Coordinator.digest_enabled), over the kommuner of that row: the kommuner they answer for. National
administrators without a Coordinator row get none: over all kommuner it would be a national list that nobody acts
on from a mailbox (approvals are given per organisation by the kommun's and the police's coordinators), and the
admin start page and the national overview already show them the whole. A superuser who is also a coordinator gets
the digest of their Coordinator kommuner.

What is in it comes from the apps above portal, as the admin start page's to-do list does (portal/admin_site.py):
each registers a part with `register_digest_part`; portal imports none of them. A part gets all recipients at once
and reads the database a fixed number of times for them together, so a run costs the same few queries however many
coordinators there are.

Once per ISO week: the Monday run records the day it sent (Coordinator.digest_last_sent_on) before handing the mail
over, and a second run in the same week finds nobody to send to. Nothing to report, no mail.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import mail
from portal.models import Coordinator

logger = logging.getLogger(__name__)

# Where an item goes in the mail, in this order.
FOLLOW_UPS = "follow_ups"
APPROVALS = "approvals"
RESIDENTS = "residents"
SECTIONS = {
    FOLLOW_UPS: gettext_lazy("Uppföljningar som ska göras"),
    APPROVALS: gettext_lazy("Väntar på ditt godkännande"),
    RESIDENTS: gettext_lazy("Från invånarna: oläst i mer än en vecka"),
}

# Residents' input counts as left unread once it has waited this long.
UNREAD_DAYS = 7

OFF_SALT = "portal.digest.off"

_parts = []


def register_digest_part(provider):
    """Adds a part to the weekly digest, from an AppConfig.ready().

    `provider(*, recipients, today)` gets the Coordinator rows (user and municipalities loaded) and returns
    {coordinator pk: [DigestItem]}; a coordinator with nothing may be left out.
    """
    if provider not in _parts:
        _parts.append(provider)
    return provider


@dataclass(frozen=True)
class DigestItem:
    municipality_id: int
    section: str  # FOLLOW_UPS, APPROVALS or RESIDENTS
    text: str
    link_text: str
    path: str  # the admin page where it is done, from reverse(); made absolute with SITE_URL

    @property
    def url(self):
        return absolute_url(self.path)


@dataclass
class DigestRun:
    sent: int = 0
    failed: int = 0


def absolute_url(path):
    return settings.SITE_URL + path


def week_start(day):
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def unread_cutoff(today):
    """Residents' input received on or before this day has waited a week."""
    return today - datetime.timedelta(days=UNREAD_DAYS)


# --- The link that turns it off ---


def off_token(user):
    """Signed, so that the link in a mail turns off that person's digest and nobody else's, without a login."""
    return signing.dumps(user.pk, salt=OFF_SALT)


def coordinator_for_off_token(token):
    try:
        user_id = signing.loads(token, salt=OFF_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int):
        return None
    return Coordinator.objects.select_related("user").filter(user_id=user_id).first()


def off_url(user):
    return absolute_url(reverse("admin:digest_off", kwargs={"token": off_token(user)}))


# --- Sending ---


def _due(today):
    """Coordinators to whom this week's digest has not gone yet and who want it."""
    return (
        Coordinator.objects.filter(digest_enabled=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(digest_last_sent_on__isnull=True) | Q(digest_last_sent_on__lt=week_start(today)))
    )


def digest_items(*, recipients, today):
    """{coordinator pk: [DigestItem]} from every registered part."""
    items = {coordinator.pk: [] for coordinator in recipients}
    for provider in _parts:
        for pk, found in provider(recipients=recipients, today=today).items():
            items[pk].extend(found)
    return items


def _groups(coordinator, items):
    """Per kommun (the coordinator's, in their order), its sections in SECTIONS' order: only those with items."""
    groups = []
    for municipality in coordinator.municipalities.all():
        sections = []
        for key, title in SECTIONS.items():
            found = [item for item in items if item.municipality_id == municipality.pk and item.section == key]
            if found:
                sections.append({"title": title, "items": found})
        if sections:
            groups.append({"municipality": municipality, "sections": sections})
    return groups


def _subject(municipalities):
    names = [municipality.name for municipality in municipalities]
    if len(names) == 1:
        where = names[0]
    elif len(names) <= 3:
        where = _("%(names)s och %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
    else:
        where = _("%(count)d kommuner") % {"count": len(names)}
    return _("Medborgarlöften: veckans att göra för %(where)s") % {"where": where}


def digest_message(coordinator, groups, *, today):
    """The mail: plain text, and simple HTML with the same content; in Swedish, the coordinators' language."""
    user = coordinator.user
    unsubscribe = off_url(user)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": user.first_name or user.get_username(),
            "groups": groups,
            "today": today,
            "off_url": unsubscribe,
            "settings_url": absolute_url(reverse("admin:my_settings")),
            "admin_url": absolute_url(reverse("admin:index")),
            "site_name": settings.SITE_NAME,
            "unread_days": UNREAD_DAYS,
        }
        subject = _subject([group["municipality"] for group in groups])
        text = render_to_string("mail/coordinator_digest.txt", {**context, "subject": subject})
        html = render_to_string("mail/coordinator_digest.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[user.email],
        headers={
            # RFC 8058: a mail program's own "unsubscribe" button posts to the link, and it works without a login.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no out-of-office replies to a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def coordinator_digests_send(*, today=None):
    """Sends this week's digest to every coordinator who has something waiting and has not had it this week."""
    today = today or timezone.localdate()
    if not settings.SITE_URL:
        raise ImproperlyConfigured("SITE_URL is not set: the digest's links need the portal's address.")
    run = DigestRun()
    with transaction.atomic():
        # Locked until the week is recorded, so that two runs at once (two schedulers) skip each other's rows
        # instead of both sending; SQLite has no row locks, and its writes are one at a time anyway.
        recipients = list(
            _due(today)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .prefetch_related("municipalities")
        )
        items = digest_items(recipients=recipients, today=today)
        outgoing = []
        for coordinator in recipients:
            groups = _groups(coordinator, items[coordinator.pk])
            if groups:
                message = digest_message(coordinator, groups, today=today)
                outgoing.append((coordinator, coordinator.digest_last_sent_on, message))
        Coordinator.objects.filter(pk__in=[coordinator.pk for coordinator, _before, _message in outgoing]).update(
            digest_last_sent_on=today
        )
    for coordinator, before, message in outgoing:
        try:
            mail.send(message)
        except Exception:
            # Not this week after all: the next run (the scheduler's retry, or a run by hand) tries again.
            logger.exception("The weekly digest to coordinator %s could not be sent", coordinator.pk)
            Coordinator.objects.filter(pk=coordinator.pk).update(digest_last_sent_on=before)
            run.failed += 1
        else:
            run.sent += 1
    logger.info("Weekly digests: %d sent, %d failed", run.sent, run.failed)
    return run
