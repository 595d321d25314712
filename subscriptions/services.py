"""Asking for, confirming and ending a subscription, and announcing a publication to the subscribers."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import mail
from promises.models import FollowUp, PromisePeriod
from subscriptions import mails
from subscriptions.models import Announcement, Subscription

logger = logging.getLogger(__name__)


def subscription_request(*, email, municipality, language, request=None):
    """Store the address for the kommun (unconfirmed, unless it already is confirmed) and mail the confirmation
    link. The same happens, and the same page follows, whether or not the address was subscribed before: nobody
    learns from the form which addresses subscribe."""
    with transaction.atomic():
        subscription = Subscription.objects.for_address(email, municipality).select_for_update().first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(email=email, municipality=municipality)
            except IntegrityError:
                # The same address sent at the same moment from two forms: the other request stored it.
                subscription = Subscription.objects.for_address(email, municipality).get()
        elif not subscription.is_confirmed:
            # Asked again: the time to confirm starts again from today.
            subscription.unconfirmed_since = timezone.localdate()
            subscription.save(update_fields=["unconfirmed_since"])
    # A confirmed subscriber gets the same mail; its link then only says that the subscription is confirmed.
    mail.send(mails.confirmation_message(subscription=subscription, language=language, request=request))
    return subscription


def subscription_confirm(*, subscription):
    if not subscription.is_confirmed:
        subscription.unconfirmed_since = None
        subscription.save(update_fields=["unconfirmed_since"])


def subscription_delete(*, subscription_id, municipality):
    """Delete the subscription at once (address and kommun both). Deleting one that is already gone is no error:
    a mail program may send the one-click request twice."""
    Subscription.objects.filter(pk=subscription_id, municipality=municipality).delete()


def publication_announce(*, sender, instance, **kwargs):
    """promises.signals.published: remember, in the publishing transaction, that the record is to be announced,
    and mail the kommun's confirmed subscribers once it has committed. Once per record: a record unpublished and
    published again is not announced again."""
    if isinstance(instance, FollowUp):
        kind, period = Announcement.Kind.FOLLOW_UP, instance.period
        if not period.is_published:
            # Not public until its period is; the period's own announcement will lead readers to it.
            return
    elif isinstance(instance, PromisePeriod):
        kind, period = Announcement.Kind.PERIOD, instance
    else:
        return
    _announcement, created = Announcement.objects.get_or_create(
        kind=kind, object_id=instance.pk, defaults={"municipality_id": period.municipality_id}
    )
    if created:
        object_id = instance.pk

        # A job (subscriptions/tasks.py), so that the approving request does not wait for one mail per subscriber:
        # on the worker with a broker, in this process after the commit without one. A function, not a
        # functools.partial: Django names the callback by its __qualname__ when it logs a failure.
        def send_after_commit():
            from subscriptions.tasks import announce

            announce.delay(kind, object_id)

        transaction.on_commit(send_after_commit, robust=True)


def announcement_send(*, kind, object_id):
    """One mail per confirmed subscriber of the record's kommun. A mail that cannot be handed over is logged and
    the others are still sent."""
    model = FollowUp if kind == Announcement.Kind.FOLLOW_UP else PromisePeriod
    related = ("period__municipality",) if model is FollowUp else ("municipality",)
    record = model.objects.select_related(*related).filter(pk=object_id).first()
    if record is None or not record.is_published:
        return 0
    municipality = record.municipality_for_scope
    try:
        base = mails.site_url()
    except mails.SiteUrlMissing:
        logger.error("Announcement %s %s was not sent: SITE_URL is not set (manage.py check --deploy)", kind, object_id)
        return 0
    announcement = Announcement.objects.filter(kind=kind, object_id=object_id).first()
    sent = 0
    subscriptions = Subscription.objects.confirmed().filter(municipality=municipality).select_related("municipality")
    for subscription in subscriptions.order_by("pk").iterator():
        message = mails.announcement_message(
            subscription=subscription,
            kind=kind,
            record=record,
            base=base,
            announcement_id=announcement.pk if announcement else None,
        )
        try:
            mail.send(message)
        except Exception:
            logger.exception("Announcement %s %s to subscription %s was not sent", kind, object_id, subscription.pk)
        else:
            sent += 1
    return sent
