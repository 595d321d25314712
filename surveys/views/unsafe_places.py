"""Views for unsafe places: map, list, detail and the public report form; URL patterns in surveys/urls.py."""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.models import Municipality
from surveys.forms.unsafe_places import UnsafePlaceFilterForm, UnsafePlaceReportForm
from surveys.models import TimeOfDay, UnsafePlace

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
            "showPinMap": _("Välj position på en karta"),
            "hidePinMap": _("Dölj kartan"),
            "pinMapLabel": _("Karta för att välja platsens position"),
            "pinMapHelp": _(
                "Klicka eller tryck på kartan där platsen är. Med tangentbordet: flytta kartan med piltangenterna "
                "och tryck Enter för att välja kartans mitt. Latitud och longitud fylls i nedanför kartan; du kan "
                "också skriva in dem själv."
            ),
            "pinChosen": _("Position vald: latitud %(lat)s, longitud %(lng)s."),
            "pinMarker": _("Vald position"),
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
    """Save the report unless this very form was saved already (a double click, a reload after sending)."""
    token = form.cleaned_data.get("token")
    key = f"unsafe-place-report:{token}"
    if token and not cache.add(key, True, timeout=REPORT_TOKEN_SECONDS):
        return None
    try:
        return form.save()
    except Exception:
        # Not saved after all: let the same form be sent again.
        if token:
            cache.delete(key)
        raise


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=REPORT_RATE, method="POST", block=False)
def unsafe_place_report(request):
    if getattr(request, "limited", False):
        # The counter lives in the cache under a hash of the address; nothing of it reaches the database.
        return import_string(settings.RATELIMIT_VIEW)(request, None)
    if request.method == "POST":
        form = UnsafePlaceReportForm(request.POST)
        if form.is_spam:
            # Whatever a bot sends gets the same answer as a person, so it learns nothing from trying.
            return redirect("unsafe_place_report_thanks")
        if form.is_valid():
            _save_once(form)
            return redirect("unsafe_place_report_thanks")
    else:
        slug = request.GET.get("kommun")
        # Only what can be a slug is looked up: PostgreSQL refuses a NUL character in a query with an error.
        municipality = Municipality.objects.filter(slug=slug).first() if slug and slug_re.match(slug) else None
        form = UnsafePlaceReportForm(initial={"municipality": municipality} if municipality else {})
    return render(request, "surveys/unsafe_place_report.html", {"form": form, "map": map_settings()})


@require_GET
def unsafe_place_report_thanks(request):
    return render(request, "surveys/unsafe_place_report_thanks.html")
