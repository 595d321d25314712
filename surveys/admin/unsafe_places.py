"""Admin for unsafe places: moderation of residents' reports and places added by coordinators."""

from django.contrib import admin, messages
from django.utils import timezone
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
    search_fields = ["title", "description", "why", "status_note", "municipality__name"]
    date_hierarchy = "reported_on"
    ordering = ["-reported_on", "municipality__name", "title"]
    actions = ["approve", "reject"]
    readonly_fields = ["addressed_by", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": ["municipality", "title", "source", "reported_on"],
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
                "fields": [("latitude", "longitude")],
                "description": gettext_lazy(
                    "Frivilligt. Decimala grader (WGS 84), t.ex. latitud 63,8258 och longitud 20,2630 för Umeå "
                    "centrum. Ange båda eller ingen; platser utan position visas bara i listan, inte på kartan."
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
        count = self._moderate(request, queryset, Moderation.APPROVED)
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
