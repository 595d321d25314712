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


def localized(obj, field, language=None):
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE:
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return LocalizedText(translated, language)
    return LocalizedText(getattr(obj, field) or "", settings.LANGUAGE_CODE)
