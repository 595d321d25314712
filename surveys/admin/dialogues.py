"""Admin for dialogues and safety walks, and for residents' suggestions."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.admin_mixins import ScopedAdmin
from portal.scoping import scope
from surveys.admin.links import activity_links
from surveys.models import Dialogue, Suggestion


class WhenFilter(admin.SimpleListFilter):
    title = gettext_lazy("när")
    parameter_name = "nar"

    def lookups(self, request, model_admin):
        return [("kommande", _("Kommande")), ("tidigare", _("Har ägt rum"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "kommande":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "tidigare":
            return queryset.filter(starts_at__lt=now)
        return queryset


class DialogueAdminForm(forms.ModelForm):
    class Meta:
        help_texts = {
            "title": gettext_lazy("Visas som rubrik på sidan och i kalendern, t.ex. ”Trygghetsvandring i Vännäsby”."),
            "starts_at": gettext_lazy("Svensk tid."),
            "ends_at": gettext_lazy("Lämna tomt om sluttiden inte är bestämd."),
            "place": gettext_lazy(
                "Där invånarna ska komma, t.ex. ”Coop Forum, entrén” eller ”Samling vid busstationen”."
            ),
            "description": gettext_lazy(
                "Vad tillfället handlar om och vem som kommer. Visas för allmänheten och i kalendern."
            ),
            "heard": gettext_lazy(
                "Skriv efter tillfället, med invånarnas egna ord så långt det går: vad de tog upp, vad de var oroliga "
                "för, vilka platser de nämnde. Skriv aldrig namn eller något som pekar ut en person. Visas under "
                "”Ni sa”."
            ),
            "not_taken_up": gettext_lazy(
                "Det som togs upp men inte blev något löfte, och varför: till exempel att det är en fråga för "
                "någon annan, eller att det redan görs. Visas under ”Det här gick vi inte vidare med”."
            ),
            "source": gettext_lazy(
                "Var uppgifterna kommer ifrån, t.ex. en inbjudan eller nyhet, om de inte skrivs här."
            ),
            "published": gettext_lazy(
                "Avbockad: syns varken i listan, på en egen sida eller i kalendern, t.ex. medan tid och plats "
                "inte är bestämda."
            ),
        }


@admin.register(Dialogue)
class DialogueAdmin(ScopedAdmin):
    form = DialogueAdminForm
    list_display = ["title", "municipality", "kind", "starts_at", "place", "published", "has_feedback"]
    list_select_related = ["municipality"]
    list_filter = ["municipality", "kind", "published", WhenFilter]
    search_fields = ["title", "place", "description", "heard", "not_taken_up", "municipality__name"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    autocomplete_fields = ["municipality"]
    view_on_site = True
    readonly_fields = ["led_to"]
    fieldsets = [
        (None, {"fields": ["municipality", "kind", "title", "published"]}),
        (
            gettext_lazy("Tid och plats"),
            {
                "fields": [("starts_at", "ends_at"), "place", "description"],
                "description": gettext_lazy(
                    "Det invånarna behöver veta för att komma. Visas på dialogens sida och i kommunens kalender."
                ),
            },
        ),
        (
            gettext_lazy("Ni sa – vi gjorde"),
            {
                "fields": ["heard", "led_to", "not_taken_up"],
                "description": gettext_lazy(
                    "Fyll i när tillfället har ägt rum. Invånarna ser här vad de sa, vilka löften det ledde till och "
                    "vad ni inte gick vidare med. Så länge allt är tomt står det att återkopplingen inte är "
                    "publicerad ännu."
                ),
            },
        ),
        (gettext_lazy("Källa"), {"fields": ["source"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_activity_count=Count("led_to_activities", distinct=True))

    @admin.display(description=gettext_lazy("återkoppling"), boolean=True)
    def has_feedback(self, obj):
        return bool(obj.heard or obj.not_taken_up or obj._activity_count)

    @admin.display(description=gettext_lazy("det här ledde till"))
    def led_to(self, obj):
        help_text = _(
            "Kopplingen görs från aktiviteten: öppna aktiviteten i medborgarlöftet och välj dialogen under "
            "”Kom från medborgardialoger”."
        )
        activities = obj.led_to_activities.select_related("focus_area__period__municipality") if obj.pk else []
        if not activities:
            return format_html("<p>{}</p><p class='help'>{}</p>", _("Inga aktiviteter är kopplade ännu."), help_text)
        return format_html("{}<p class='help'>{}</p>", activity_links(activities), help_text)


@admin.register(Suggestion)
class SuggestionAdmin(ScopedAdmin):
    """Read by coordinators only. What a resident wrote is kept as written: it can be marked, noted or deleted."""

    list_display = ["__str__", "municipality", "submitted_on", "state"]
    list_select_related = ["municipality"]
    list_filter = ["state", "municipality"]
    search_fields = ["text", "note"]
    date_hierarchy = "submitted_on"
    readonly_fields = ["municipality", "submitted_on", "text"]
    actions = ["mark_read", "mark_archived"]
    fieldsets = [
        (
            None,
            {
                "fields": ["municipality", "submitted_on", "text"],
                "description": gettext_lazy(
                    "Skickad av en invånare via formuläret ”Vad tycker du kan göras för att öka tryggheten?”. "
                    "Synpunkter publiceras aldrig och vi vet inte vem som skrev dem. De raderas automatiskt efter "
                    "den tid som portalen är inställd på."
                ),
            },
        ),
        (
            gettext_lazy("Hantering"),
            {
                "fields": ["state", "note"],
                "description": gettext_lazy("Anteckningen syns bara för samordnarna."),
            },
        ),
    ]

    def has_add_permission(self, request):
        # Suggestions come from residents through the public form, never from the admin.
        return False

    def _mark(self, request, queryset, state):
        count = scope(queryset, request.user).update(state=state)
        self.message_user(
            request,
            ngettext(
                "%(count)d synpunkt markerades som ”%(state)s”.",
                "%(count)d synpunkter markerades som ”%(state)s”.",
                count,
            )
            % {"count": count, "state": Suggestion.State(state).label},
        )

    @admin.action(description=gettext_lazy("Markera valda synpunkter som lästa"), permissions=["change"])
    def mark_read(self, request, queryset):
        self._mark(request, queryset, Suggestion.State.READ)

    @admin.action(description=gettext_lazy("Arkivera valda synpunkter"), permissions=["change"])
    def mark_archived(self, request, queryset):
        self._mark(request, queryset, Suggestion.State.ARCHIVED)
