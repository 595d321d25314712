"""Content written in Swedish that may also carry an English version (fields named `<field>_en`).

The Swedish text is the official one. On an English page a field shows its English version where one has been
written and otherwise the Swedish text, marked with lang="sv" so that screen readers pronounce it as Swedish
(WCAG 3.1.2, language of parts).
"""

from django.conf import settings
from django.utils.translation import get_language


class LocalizedText(str):
    """A text that knows which language it is in."""

    lang: str

    def __new__(cls, value, lang):
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def current_language():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def localized(obj, field, language=None):
    language = (language or current_language()).split("-")[0]
    if language != settings.LANGUAGE_CODE:
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return LocalizedText(translated, language)
    return LocalizedText(getattr(obj, field) or "", settings.LANGUAGE_CODE)


def shortened(text, length=80):
    """The start of a text for a heading or a list, in the same language as the text."""
    lang = getattr(text, "lang", settings.LANGUAGE_CODE)
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return LocalizedText(text, lang)


def translation_state(pairs, language=None):
    """How much of a text is in the page's language: None on a Swedish page (nothing to say), otherwise
    "none" (only Swedish), "partial" or "complete". `pairs` are (object, field) with Swedish content; empty
    Swedish fields are not counted, since there is nothing to translate."""
    language = (language or current_language()).split("-")[0]
    if language == settings.LANGUAGE_CODE:
        return None
    total = translated = 0
    for obj, field in pairs:
        if not getattr(obj, field, ""):
            continue
        total += 1
        if getattr(obj, f"{field}_{language}", ""):
            translated += 1
    if not translated:
        return "none"
    return "complete" if translated == total else "partial"
