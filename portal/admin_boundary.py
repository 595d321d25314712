"""The kommun's map in the admin: upload or paste its boundary as GeoJSON, or go back to SCB's.

Only national administrators change kommuner (coordinators may only view them: promises/permissions.py), so only
they see these fields as editable. The checks are portal.geography.parse_boundary(); Municipality.clean() runs
them again, so no other way into the model can store an outline they refuse.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import geography
from portal.models import Municipality


class MunicipalityMapForm(forms.ModelForm):
    boundary_file = forms.FileField(
        label=_("Ladda upp kommungräns"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
        help_text=_(
            "En GeoJSON-fil (.geojson eller .json) med en Polygon eller MultiPolygon, en Feature eller en "
            "FeatureCollection med en enda Feature, i WGS 84 (longitud före latitud). Högst %(size)s kB."
        )
        % {"size": geography.MAX_BOUNDARY_BYTES // 1000},
    )
    boundary_text = forms.CharField(
        label=_("…eller klistra in GeoJSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("Samma innehåll som i en GeoJSON-fil. Lämna tomt för att behålla den gräns som gäller nu."),
    )
    remove_boundary = forms.BooleanField(
        label=_("Ta bort den uppladdade gränsen och använd SCB:s igen"), required=False
    )

    class Meta:
        model = Municipality
        fields = ["map_latitude", "map_longitude"]

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("boundary_file"), (cleaned.get("boundary_text") or "").strip()
        if upload and text:
            self.add_error("boundary_text", _("Ladda upp en fil eller klistra in text, inte båda."))
            return cleaned
        if upload or text:
            field = "boundary_file" if upload else "boundary_text"
            try:
                if upload and upload.size > geography.MAX_BOUNDARY_BYTES:
                    raise geography.BoundaryError(geography._size_message(upload.size))
                self.instance.boundary = geography.parse_boundary(upload.read() if upload else text)
            except geography.BoundaryError as error:
                self.add_error(field, str(error))
        elif cleaned.get("remove_boundary"):
            self.instance.boundary = None
        return cleaned

    def _update_errors(self, errors):
        # Municipality.clean() names the boundary itself, which is no field here: its errors go on the text box.
        if hasattr(errors, "error_dict") and "boundary" in errors.error_dict:
            errors.error_dict.setdefault("boundary_text", []).extend(errors.error_dict.pop("boundary"))
        super()._update_errors(errors)


MAP_FIELDSET = (
    _("Karta för rapporter om otrygga platser"),
    {
        "fields": [
            "boundary_in_force",
            ("map_latitude", "map_longitude"),
            "boundary_file",
            "boundary_text",
            "remove_boundary",
        ],
        "description": _(
            "Kartan i formuläret för otrygga platser öppnas över kommungränsen, och en position utanför gränsen "
            "tas inte emot. Utan uppladdad gräns används SCB:s kommungräns som följer med portalen."
        ),
    },
)


def boundary_summary(municipality):
    """What the admin says about the outline in force: uploaded (its size), SCB's, or none."""
    source = municipality.boundary_source
    if source == "uploaded":
        geometry = municipality.boundary
        parts = 1 if geometry["type"] == "Polygon" else len(geometry["coordinates"])
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        points = sum(len(ring) for polygon in polygons for ring in polygon)
        return _("Uppladdad gräns: %(parts)s delar, %(points)s punkter.") % {"parts": parts, "points": points}
    if source == "scb":
        return _("SCB:s kommungräns (följer med portalen, se docs/kommun-boundaries.md).")
    return _("Ingen gräns: alla positioner i Sverige tas emot för kommunen. Ladda upp en gräns nedan.")
