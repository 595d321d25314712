import unicodedata

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

from portal import accessibility
from portal.forms import AccessibilityFeedbackForm, page_on_this_site
from portal.models import Municipality
from portal.municipality_finder import MAX_QUERY_LENGTH, municipality_find
from portal.public_forms import rate_limit_response

# The domain words a reader meets on the portal: (the word in the page's language, the Swedish word, what it means).
GLOSSARY = [
    (
        _("Medborgarlöfte"),
        "medborgarlöfte",
        _("Ett skriftligt löfte från polisen och kommunen till invånarna om vad de ska göra för tryggheten."),
    ),
    (
        _("Kommun"),
        "kommun",
        _("Sverige har 290 kommuner. Kommunen ansvarar bland annat för skola, socialtjänst och gator i sitt område."),
    ),
    (
        _("Lokalpolisområde"),
        "lokalpolisområde",
        _("Polisens lokala enhet. Ett lokalpolisområde ansvarar ofta för flera kommuner."),
    ),
    (_("Fokusområde"), "fokusområde", _("Ett område som löftet tar upp, till exempel trafik eller droger.")),
    (_("Aktivitet"), "aktivitet", _("Något konkret som polisen, kommunen eller en annan aktör lovar att göra.")),
    (
        _("Trygghetsundersökning"),
        "trygghetsundersökning",
        _("En enkät där invånarna svarar på hur trygga de känner sig och vad som gör dem otrygga."),
    ),
    (
        _("Medborgardialog"),
        "medborgardialog",
        _("Ett möte där invånarna berättar för polisen och kommunen vad de tycker borde göras."),
    ),
    (
        _("Trygghetsvandring"),
        "trygghetsvandring",
        _("En promenad där invånare, kommun och polis tillsammans tittar på platser som känns otrygga."),
    ),
    (
        _("Lägesbild"),
        "lägesbild",
        _("Polisens och kommunens egen beskrivning av brottsligheten och otryggheten i kommunen."),
    ),
    (_("Uppföljning"), "uppföljning", _("Den årliga genomgången av vad som blev gjort för varje löfte.")),
    (
        pgettext_lazy("lättläst svenska", "Lättläst"),
        "lättläst",
        _("Text med korta meningar och vanliga ord, för den som tycker att det är svårt att läsa."),
    ),
]


def about(request):
    """Om medborgarlöften: what they are, the yearly cycle, who signs, how to take part, where the data comes from."""
    return render(
        request,
        "portal/about.html",
        {"glossary": GLOSSARY, "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS},
    )


def easy_read(request):
    """The same in lättläst (easy-to-read) Swedish; in English, in plain English."""
    return render(request, "portal/easy_read.html")


def municipality_names():
    """Every kommun, with what the find field needs: its names for the suggestions, its code and address."""
    return list(Municipality.objects.only("name", "official_name", "slug", "code").order_by("name"))


@require_safe
def find_municipality(request):
    """The find field's answer without JavaScript: straight to the kommun it names, or the kommuner it may mean.

    404 when no kommun is called that (the page then offers names spelt alike), 400 for an empty or overlong name.
    """
    # Control characters (a pasted tab, a NUL from a script) are never part of a name.
    query = " ".join("".join(ch for ch in request.GET.get("namn", "") if unicodedata.category(ch)[0] != "C").split())
    municipalities = municipality_names()
    context = {"query": query, "municipalities": municipalities}
    if not query:
        context["error"] = _("Skriv namnet på en kommun.")
        return render(request, "portal/find_municipality.html", context, status=400)
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = _("Namnet är för långt: ingen kommun har ett namn på mer än %(max)s tecken.") % {
            "max": MAX_QUERY_LENGTH
        }
        context["query"] = query[:MAX_QUERY_LENGTH]
        return render(request, "portal/find_municipality.html", context, status=400)
    found = municipality_find(query=query, municipalities=municipalities)
    if found.municipality is not None:
        return redirect(found.municipality)
    context["found"] = found
    return render(request, "portal/find_municipality.html", context, status=200 if found.matches else 404)


def rate_limited(request, exception):
    """django-ratelimit's answer when a public form is sent too often from one address."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


# Nobody reports more than a handful of accessibility problems in ten minutes; a script does.
ACCESSIBILITY_FEEDBACK_RATE = "5/10m"


def accessibility_statement(request):
    """Tillgänglighetsredogörelse, as lag (2018:1937) requires; its dates live in portal/accessibility.py."""
    return render(
        request,
        "portal/accessibility_statement.html",
        {
            "assessed_on": accessibility.ASSESSED_ON,
            "reviewed_on": accessibility.REVIEWED_ON,
            "published_on": accessibility.PUBLISHED_ON,
            "retention_days": accessibility.FEEDBACK_RETENTION_DAYS,
            "digg_report_url": accessibility.DIGG_REPORT_URL,
        },
    )


# Never cached: each visitor's form carries its own double-submit token.
@never_cache
@ratelimit(key="ip", rate=ACCESSIBILITY_FEEDBACK_RATE, method="POST", block=False)
def accessibility_feedback(request):
    if limited := rate_limit_response(request):
        return limited
    host = request.get_host()
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST, host=host)
        if form.is_valid():
            # A bot's or a repeated submit is dropped without a word: the sender sees the same thanks.
            form.submit(language=translation.get_language())
            return redirect("accessibility_feedback_thanks")
    else:
        # Linked from every page's footer with that page's address; anything else in ?sida= is ignored.
        page = page_on_this_site(request.GET.get("sida"), host=host)
        form = AccessibilityFeedbackForm(initial={"page": page or ""}, host=host)
    return render(
        request,
        "portal/accessibility_feedback.html",
        {"form": form, "retention_days": accessibility.FEEDBACK_RETENTION_DAYS},
    )


def accessibility_feedback_thanks(request):
    return render(
        request,
        "portal/accessibility_feedback_thanks.html",
        {"retention_days": accessibility.FEEDBACK_RETENTION_DAYS},
    )
