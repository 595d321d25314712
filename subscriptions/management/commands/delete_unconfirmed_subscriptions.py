from django.conf import settings
from django.utils.translation import ngettext_lazy

from portal.retention import RetentionCommand
from subscriptions.models import Subscription


class Command(RetentionCommand):
    help = (
        "Raderar prenumerationer på e-post som inte bekräftats inom SUBSCRIPTION_CONFIRM_DAYS dagar: adressen och "
        "kommunen. Bekräftade prenumerationer rörs inte. Körs varje dag, t.ex. från cron."
    )
    model = Subscription
    # Emptied on confirmation: a confirmed subscription has no date and is never deleted here.
    date_field = "unconfirmed_since"
    would_delete_message = ngettext_lazy(
        "%(count)d obekräftad prenumeration är anmäld före %(cutoff)s (mer än %(days)d dagar sedan) och skulle "
        "raderas.",
        "%(count)d obekräftade prenumerationer är anmälda före %(cutoff)s (mer än %(days)d dagar sedan) och skulle "
        "raderas.",
        "count",
    )
    deleted_message = ngettext_lazy(
        "Raderade %(count)d obekräftad prenumeration anmäld före %(cutoff)s (mer än %(days)d dagar sedan).",
        "Raderade %(count)d obekräftade prenumerationer anmälda före %(cutoff)s (mer än %(days)d dagar sedan).",
        "count",
    )

    def retention_days(self):
        return settings.SUBSCRIPTION_CONFIRM_DAYS
