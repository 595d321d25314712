"""What the promises app's admin modules share: the translations fieldset and the edited object's id."""

from django.utils.translation import gettext_lazy

# English and lättläst versions sit in a collapsed fieldset of their own: most coordinators write only the Swedish,
# which stays the official text, and should not have to scroll past empty translation fields to find it.
TRANSLATIONS = gettext_lazy("Engelska och lättläst")
TRANSLATIONS_HELP = gettext_lazy(
    "Frivilligt. Den engelska texten visas på portalens engelska sidor som en inofficiell översättning; lämnas ett "
    "fält tomt visas den svenska texten. Lättläst är samma innehåll på lättläst svenska: korta meningar, en tanke "
    "per mening, vanliga ord och förklaringar av svåra ord. Den svenska texten ovan är alltid den som gäller."
)
ENGLISH = gettext_lazy("Engelska")
ENGLISH_HELP = gettext_lazy(
    "Frivilligt. Visas på portalens engelska sidor som en inofficiell översättning; lämnas ett fält tomt visas den "
    "svenska texten."
)


def translations_fieldset(fields, *, easy_read=True):
    title, description = (TRANSLATIONS, TRANSLATIONS_HELP) if easy_read else (ENGLISH, ENGLISH_HELP)
    return (title, {"fields": fields, "classes": ["collapse"], "description": description})


def edited_object_id(request):
    return request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
