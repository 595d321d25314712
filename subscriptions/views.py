"""A resident subscribes to a kommun's news by e-mail, confirms from the mail, and leaves with one click.

Double opt-in: the form stores the address unconfirmed and mails a link; nothing is sent to the address until that
link's button is pressed. The links in the mails open a page with a button rather than acting on GET, because
mail providers' link scanners fetch every link in a mail and would otherwise confirm or cancel for the resident.
The unsubscribe address also takes RFC 8058's one-click POST straight from the mail program: without a cookie or a
CSRF token (the signed link is the proof), answered 200 after deleting at once.
"""

import logging
import uuid

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.models import Municipality
from portal.public_forms import rate_limit_response
from subscriptions import services, tokens
from subscriptions.forms import SubscriptionForm
from subscriptions.models import Subscription

logger = logging.getLogger(__name__)

# A person subscribes to a kommun or two; a script tries many addresses.
SUBSCRIBE_RATE = "5/10m"
# However many addresses it comes from, no address is sent more than a few confirmation mails an hour.
SUBSCRIBE_ADDRESS_RATE = "3/h"


def _posted_address(group, request):
    address = (request.POST.get("email") or "").strip().lower()
    # Not an address: no shared bucket for every empty or mistyped form (the per-IP limit still counts them).
    return address if "@" in address else str(uuid.uuid4())


def _municipality(slug):
    return get_object_or_404(Municipality, slug=slug)


def _context(municipality, **extra):
    return {"municipality": municipality, "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS, **extra}


@never_cache
@ratelimit(key="ip", rate=SUBSCRIBE_RATE, method="POST", block=False)
@ratelimit(key=_posted_address, rate=SUBSCRIBE_ADDRESS_RATE, method="POST", block=False)
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, municipality_slug):
    municipality = _municipality(municipality_slug)
    if limited := rate_limit_response(request):
        return limited
    status = 200
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            # A bot's or a repeated submit sends nothing; the sender sees the same page either way.
            if form.is_first_submit():
                try:
                    services.subscription_request(
                        email=form.cleaned_data["email"],
                        municipality=municipality,
                        language=translation.get_language(),
                        request=request,
                    )
                except OSError:  # smtplib's errors too: the relay refused or could not be reached
                    logger.exception("The confirmation mail for a subscription to %s was not sent", municipality.slug)
                    # A fresh form (and token), so that sending it again is not taken for a double submit.
                    form = SubscriptionForm(initial={"email": form.cleaned_data["email"]})
                    context = _context(municipality, form=form, mail_failed=True)
                    return render(request, "subscriptions/subscribe.html", context, status=503)
            return redirect("subscribe_sent", municipality_slug=municipality.slug)
        status = 400
    else:
        form = SubscriptionForm()
    return render(request, "subscriptions/subscribe.html", _context(municipality, form=form), status=status)


@never_cache
def subscribe_sent(request, municipality_slug):
    return render(request, "subscriptions/subscribe_sent.html", _context(_municipality(municipality_slug)))


def _link_problem(request, municipality, *, kind, status):
    return render(request, "subscriptions/link_problem.html", _context(municipality, kind=kind), status=status)


def _subscription(municipality, subscription_id):
    return Subscription.objects.filter(pk=subscription_id, municipality=municipality).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_confirm(request, municipality_slug, token):
    municipality = _municipality(municipality_slug)
    try:
        subscription_id = tokens.subscription_id_to_confirm(token)
    except tokens.InvalidLink:
        return _link_problem(request, municipality, kind="confirm", status=400)
    subscription = _subscription(municipality, subscription_id)
    if subscription is None:
        # Unsubscribed since, or deleted unconfirmed: asking again is the way back.
        return _link_problem(request, municipality, kind="gone", status=404)
    if request.method == "POST":
        services.subscription_confirm(subscription=subscription)
        return render(request, "subscriptions/confirmed.html", _context(municipality))
    return render(request, "subscriptions/confirm.html", _context(municipality, confirmed=subscription.is_confirmed))


@never_cache
@csrf_exempt  # RFC 8058: the mail program posts without cookies; the signed link is what proves the right.
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_unsubscribe(request, municipality_slug, token):
    municipality = _municipality(municipality_slug)
    try:
        subscription_id = tokens.subscription_id_to_unsubscribe(token)
    except tokens.InvalidLink:
        return _link_problem(request, municipality, kind="unsubscribe", status=400)
    if request.method == "POST":
        services.subscription_delete(subscription_id=subscription_id, municipality=municipality)
        return render(request, "subscriptions/unsubscribed.html", _context(municipality))
    subscribed = _subscription(municipality, subscription_id) is not None
    return render(request, "subscriptions/unsubscribe.html", _context(municipality, subscribed=subscribed))
