"""Sharing: the share images behind the Open Graph tags, and the status box a kommun embeds on its own website.

Each reads what its page reads, through the same published querysets, so that a draft's image is a 404 exactly
like the draft's page.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from portal.models import Municipality
from promises.models import prefetch_period_summary
from promises.share_image import DRAWING_VERSION, draw_share_card
from promises.sharing import example_label, example_text, follow_up_card, municipality_card, period_card
from promises.timeline import annotate_period
from promises.views.periods import _published_follow_up, _published_period


def _latest_period(municipality):
    """The kommun's latest published period, annotated as on its page; None if it has none."""
    latest = municipality.promise_periods.published().latest_first().first()
    if latest is not None:
        annotate_period(period=prefetch_period_summary(latest), today=timezone.localdate())
    return latest


def _share_image_response(request, card, page_url):
    address = request.get_host() + page_url
    etag = '"{}"'.format(
        hashlib.sha256(
            "\n".join([DRAWING_VERSION, get_language() or "", settings.SITE_NAME, address, repr(card)]).encode()
        ).hexdigest()[:32]
    )
    # A crawler asking again for an image it has gets a 304 before anything is drawn.
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        png = draw_share_card(
            card,
            site_name=settings.SITE_NAME,
            example_label=example_label(),
            example_note=example_text(),
            address=address,
        )
        response = HttpResponse(png, content_type="image/png")
    else:
        response = not_modified
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
    return response


def municipality_share_image(request, municipality_slug):
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    card = municipality_card(municipality, _latest_period(municipality))
    return _share_image_response(request, card, municipality.get_absolute_url())


def period_share_image(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year)
    annotate_period(period=period, today=timezone.localdate())
    return _share_image_response(request, period_card(period), period.get_absolute_url())


def follow_up_share_image(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    return _share_image_response(request, follow_up_card(follow_up, focus_areas), follow_up.get_absolute_url())


def municipality_embed(request, municipality_slug):
    """The kommun's status box for an <iframe> on another website (its framing policy is set in promises/urls.py)."""
    municipality = get_object_or_404(Municipality.objects.select_related("police_area"), slug=municipality_slug)
    latest = _latest_period(municipality)
    return render(
        request,
        "promises/municipality_embed.html",
        {
            "municipality": municipality,
            "latest": latest,
            "card": municipality_card(municipality, latest),
            "example_label": example_label(),
            "example_text": example_text(),
        },
    )
