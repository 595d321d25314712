"""{{ activity|localized:"text" }} and <p{% lang_attr text %}>: content in the page's language where it exists."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, override

from portal.localized import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field):
    return localized_text(obj, field)


@register.simple_tag
def lang_attr(text):
    """` lang="sv"` when a text is not in the page's language, so that it is read out in the right language."""
    lang = getattr(text, "lang", None)
    if lang and lang != (get_language() or "").split("-")[0]:
        return format_html(' lang="{}"', lang)
    return ""


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """This page's address in each of the portal's languages, for the language switcher and hreflang links.

    Falls back to the home page of the other language where the page has no counterpart (an unknown address).
    """
    request = context.get("request")
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if request is not None and getattr(request, "resolver_match", None) is not None:
            url = translate_url(request.get_full_path(), code)
            if code != current and url == request.get_full_path():
                url = None
        if url is None:
            with override(code):
                url = reverse("home")
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


# The query parameters that name a different page rather than a view of the same one: a kommun's selection of a
# list, and a page of it. Everything else (search words, filters, tracking parameters) is noise to a search engine.
CANONICAL_QUERY = ("kommun", "sida")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute address in its own language without query noise, for <link rel="canonical">.

    From settings.SITE_URL when set, so that the address does not depend on the Host a request came with. Empty
    for an address that resolves to no page and for drafts in preview (not to be indexed at all).
    """
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None or context.get("preview"):
        return ""
    query = [(name, request.GET[name]) for name in CANONICAL_QUERY if request.GET.get(name) not in (None, "", "1")]
    return absolute_url(request, request.path + (f"?{urlencode(query)}" if query else ""))


@register.simple_tag(takes_context=True)
def absolute(context, path):
    """{% absolute path %}: the path as an absolute address on the same root as rel=canonical."""
    return absolute_url(context["request"], path)


def absolute_url(request, path):
    """The path as an absolute address: from settings.SITE_URL when set, else from the request's scheme and host.

    One root for every address the portal hands out to be kept (rel=canonical, Open Graph, the embed snippet).
    A request whose Host is outside ALLOWED_HOSTS gets its 400 page through base.html too: asking it for its host
    again would raise DisallowedHost while rendering that page (a 500 and a traceback, for anyone who sends a made-up
    Host), so its page gets the path alone, which names no host at all.
    """
    if settings.SITE_URL:
        return settings.SITE_URL + path
    try:
        host = request.get_host()
    except DisallowedHost:
        return path
    return f"{request.scheme}://{host}{path}"


@register.simple_tag
def lang_span(text):
    """The text as it is, or in <span lang="…"> when it is not in the page's language (a name inside a sentence)."""
    attribute = lang_attr(text)
    if attribute:
        return format_html("<span{}>{}</span>", attribute, text)
    return text
