"""A resident's e-mail subscription to one kommun's new follow-ups and promise periods, and which publications
have been announced.

Only the address and the kommun are stored, and while the subscription is unconfirmed the day it was asked for
(a date, not a time: enough to delete it after SUBSCRIPTION_CONFIRM_DAYS, and it says nothing about when in the
day the resident was active). No token is stored: the links in the mails are signed (subscriptions/tokens.py), so
a leaked database holds nothing that would confirm or cancel anyone's subscription. No language either: the
confirmation is sent in the language of the form, the announcements in Swedish with an English paragraph.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(unconfirmed_since__isnull=True)

    def unconfirmed(self):
        return self.filter(unconfirmed_since__isnull=False)

    def for_address(self, email, municipality):
        return self.filter(email__iexact=email, municipality=municipality)


class Subscription(models.Model):
    # Never on a public page, and never to a coordinator: the admin shows national administrators counts only.
    page_cache_invalidates = "nothing"

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(_("e-postadress"), max_length=254)
    # Set when the subscription is asked for, emptied when it is confirmed: an unconfirmed one is deleted after
    # SUBSCRIPTION_CONFIRM_DAYS (manage.py delete_unconfirmed_subscriptions), a confirmed one keeps no date at all.
    unconfirmed_since = models.DateField(_("obekräftad sedan"), null=True, blank=True, default=timezone.localdate)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("prenumeration")
        verbose_name_plural = _("prenumerationer")
        constraints = [
            # One subscription per address and kommun, whatever the case the address was typed in.
            models.UniqueConstraint(Lower("email"), "municipality", name="subscription_unique_address_per_kommun"),
        ]

    def __str__(self):
        # No address: the string shows in logs and admin messages.
        return _("Prenumeration %(pk)s på %(kommun)s") % {"pk": self.pk, "kommun": self.municipality_id}

    @property
    def is_confirmed(self):
        return self.unconfirmed_since is None


class Announcement(models.Model):
    """One published follow-up or promise period that subscribers have been (or are being) told about.

    Makes the announcement happen once: the row is written in the transaction that publishes, so a publication that
    is rolled back announces nothing, and a record unpublished and published again is not announced twice.
    """

    page_cache_invalidates = "nothing"

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("årlig uppföljning")
        PERIOD = "period", _("medborgarlöfte")

    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("id"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), on_delete=models.CASCADE, related_name="announcements"
    )
    announced_on = models.DateField(_("meddelad"), default=timezone.localdate)

    class Meta:
        verbose_name = _("utskick om publicering")
        verbose_name_plural = _("utskick om publicering")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="announcement_once_per_record")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id}"
