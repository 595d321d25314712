"""Admin for unsafe places: moderation of residents' reports and places added by coordinators."""

from django.conf import settings
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.admin_mixins import ScopedAdmin
from portal.invalidation import municipalities_changed
from surveys.admin.links import activity_links
from surveys.forms.unsafe_places import UnsafePlaceAdminForm
from surveys.models import Moderation, UnsafePlace


@admin.register(UnsafePlace)
class UnsafePlaceAdmin(ScopedAdmin):
    """Reports from residents wait here for moderation; places from surveys, dialogues and walks are added here."""

    form = UnsafePlaceAdminForm
    list_display = ["title", "municipality", "moderation", "status", "time_of_day", "source", "reported_on", "on_map"]
    list_display_links = ["title"]
    list_select_related = ["municipality"]
    list_filter = [
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "moderation",
        "status",
        "time_of_day",
        "source",
    ]
    # The reference too: a resident who calls about their report can quote it.
    search_fields = ["title", "description", "why", "status_note", "municipality__name", "=reference"]
    date_hierarchy = "reported_on"
    ordering = ["-reported_on", "municipality__name", "title"]
    actions = ["approve", "reject"]
    readonly_fields = ["addressed_by", "updated_at", "position_map", "reference"]
    fieldsets = [
        (
            None,
            {
                "fields": ["municipality", "title", "source", "reported_on", "reference"],
                "description": gettext_lazy(
                    "Rapporter från invånare kommer in via webbplatsens formulär. Platser som kommer fram i en "
                    "trygghetsundersökning, en medborgardialog eller en trygghetsvandring lägger du till här: välj "
                    "då rätt källa."
                ),
            },
        ),
        (
            gettext_lazy("Vad invånarna säger"),
            {
                "fields": ["description", "why", "time_of_day"],
                "description": gettext_lazy(
                    "Visas för allmänheten när platsen är godkänd för publicering. Läs texten innan du godkänner "
                    "och ta bort namn, telefonnummer och annat som pekar ut enskilda personer."
                ),
            },
        ),
        (
            gettext_lazy("Position på kartan"),
            {
                "fields": [("latitude", "longitude"), "position_map", "position_confirmed"],
                "description": gettext_lazy(
                    "Frivilligt. Decimala grader (WGS 84), t.ex. latitud 63,8258 och longitud 20,2630 för Umeå "
                    "centrum. Ange båda eller ingen; platser utan position visas bara i listan, inte på kartan. "
                    "Kartan visar punkten och kommunens gräns: en punkt utanför kommunen kan inte godkännas förrän "
                    "den är rättad eller bekräftad."
                ),
            },
        ),
        (
            gettext_lazy("Granskning och status"),
            {
                "fields": ["moderation", "status", "status_note", "updated_at"],
                "description": gettext_lazy(
                    "Bara platser som är godkända för publicering visas på webbplatsen. Statusen och kommentaren "
                    "visas för allmänheten: berätta kort vad som görs, t.ex. ”Ny belysning monteras under våren”. "
                    "Åtgärdade platser visas bara när besökaren ber om dem."
                ),
            },
        ),
        (
            gettext_lazy("Aktiviteter som åtgärdar platsen"),
            {
                "fields": ["addressed_by"],
                "description": gettext_lazy(
                    "Kopplingen görs på aktivitetens sida (Medborgarlöften och uppföljningar › Aktiviteter, under "
                    "”Ni sa – vi gjorde”, fältet ”åtgärdar otrygga platser”). Kopplade aktiviteter ur publicerade "
                    "medborgarlöften visas på platsens sida."
                ),
            },
        ),
    ]

    class Media:
        # Leaflet and the review map's script: static files, data from the page (no inline script under the CSP).
        css = {"all": ["vendor/leaflet-1.9.4/leaflet.css", "css/admin-place-map.css"]}
        js = ["vendor/leaflet-1.9.4/leaflet.js", "js/admin-place-map.js"]

    @admin.display(description=gettext_lazy("karta"))
    def position_map(self, obj):
        """The point on a map of its kommun, and in words whether it lies inside the kommun."""
        municipality = obj.municipality if obj and obj.municipality_id else None
        has_point = obj is not None and obj.latitude is not None and obj.longitude is not None
        data = {
            "point": [float(obj.latitude), float(obj.longitude)] if has_point else None,
            # The outline in force: the one a national administrator uploaded, else SCB's.
            "outline": municipality.map_boundary() if municipality else None,
            "kommun": municipality.official_name if municipality else "",
        }
        return render_to_string(
            "admin/surveys/includes/_place_review_map.html",
            {
                "data": data,
                "place": obj,
                "municipality": municipality,
                "has_point": has_point,
                "outside": has_point and obj.position_outside_municipality,
                "known": municipality is not None and municipality.boundary_source is not None,
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
                "texts": {
                    "point": _("Platsens position"),
                    "outline": _("Kommunens gräns"),
                    "zoomIn": _("Zooma in"),
                    "zoomOut": _("Zooma ut"),
                },
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        place = self.get_object_in_scope_or_404(request, object_id)
        if request.method == "GET" and place.needs_position_check:
            self.message_user(request, self._outside_text(place), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def _outside_text(self, place):
        return _(
            "Positionen för ”%(title)s” ligger utanför %(kommun)s. Kontrollera punkten på kartan: rätta latitud "
            "och longitud, eller kryssa i att positionen stämmer. Platsen kan inte godkännas innan dess."
        ) % {"title": place.title, "kommun": place.municipality.official_name}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "position_outside", False) and not obj.position_confirmed:
            self.message_user(request, self._outside_text(obj), messages.WARNING)

    @admin.display(description=gettext_lazy("på kartan"), boolean=True)
    def on_map(self, obj):
        return obj.latitude is not None and obj.longitude is not None

    @admin.display(description=gettext_lazy("aktiviteter"))
    def addressed_by(self, obj):
        activities = list(obj.activities.select_related("focus_area__period__municipality")) if obj.pk else []
        if not activities:
            return gettext_lazy("Ingen aktivitet är kopplad till platsen ännu.")
        return activity_links(activities)

    def _moderate(self, request, queryset, moderation):
        # The action's queryset comes from get_queryset(): rows outside the user's kommuner are never touched.
        changing = queryset.exclude(moderation=moderation)
        municipality_ids = set(changing.values_list("municipality_id", flat=True))
        count = changing.update(moderation=moderation, updated_at=timezone.now())
        # update() sends no signals: the pages that show (or stopped showing) these places are stale now.
        municipalities_changed(municipality_ids)
        return count

    @admin.action(description=gettext_lazy("Godkänn för publicering"), permissions=["change"])
    def approve(self, request, queryset):
        # A pin outside its kommun is corrected or confirmed on its own page first, never approved in bulk.
        unchecked = [
            place
            for place in queryset.exclude(moderation=Moderation.APPROVED).select_related("municipality")
            if place.needs_position_check
        ]
        for place in unchecked:
            self.message_user(request, self._outside_text(place), messages.ERROR)
        count = self._moderate(request, queryset.exclude(pk__in=[place.pk for place in unchecked]), Moderation.APPROVED)
        self.message_user(
            request,
            ngettext(
                "%(count)d plats godkändes och visas nu på webbplatsen.",
                "%(count)d platser godkändes och visas nu på webbplatsen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Avvisa"), permissions=["change"])
    def reject(self, request, queryset):
        count = self._moderate(request, queryset, Moderation.REJECTED)
        self.message_user(
            request,
            ngettext(
                "%(count)d plats avvisades och visas inte på webbplatsen.",
                "%(count)d platser avvisades och visas inte på webbplatsen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
