"""Open Graph tags for the kommun, period and follow-up pages, and the embed snippet on the kommun page.

The cards are built from what the pages have already loaded (promises/sharing.py): no query.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.templatetags.localized import absolute_url
from promises import sharing
from promises.share_image import HEIGHT, WIDTH

register = template.Library()

# Open Graph names a locale as language_TERRITORY.
OPEN_GRAPH_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@register.simple_tag
def municipality_share_card(municipality, latest):
    return sharing.municipality_card(municipality, latest)


@register.simple_tag
def period_share_card(period):
    return sharing.period_card(period)


@register.simple_tag
def follow_up_share_card(follow_up, focus_areas):
    return sharing.follow_up_card(follow_up, focus_areas)


@register.inclusion_tag("includes/_open_graph.html", takes_context=True)
def open_graph(context, card, page_url, image_url):
    """The tags for a card; page_url and image_url are paths, made absolute (SITE_URL, else the request's host)."""
    request = context["request"]
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return {
        "card": card,
        "site_name": context.get("site_name", settings.SITE_NAME),
        "url": absolute_url(request, page_url),
        "image": absolute_url(request, image_url),
        "width": WIDTH,
        "height": HEIGHT,
        "locale": OPEN_GRAPH_LOCALES.get(current, current),
        "alternate_locales": [
            OPEN_GRAPH_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != current
        ],
    }


@register.inclusion_tag("includes/_embed_snippet.html", takes_context=True)
def embed_snippet(context, municipality):
    """The <iframe> code a kommun copies onto its own website, pointing at its status box in this language."""
    request = context["request"]
    path = reverse("municipality_embed", kwargs={"municipality_slug": municipality.slug})
    embed_url = absolute_url(request, path)
    title = _("Medborgarlöften i %(name)s: status") % {"name": municipality.official_name}
    # The style attribute is the host page's, not ours; width and height still size the frame where a host's own
    # policy refuses inline styles.
    snippet = format_html(
        '<iframe src="{}" title="{}" width="480" height="520" loading="lazy" '
        'style="width:100%;max-width:40rem;border:0"></iframe>',
        embed_url,
        title,
    )
    return {"municipality": municipality, "embed_url": embed_url, "snippet": snippet}
