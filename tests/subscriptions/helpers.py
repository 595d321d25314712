"""What the subscription tests share: a kommun's subscribers in each state, and the links out of a mail."""

import re

from subscriptions.models import Subscription

LINK = re.compile(r"https?://\S+")


def make_subscription(municipality, email="ada@example.se", *, confirmed=True, unconfirmed_since=None):
    subscription = Subscription.objects.create(municipality=municipality, email=email)
    if confirmed:
        subscription.unconfirmed_since = None
    elif unconfirmed_since is not None:
        subscription.unconfirmed_since = unconfirmed_since
    subscription.save()
    return subscription


def links(text):
    return LINK.findall(text)


def path_of(url):
    """The path of an absolute link, for the test client."""
    return re.sub(r"^https?://[^/]+", "", url)


def link_to(text, part):
    """The one link in a mail's text whose address contains `part`, as a path."""
    found = [url for url in links(text) if part in url]
    assert len(found) == 1, f"expected one link with {part!r}, got {found}"
    return path_of(found[0])
