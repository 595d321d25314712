"""Address search for the report form's map, through a Nominatim-compatible geocoder named by a setting.

Off unless GEOCODER_URL is set (then the form shows no search box and nothing here is ever called). The portal asks
the geocoder itself, on the resident's behalf: the resident's browser talks only to the portal, so their address
and what they typed never reach a third party with their IP address, and the Content-Security-Policy needs no
outside host. Plain urllib with a timeout: one GET, no new dependency.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MAX_RESULTS = 5


class GeocoderError(Exception):
    """The geocoder could not answer; the message is for the resident, in Swedish."""


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float


def enabled():
    return bool(settings.GEOCODER_URL)


def search(query, *, bounds=None):
    """Places matching the query, inside bounds ([[south, west], [north, east]]) when given, best first.

    Raises GeocoderError with a message for the resident when the geocoder is off, slow, down or answers nonsense.
    """
    if not enabled():
        raise GeocoderError(_("Adress-sökning är inte påslagen på den här webbplatsen."))
    parameters = {"q": query, "format": "jsonv2", "limit": MAX_RESULTS, "countrycodes": "se", "accept-language": "sv"}
    if bounds:
        (south, west), (north, east) = bounds
        parameters.update(viewbox=f"{west},{north},{east},{south}", bounded=1)
    separator = "&" if "?" in settings.GEOCODER_URL else "?"
    request = urllib.request.Request(
        settings.GEOCODER_URL + separator + urllib.parse.urlencode(parameters),
        # Nominatim's usage policy asks every application to name itself.
        headers={"User-Agent": settings.GEOCODER_USER_AGENT, "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:
            answer = json.loads(response.read(1_000_000).decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GeocoderError(
            _("Adress-sökningen svarar inte just nu. Klicka på kartan i stället, eller beskriv platsen med ord.")
        ) from error
    except ValueError as error:
        raise GeocoderError(_("Adress-sökningen gav ett svar vi inte förstår. Klicka på kartan i stället.")) from error
    places = []
    for item in answer if isinstance(answer, list) else []:
        try:
            places.append(Place(str(item["display_name"]), float(item["lat"]), float(item["lon"])))
        except (KeyError, TypeError, ValueError):
            continue
    return places[:MAX_RESULTS]
