"""The links in subscription mails carry a signed subscription id (django.core.signing), one salt per purpose.

Signed rather than random tokens stored in a column: nothing secret is stored (a copy of the database confirms or
cancels no one's subscription), there is no column to forget to delete, and the signature binds the link to one
purpose, so a confirmation link cannot unsubscribe and the reverse. The id is never reused (an AutoField in
PostgreSQL and SQLite, where Django declares AUTOINCREMENT), so a link outlives its row harmlessly. Rotating
SECRET_KEY breaks old links unless the old key is kept in SECRET_KEY_FALLBACKS.
"""

import datetime

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


class InvalidLink(Exception):
    """A link that was altered, cut short, signed for another purpose, or (a confirmation) too old."""


def confirm_token(subscription):
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscription):
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def subscription_id_to_confirm(token):
    """The id a confirmation link names, while it is younger than SUBSCRIPTION_CONFIRM_DAYS."""
    max_age = datetime.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    return _load(token, salt=CONFIRM_SALT, max_age=max_age)


def subscription_id_to_unsubscribe(token):
    """The id an unsubscribe link names. It never expires: it is in every mail, and mails are kept for years."""
    return _load(token, salt=UNSUBSCRIBE_SALT, max_age=None)


def _load(token, *, salt, max_age):
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise InvalidLink from error
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidLink
    return value
