"""Views for unsafe places: map, list, detail and the public report form; URL patterns in surveys/urls.py."""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.models import Municipality
from surveys import geocoding
from surveys.forms.unsafe_places import UnsafePlaceFilterForm, UnsafePlaceReportForm, outside_message
from surveys.models import Moderation, TimeOfDay, UnsafePlace
from surveys.models.place import normalise_reference

# Reports from one address: enough for someone walking around pointing out places, too few for a flood.
REPORT_RATE = "5/10m"
# How long a report form's token is remembered: a second submit of the same form within this time is not saved.
REPORT_TOKEN_SECONDS = 60 * 60
# The list is the map's text alternative, a page at a time: a whole nation's places on one page took seconds to
# read and render, and nobody reads two thousand of them in one go. A kommun's places usually fit on one page.
UNSAFE_PLACES_PER_PAGE = 20


def public_activities():
    """The activities that address places, from published promises only: a draft promise is not public.

    The relation is declared on the promises side (promises depend on surveys, not the other way round), so
    the models are reached through it rather than imported.
    """
    activity_model = UnsafePlace._meta.get_field("activities").related_model
    period_model = activity_model._meta.get_field("focus_area").related_model._meta.get_field("period").related_model
    return (
        activity_model.objects.filter(focus_area__period__in=period_model.objects.published())
        .select_related("focus_area__period__municipality")
        .order_by("-focus_area__period__start_year", "focus_area__order", "order", "pk")
    )


def public_unsafe_places(places=None):
    """Approved places with what the list and the detail page show of each: their kommun and activities."""
    places = UnsafePlace.objects.public() if places is None else places
    return places.select_related("municipality").prefetch_related(Prefetch("activities", queryset=public_activities()))


# What the map's script needs of a place, in the order markers() reads them; everything else is in the list.
MAP_FIELDS = ("pk", "title", "latitude", "longitude", "municipality__name", "time_of_day", "status")


def markers(rows):
    """The map's data from rows of MAP_FIELDS values, for places that have a position."""
    # Each label translated once, not once per place: thousands of lazy translations cost more than the query.
    times = {value: str(label) for value, label in TimeOfDay.choices}
    statuses = {value: str(label) for value, label in UnsafePlace.Status.choices}
    # One reverse() for all the addresses, which differ only in the number: thousands of reverse() calls take a
    # tenth of a second.
    url = reverse("unsafe_place_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    return [
        {
            "id": pk,
            "title": title,
            "lat": float(latitude),
            "lng": float(longitude),
            "url": url.format(pk),
            "municipality": municipality,
            "timeOfDay": times.get(time_of_day, time_of_day),
            "status": statuses.get(status, status),
        }
        for pk, title, latitude, longitude, municipality, time_of_day, status in rows
        if latitude is not None
    ]


def map_places(places):
    """Every place of the queryset on the map, read as plain values in one query.

    The list's map shows all the places that match the filters, not only the list's page, so at national scale
    this reads thousands of rows: a few columns each, no model instances, none of the activities the list shows.
    """
    return markers(places.exclude(latitude=None).values_list(*MAP_FIELDS))


def map_settings():
    """The tile server (a setting) and the map's words, which the script cannot translate itself."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "texts": {
            "zoomIn": _("Zooma in"),
            "zoomOut": _("Zooma ut"),
            "closePopup": _("Stäng rutan"),
            "status": _("Status"),
            "tilesFailed": _("Bakgrundskartan kunde inte hämtas just nu. Markeringarna fungerar ändå."),
            "pinChosen": _("Position vald: latitud %(lat)s, longitud %(lng)s."),
            "pinMarker": _("Vald position"),
            "mapShows": _("Kartan visar %(kommun)s."),
            "pinCleared": _("Kartan visar %(kommun)s. Den position du valde ligger utanför kommunen; välj en ny."),
            "boundaryFailed": _(
                "Kommungränsen kunde inte hämtas. Du kan ändå välja en plats; den kontrolleras när du skickar."
            ),
            "searching": _("Söker …"),
            "searchResults": _("%(count)s träffar. Välj en för att markera den på kartan."),
            "searchFailed": _("Sökningen misslyckades. Klicka på kartan i stället, eller beskriv platsen med ord."),
        },
    }


@require_GET
def unsafe_place_list(request):
    filter_form = UnsafePlaceFilterForm(request.GET)
    # A stable order (pk last: titles repeat) so that no place moves between pages from one request to the next.
    matching = filter_form.apply(UnsafePlace.objects.public()).order_by("municipality__name", "title", "pk")
    requested = request.GET.get("sida") or "1"
    page = Paginator(public_unsafe_places(matching), UNSAFE_PLACES_PER_PAGE).get_page(requested)
    return render(
        request,
        "surveys/unsafe_place_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "places": page.object_list,
            "page_adjusted": requested != str(page.number),
            # The first and last pages and those around this one; None where pages are left out.
            "page_numbers": [
                number if isinstance(number, int) else None
                for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ],
            "page_query": filter_form.query_string(),
            "map_places": map_places(matching),
            "map": map_settings(),
            "hides_fixed": filter_form.hides_fixed,
            "filtered": any(filter_form.filters().values()),
            "municipality": filter_form.filters().get("kommun"),
        },
    )


@require_GET
def unsafe_place_detail(request, pk):
    place = get_object_or_404(public_unsafe_places(), pk=pk)
    row = (
        place.pk,
        place.title,
        place.latitude,
        place.longitude,
        place.municipality.name,
        place.time_of_day,
        place.status,
    )
    return render(
        request,
        "surveys/unsafe_place_detail.html",
        {"place": place, "map_places": markers([row]), "map": map_settings()},
    )


def _save_once(form):
    """Save the report and return its reference, unless this very form was saved already (a double click, a reload
    after sending): then the first one's reference, so the resident still gets it (None while it is being saved)."""
    # A valid form always has a token (UnsafePlaceReportForm.clean refuses one without): no save skips the guard.
    key = f"unsafe-place-report:{form.cleaned_data['token']}"
    if not cache.add(key, "", timeout=REPORT_TOKEN_SECONDS):
        return cache.get(key) or None
    try:
        place = form.save()
    except Exception:
        # Not saved after all: let the same form be sent again.
        cache.delete(key)
        raise
    cache.set(key, place.reference, timeout=REPORT_TOKEN_SECONDS)
    return place.reference


def _thanks(reference):
    if reference:
        return redirect("unsafe_place_report_thanks", reference=reference)
    return redirect("unsafe_place_report_thanks")


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=REPORT_RATE, method="POST", block=False)
def unsafe_place_report(request):
    if getattr(request, "limited", False):
        # The counter lives in the cache under a hash of the address; nothing of it reaches the database.
        return import_string(settings.RATELIMIT_VIEW)(request, None)
    if request.method == "POST":
        form = UnsafePlaceReportForm(request.POST)
        if form.is_spam:
            # Whatever a bot sends gets a thank-you page as a person does, so it learns little from trying.
            return redirect("unsafe_place_report_thanks")
        if form.is_valid():
            return _thanks(_save_once(form))
    else:
        slug = request.GET.get("kommun")
        # Only what can be a slug is looked up: PostgreSQL refuses a NUL character in a query with an error.
        municipality = Municipality.objects.filter(slug=slug).first() if slug and slug_re.match(slug) else None
        form = UnsafePlaceReportForm(initial={"municipality": municipality} if municipality else {})
    return render(
        request,
        "surveys/unsafe_place_report.html",
        {"form": form, "map": map_settings(), "geocoder": geocoding.enabled()},
    )


def _reported(reference):
    """The report with this reference (as typed or as stored), or None."""
    reference = normalise_reference(reference)
    if reference is None:
        return None
    return UnsafePlace.objects.select_related("municipality").filter(reference=reference).first()


@require_GET
@never_cache
def unsafe_place_report_thanks(request, reference=None):
    place = None
    if reference is not None:
        place = _reported(reference)
        if place is None:
            raise Http404(_("Det finns ingen rapport med den referensen."))
    return render(request, "surveys/unsafe_place_report_thanks.html", {"place": place})


# Where a report stands, for whoever holds its reference: the steps a resident's report goes through.
STATUS_STEPS = (
    ("received", _lazy("Mottagen")),
    ("published", _lazy("Granskad och publicerad")),
    ("under_review", _lazy("Utreds")),
    ("action_planned", _lazy("Åtgärd planerad")),
    ("handled", _lazy("Åtgärdad")),
)
STEP_OF_STATUS = {
    UnsafePlace.Status.REPORTED: "published",
    UnsafePlace.Status.UNDER_REVIEW: "under_review",
    UnsafePlace.Status.ACTION_PLANNED: "action_planned",
    UnsafePlace.Status.FIXED: "handled",
}


def report_step(place):
    """The report's step (one of STATUS_STEPS' keys), or "hidden" for a report that is not published."""
    if place.moderation == Moderation.PENDING:
        return "received"
    if place.moderation == Moderation.REJECTED:
        return "hidden"
    return STEP_OF_STATUS.get(place.status, "published")


@require_GET
@never_cache
def unsafe_place_status(request, reference=None):
    """A report's status by its reference; without one, a form to type it in (its GET lands here again)."""
    if reference is None:
        typed = request.GET.get("referens", "")
        if not typed:
            return render(request, "surveys/unsafe_place_status.html", {"place": None, "typed": ""})
        normalised = normalise_reference(typed)
        if normalised is not None:
            return redirect("unsafe_place_status", reference=normalised)
        context = {
            "place": None,
            "typed": typed[:40],
            "error": _("Referensen ska vara tio bokstäver och siffror, t.ex. K7QF2-M3XDW."),
        }
        return render(request, "surveys/unsafe_place_status.html", context, status=400)
    place = _reported(reference)
    if place is None:
        context = {
            "place": None,
            "typed": reference[:40],
            "error": _("Vi hittar ingen rapport med referensen ”%(reference)s”. Kontrollera att den är rätt skriven.")
            % {"reference": reference[:40]},
        }
        return render(request, "surveys/unsafe_place_status.html", context, status=404)
    step = report_step(place)
    keys = [key for key, _label in STATUS_STEPS]
    reached = keys.index(step) if step in keys else 0
    steps = [
        {"key": key, "label": label, "done": n < reached, "current": n == reached and step != "hidden"}
        for n, (key, label) in enumerate(STATUS_STEPS)
    ]
    return render(
        request,
        "surveys/unsafe_place_status.html",
        {"place": place, "step": step, "steps": steps, "public": place.moderation == Moderation.APPROVED},
    )


@require_GET
def unsafe_place_boundary(request, pk):
    """The kommun's outline and the map's view of it, for the report form's map (which draws and checks it).

    By the kommun's number, which is what the form's kommun select holds."""
    municipality = get_object_or_404(Municipality, pk=pk)
    view = municipality.map_view()
    return JsonResponse(
        {
            "name": municipality.official_name or municipality.name,
            "centre": view and view["centre"],
            "bounds": view and view["bounds"],
            "boundary": municipality.map_boundary(),
            "outsideMessage": outside_message(municipality),
        }
    )


# Each search is a request to someone else's server on the resident's behalf; Nominatim asks for at most one a
# second from a whole site, so a person gets a few a minute.
ADDRESS_SEARCH_RATE = "10/m"


@require_GET
@ratelimit(key="ip", rate=ADDRESS_SEARCH_RATE, block=False)
def unsafe_place_address_search(request):
    """Addresses matching ?q= inside the kommun numbered ?kommun=, as JSON, from the geocoder (surveys/geocoding.py)."""
    if not geocoding.enabled():
        raise Http404(_("Adress-sökning är inte påslagen."))
    if getattr(request, "limited", False):
        return JsonResponse({"error": _("Du har sökt många gånger på kort tid. Vänta en minut.")}, status=429)
    query = " ".join(request.GET.get("q", "").split())[:200]
    if len(query) < 3:
        return JsonResponse({"error": _("Skriv minst tre tecken, t.ex. en gatuadress.")}, status=400)
    # The kommun's number, as the report form's select holds it.
    number = request.GET.get("kommun", "")
    municipality = (
        Municipality.objects.filter(pk=int(number)).first() if number.isdigit() and len(number) < 10 else None
    )
    view = municipality.map_view() if municipality else None
    try:
        places = geocoding.search(query, bounds=view and view["bounds"])
    except geocoding.GeocoderError as error:
        return JsonResponse({"error": str(error)}, status=502)
    if municipality is not None:
        # The geocoder's box is a rectangle; the kommun is not.
        places = [
            place for place in places if municipality.contains_point(place.latitude, place.longitude) is not False
        ]
    return JsonResponse(
        {
            "results": [{"name": place.name, "lat": place.latitude, "lng": place.longitude} for place in places],
            "message": "" if places else _("Inga träffar. Pröva en annan stavning, eller klicka på kartan."),
        }
    )
