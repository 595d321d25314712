"""Forms for unsafe places: the public list's filters, the public report form and the admin's coordinates."""

import datetime
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality
from surveys.models import Moderation, TimeOfDay, UnsafePlace
from surveys.models.place import new_reference

# Sweden, roughly: a pin outside this box is a typo (swapped latitude and longitude, a missing digit).
SWEDEN_LATITUDE = (Decimal("55"), Decimal("69.1"))
SWEDEN_LONGITUDE = (Decimal("10.9"), Decimal("24.2"))
COORDINATE_PLACES = Decimal("0.000001")  # what the model stores: about ten centimetres

TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def check_coordinates(form, latitude, longitude):
    """Both or neither, and inside Sweden; errors go on the fields. Shared by the public and the admin form."""
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        form.add_error(missing, _("Ange både latitud och longitud, eller ingen av dem."))
        return
    if latitude is None:
        return
    if not SWEDEN_LATITUDE[0] <= latitude <= SWEDEN_LATITUDE[1]:
        form.add_error(
            "latitude",
            _("Latituden ligger utanför Sverige. Den ska vara mellan 55 och 69,1, t.ex. 63,8258 för Umeå."),
        )
    if not SWEDEN_LONGITUDE[0] <= longitude <= SWEDEN_LONGITUDE[1]:
        form.add_error(
            "longitude",
            _("Longituden ligger utanför Sverige. Den ska vara mellan 10,9 och 24,2, t.ex. 20,2630 för Umeå."),
        )


def outside_municipality(municipality, latitude, longitude):
    """True when the point lies outside the kommun's outline (uploaded or SCB's); unknown outline or no point: False."""
    if municipality is None or latitude is None or longitude is None:
        return False
    return municipality.contains_point(latitude, longitude) is False


def outside_message(municipality):
    return _(
        "Positionen ligger utanför %(kommun)s. Välj en plats inom kommungränsen på kartan, eller välj den kommun "
        "där platsen ligger."
    ) % {"kommun": municipality.official_name or municipality.name}


class CoordinateField(forms.DecimalField):
    """Decimal degrees, with a decimal comma or point, rounded to what the model stores."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", True)  # accepts 63,8258 as well as 63.8258
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Skriv positionen som ett decimaltal i grader, t.ex. 63,8258.")

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        number = super().to_python(value)
        if number is None or not number.is_finite():
            # validate() refuses NaN and infinity with the "invalid" message; quantize() would raise on sNaN.
            return number
        try:
            return number.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            # Too many digits to round (1e30, a pasted number hundreds of digits long): no position on Earth, and
            # check_coordinates() says so ("utanför Sverige") instead of the page failing.
            return number


def _attributes(attrs):
    """HTML attributes in their given order, as Django's widgets/attrs.html writes them (flatatt sorts them)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class KommunSelect(forms.Select):
    """A select of every kommun, its options written in Python.

    Django renders two templates per option; with the nation's 290 kommuner that took about 25 ms, most of the
    filtered place list's time. The markup is the same as Django's (tests/surveys/test_unsafe_place_list.py compares).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (str(option["value"]), _attributes(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"], _attributes(widget["attrs"]), options)


class UnsafePlaceFilterForm(forms.Form):
    """The public list's filters: read from the query string; a value that is not a choice is ignored."""

    kommun = forms.ModelChoiceField(
        label=_("Kommun"),
        widget=KommunSelect,
        queryset=Municipality.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alla kommuner"),
        error_messages={"invalid_choice": _("Kommunen finns inte i listan, så platser i alla kommuner visas.")},
    )
    tid = forms.ChoiceField(
        label=_("Tid på dygnet"),
        choices=[("", _("Alla tider")), *TimeOfDay.choices],
        required=False,
        error_messages={"invalid_choice": _("Okänd tid på dygnet, så platser från alla tider visas.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alla")), *UnsafePlace.Status.choices],
        required=False,
        error_messages={"invalid_choice": _("Okänd status, så platser med alla statusar visas.")},
    )
    visa_atgardade = forms.BooleanField(label=_("Visa även åtgärdade platser"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("kommun", css_class="col-sm-4"),
                Column("tid", css_class="col-sm-4"),
                Column("status", css_class="col-sm-4"),
            ),
            "visa_atgardade",
        )

    def filters(self):
        """The filters whose values are valid; an invalid one (a hand-edited address) is left out."""
        self.is_valid()
        return self.cleaned_data

    def apply(self, places):
        chosen = self.filters()
        if chosen.get("kommun"):
            places = places.filter(municipality=chosen["kommun"])
        if chosen.get("tid"):
            places = places.filter(time_of_day=chosen["tid"])
        if chosen.get("status"):
            places = places.filter(status=chosen["status"])
        elif not chosen.get("visa_atgardade"):
            places = places.not_fixed()
        return places

    def query_string(self):
        """The valid filters as a query string, for links to the list's other pages; nothing else the address held."""
        chosen = self.filters()
        values = {
            "kommun": chosen["kommun"].slug if chosen.get("kommun") else "",
            "tid": chosen.get("tid", ""),
            "status": chosen.get("status", ""),
            "visa_atgardade": "on" if chosen.get("visa_atgardade") else "",
        }
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def hides_fixed(self):
        chosen = self.filters()
        return not chosen.get("status") and not chosen.get("visa_atgardade")


class UnsafePlaceReportForm(forms.ModelForm):
    """What a resident tells us about a place. Saved as a pending public report; nothing about the sender."""

    latitude = CoordinateField(
        label=_("Latitud"),
        help_text=_("Decimala grader, t.ex. 63,8258. Fylls i när du klickar på kartan."),
    )
    longitude = CoordinateField(
        label=_("Longitud"),
        help_text=_("Decimala grader, t.ex. 20,2630."),
    )
    time_of_day = forms.ChoiceField(
        label=_("När känns platsen otrygg?"),
        choices=[("", _("Ingen särskild tid")), *TimeOfDay.choices],
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    # A field people never see or reach with the keyboard; bots fill in every field they find.
    hemsida = forms.CharField(
        label=_("Lämna det här fältet tomt"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # One random value per opened form: a second submit of the same form is recognised and not saved twice.
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = UnsafePlace
        fields = ["municipality", "title", "description", "why", "time_of_day", "latitude", "longitude"]
        labels = {
            "municipality": _("Kommun"),
            "title": _("Platsens namn"),
            "description": _("Beskriv platsen"),
            "why": _("Varför känns platsen otrygg? (frivilligt)"),
        }
        help_texts = {
            "title": _("Ett kort namn, t.ex. ”Gångtunneln vid stationen”."),
            "description": _(
                "Var ligger platsen? Till exempel en adress, en korsning eller vad som finns i närheten. "
                "Välj platsen på kartan eller beskriv den här, eller både och."
            ),
            "why": _("Till exempel dålig belysning, skymd sikt eller att det händer saker där. Skriv inga namn."),
        }
        widgets = {
            "municipality": KommunSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "why": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["municipality"].empty_label = _("Välj kommun")
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "municipality",
            # The map comes first: clicking it is the main way to give the position (static/js/places-map.js).
            HTML('{% include "surveys/includes/_unsafe_place_pin_map.html" %}'),
            "title",
            "description",
            "why",
            "time_of_day",
            # Typed coordinates are for those who have them (a GPS, another map) and for keyboard users who
            # prefer them to the map; open when they hold a value or an error, so that nothing is hidden. The
            # include opens the <details> (its words need the template's translation), the HTML below closes it.
            HTML('{% include "surveys/includes/_unsafe_place_coordinates_open.html" %}'),
            Div(
                Row(Column("latitude", css_class="col-sm-6"), Column("longitude", css_class="col-sm-6")),
                css_class="place-coordinates",
            ),
            HTML("</details>"),
            Div(Field("hemsida"), css_class="place-honeypot"),
            "token",
        )

    def clean(self):
        cleaned = super().clean()
        if not TOKEN_PATTERN.fullmatch(cleaned.get("token") or ""):
            # Without our page's token nothing recognises a second submit of the same form, so it would be stored
            # twice: refused as the other public forms refuse it (portal/public_forms.py), with a fresh token in the
            # re-shown form so that sending it again works. Our own page always sends one.
            self.data = self.data.copy()
            self.data[self.add_prefix("token")] = uuid.uuid4().hex
            self.add_error(
                None, forms.ValidationError(_("Formuläret gick inte att skicka. Försök igen."), code="token")
            )
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" not in self.errors and "longitude" not in self.errors:
            check_coordinates(self, latitude, longitude)
            municipality = cleaned.get("municipality")
            if not self.errors and outside_municipality(municipality, latitude, longitude):
                # A pin in the wrong kommun reaches the wrong coordinators: refused, with a way to put it right.
                self.add_error("latitude", outside_message(municipality))
            if latitude is None and not cleaned.get("description", "").strip():
                self.add_error(
                    "description",
                    _("Beskriv var platsen är, eller välj den på kartan (eller ange latitud och longitud)."),
                )
        return cleaned

    @property
    def is_spam(self):
        """The hidden field was filled in: decided before validation, so a bot never sees an error message."""
        return bool(str(self.data.get("hemsida", "")).strip())

    def save(self, commit=True):
        place = super().save(commit=False)
        place.source = UnsafePlace.Source.PUBLIC_REPORT
        place.moderation = Moderation.PENDING
        place.status = UnsafePlace.Status.REPORTED
        place.reference = new_reference()
        if commit:
            place.save()
            # auto_now wrote the second the report arrived; a resident's report keeps only its day (reported_on),
            # so that no stored time can be matched against anyone's visit.
            day_start = timezone.make_aware(datetime.datetime.combine(place.reported_on, datetime.time()))
            UnsafePlace.objects.filter(pk=place.pk).update(updated_at=day_start)
            place.updated_at = day_start
        return place


class UnsafePlaceAdminForm(forms.ModelForm):
    """The coordinator's form: the same coordinate checks as the public one, and a source chosen on purpose."""

    latitude = CoordinateField(label=_("latitud"))
    longitude = CoordinateField(label=_("longitud"))

    class Meta:
        model = UnsafePlace
        fields = [
            "municipality",
            "title",
            "source",
            "reported_on",
            "description",
            "why",
            "time_of_day",
            "latitude",
            "longitude",
            "position_confirmed",
            "moderation",
            "status",
            "status_note",
        ]

    # Set by clean(): the point lies outside the chosen kommun (the admin warns after saving).
    position_outside = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields and self.instance._state.adding:
            # The model's default suits the public form; a coordinator says where the place came from.
            self.fields["source"].choices = [("", "---------"), *UnsafePlace.Source.choices]
            self.initial["source"] = ""

    def clean(self):
        cleaned = super().clean()
        if "latitude" not in self.errors and "longitude" not in self.errors:
            latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
            check_coordinates(self, latitude, longitude)
            municipality = cleaned.get("municipality")
            if "latitude" not in self.errors and outside_municipality(municipality, latitude, longitude):
                self.position_outside = True
                confirmed = cleaned.get("position_confirmed")
                if cleaned.get("moderation") == Moderation.APPROVED and not confirmed:
                    # Approving publishes the pin on the kommun's map: only once it is right, or said to be.
                    self.add_error(
                        "latitude",
                        _(
                            "%(outside)s Rätta positionen, eller kryssa i att den stämmer, innan platsen godkänns "
                            "för publicering."
                        )
                        % {"outside": outside_message(municipality)},
                    )
        return cleaned
