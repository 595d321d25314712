"""A promise's texts in the page's language: titles with their Swedish fallbacks, and how much is translated.

Built on portal/localized.py. Everything here reads prefetched rows only (no queries), so the pages' query
budgets do not depend on the language.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import override

from portal.localized import LocalizedText, current_language, localized, shortened, translation_state
from portal.templatetags.localized import lang_span

register = template.Library()

PERIOD_FIELDS = ("title", "preamble", "basis", "feedback")
FOCUS_AREA_FIELDS = ("title", "description")
ACTIVITY_FIELDS = ("title", "text", "target", "frequency")
FOLLOW_UP_FIELDS = ("summary",)
REPORT_FIELDS = ("done", "reason")


@register.filter
def period_title(period):
    """The period's title in the page's language; without a written title, the portal's own (translated) one."""
    if period.title:
        return localized(period, "title")
    return LocalizedText(str(period.display_title), current_language())


@register.filter
def activity_title(activity):
    """The activity's short title, or else the start of its text: as `str(activity)`, in the page's language."""
    title = localized(activity, "title")
    if title:
        return title
    return shortened(localized(activity, "text"))


def _period_pairs(period):
    pairs = [(period, name) for name in PERIOD_FIELDS]
    for focus_area in period.focus_areas.all():
        pairs += [(focus_area, name) for name in FOCUS_AREA_FIELDS]
        for activity in focus_area.activities.all():
            pairs += [(activity, name) for name in ACTIVITY_FIELDS]
    return pairs


@register.simple_tag
def period_translation(period):
    """None on a Swedish page; else "none", "partial" or "complete" for the period's own text."""
    return translation_state(_period_pairs(period))


@register.simple_tag
def follow_up_translation(follow_up, focus_areas):
    """As period_translation, for a yearly follow-up: its summary and reports, and the promises they report on."""
    pairs = [(follow_up, name) for name in FOLLOW_UP_FIELDS]
    for focus_area in focus_areas:
        pairs += [(focus_area, name) for name in FOCUS_AREA_FIELDS]
        area_report = getattr(focus_area, "report", None)
        if area_report is not None:
            pairs += [(area_report, name) for name in REPORT_FIELDS]
        # The activities the page shows (follow_up_focus_areas leaves out those added after the year).
        shown = getattr(focus_area, "signed_activities", None)
        activities = [*shown, *focus_area.added_activities] if shown is not None else focus_area.activities.all()
        for activity in activities:
            pairs += [(activity, "title"), (activity, "text")]
            report = getattr(activity, "report", None)
            if report is not None:
                pairs += [(report, name) for name in REPORT_FIELDS]
    return translation_state(pairs)


@register.simple_tag
def swedish_url(obj):
    """The address of the Swedish page for obj: the official text, for a link from a translated page."""
    with override(settings.LANGUAGE_CODE):
        return obj.get_absolute_url()


@register.filter
def has_portal_headings(period):
    """Whether the period's page shows a heading that the signed document does not have (prefetched rows only)."""
    for focus_area in period.focus_areas.all():
        if focus_area.heading_is_portal_own:
            return True
        if any(activity.shows_portal_heading for activity in focus_area.activities.all()):
            return True
    return False


@register.simple_tag
def english_translation(period):
    """How much of the period's own text is in English, whatever the page's language: "none", "partial" or
    "complete" (for the Swedish page's pointer to the English one)."""
    return translation_state(_period_pairs(period), language="en")


@register.simple_tag
def with_original(obj, field):
    """A text in the page's language followed by the Swedish original in brackets, where the text is a
    translation of a document's words (a signatory's title, a party's name): the original stays visible."""
    text = localized(obj, field)
    original = getattr(obj, field) or ""
    if getattr(text, "lang", settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        return lang_span(text)
    return format_html(
        '{} <span class="original-text">(<span lang="{}">{}</span>)</span>', text, settings.LANGUAGE_CODE, original
    )


@register.simple_tag
def url_in_language(obj, language):
    """The address of obj's page in another of the portal's languages."""
    with override(language):
        return obj.get_absolute_url()
