from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Municipality, PoliceArea
from promises.models import FollowUp, PromisePeriod
from surveys.models import Dialogue


def home(request):
    latest_periods = PromisePeriod.objects.published().latest_first()
    police_areas = PoliceArea.objects.prefetch_related(
        Prefetch(
            "municipalities",
            queryset=Municipality.objects.order_by("name").prefetch_related(
                Prefetch("promise_periods", queryset=latest_periods, to_attr="published_periods")
            ),
        )
    )
    latest_follow_ups = list(
        FollowUp.objects.published()
        .select_related("period__municipality")
        .order_by("-published_on", "-year", "period__municipality__name")[:6]
    )
    upcoming_dialogues = Dialogue.objects.published().upcoming(timezone.now()).select_related("municipality")[:5]
    return render(
        request,
        "portal/home.html",
        {
            "police_areas": police_areas,
            "upcoming_dialogues": upcoming_dialogues,
            "latest_follow_ups": latest_follow_ups,
            "has_examples": any(follow_up.is_example for follow_up in latest_follow_ups),
        },
    )


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
    return render(request, "portal/about.html", {"glossary": GLOSSARY})


def easy_read(request):
    """The same in lättläst (easy-to-read) Swedish; in English, in plain English."""
    return render(request, "portal/easy_read.html")


def rate_limited(request, exception):
    """django-ratelimit's answer when a public form is sent too often from one address."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
