"""{{ activity|localized:"text" }} and <p{% lang_attr text %}>: content in the page's language where it exists."""

from django import template
from django.conf import settings
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


@register.simple_tag
def lang_span(text):
    """The text as it is, or in <span lang="…"> when it is not in the page's language (a name inside a sentence)."""
    attribute = lang_attr(text)
    if attribute:
        return format_html("<span{}>{}</span>", attribute, text)
    return text
