"""Which language each piece of a page's text is in, as a browser and a screen reader see it (lang attributes).

Used to check that an English page says everything of its own in English, and that Swedish text on it (content
that has no English version) is marked lang="sv" so that it is read out with Swedish pronunciation.
"""

import re
from html.parser import HTMLParser

SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
WORD = re.compile(r"[\wåäöÅÄÖéÉ’'-]+")
# Attributes whose text is read out or shown.
TEXT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LanguageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, lang)
        self.pieces = []  # (lang, text)
        self.skip = 0

    def _lang(self):
        return self.stack[-1][1] if self.stack else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or self._lang()).split("-")[0]
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append((lang, attrs[name]))
        if tag == "meta" and attrs.get("name") == "description":
            self.pieces.append((lang, attrs.get("content", "")))
        if tag in VOID:
            return
        if tag in ("script", "style", "svg"):
            self.skip += 1
        self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _lang = self.stack.pop()
            if open_tag in ("script", "style", "svg"):
                self.skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.pieces.append((self._lang(), data))


def text_by_language(html):
    """[(language, text), …] for every text and readable attribute of the page, in order."""
    parser = _LanguageParser()
    parser.feed(html)
    return parser.pieces


def swedish_words_outside_swedish(html, *, allowed=()):
    """Words with å, ä or ö that are not inside an element marked lang="sv", except the allowed names.

    Names of places, organisations and people are the same in every language (and WCAG 3.1.2 exempts them),
    so the caller passes them as `allowed`.
    """
    allowed_words = {word.lower() for name in allowed for word in WORD.findall(name)}
    found = []
    for lang, text in text_by_language(html):
        if lang == "sv":
            continue
        for word in WORD.findall(text):
            if len(word) > 1 and SWEDISH_LETTERS.search(word) and word.lower() not in allowed_words:
                found.append(word)
    return found


def document_language(html):
    match = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", html)
    return match.group(1) if match else None
