/* The map of unsafe places, and the position picker on the report form.

   Both are progressive enhancements: the list next to the map says everything the map shows, and the report form
   works with latitude and longitude typed or left empty (then the description says where the place is). The
   report form's map opens on the chosen kommun, draws its outline and refuses a click outside it, as the server
   does; it follows a change of kommun. Without Leaflet, without this script or without the tile
   server the pages still work; a tile server that does not answer only leaves the map's background empty.

   Data comes from the page, never from inline script: the places and the translated words from json_script tags,
   the tile server and the marker images from data- attributes. */
(function () {
  "use strict";

  if (typeof window.L === "undefined") {
    return;
  }

  // Sweden, for the picker's first view before a kommun has been chosen.
  var SWEDEN_CENTRE = [62.5, 16.5];
  var SWEDEN_ZOOM = 4;
  var PLACE_ZOOM = 15;

  function readJson(id) {
    var element = id && document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function markerIcon(config) {
    // Leaflet guesses its marker images' folder from its stylesheet, which hashed static names defeat.
    return L.icon({
      iconUrl: config.dataset.iconUrl,
      iconRetinaUrl: config.dataset.iconRetinaUrl,
      shadowUrl: config.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
  }

  function createMap(element, config, texts, notice) {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(element, {
      zoomControl: false,
      keyboard: true,
      // Visitors who asked their system for less motion get a map that jumps instead of gliding.
      zoomAnimation: !still,
      fadeAnimation: !still,
      markerZoomAnimation: !still,
      // The page scrolls past the map; wheel zoom and one-finger panning would trap the scroll on the map.
      scrollWheelZoom: false,
      dragging: !L.Browser.mobile,
    });
    L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');

    var tileUrl = config.dataset.tileUrl;
    if (tileUrl) {
      var reported = false;
      L.tileLayer(tileUrl, { attribution: config.dataset.tileAttribution, maxZoom: 19 })
        .on("tileerror", function () {
          // Said once, in text: the markers and the list do not need the background.
          if (!reported && notice) {
            reported = true;
            notice.textContent = texts.tilesFailed;
          }
        })
        .addTo(map);
    }

    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", texts.closePopup);
        close.title = texts.closePopup;
      }
    });
    return map;
  }

  function popupContent(place, texts) {
    var wrapper = document.createElement("div");
    wrapper.className = "place-popup";

    var title = document.createElement("p");
    title.className = "place-popup-title";
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.title;
    title.appendChild(link);
    wrapper.appendChild(title);

    var facts = document.createElement("p");
    facts.textContent = [place.municipality, place.timeOfDay].filter(Boolean).join(" · ");
    wrapper.appendChild(facts);

    var status = document.createElement("p");
    status.textContent = texts.status + ": " + place.status;
    wrapper.appendChild(status);
    return wrapper;
  }

  function addPlaceMarker(map, place, icon, texts) {
    var marker = L.marker([place.lat, place.lng], {
      icon: icon,
      keyboard: true,
      title: place.title,
      alt: place.title + " (" + place.status + ")",
    });
    var openedByKeyboard = false;
    // Registered before bindPopup, so the flag is set by the time Leaflet opens the popup on Enter.
    marker.on("keypress", function (event) {
      if (event.originalEvent.key === "Enter") {
        openedByKeyboard = true;
      }
    });
    marker.bindPopup(function () {
      return popupContent(place, texts);
    });
    marker.on("popupopen", function (event) {
      var element = event.popup.getElement();
      element.addEventListener("keydown", function (keyEvent) {
        if (keyEvent.key === "Escape") {
          marker.closePopup();
        }
      });
      if (openedByKeyboard) {
        openedByKeyboard = false;
        var link = element.querySelector(".place-popup a");
        if (link) {
          link.focus();
        }
      }
    });
    marker.on("popupclose", function (event) {
      // Closed from inside the popup with the keyboard: focus goes back where it came from, not to the page's top.
      var active = document.activeElement;
      var popup = event.popup.getElement();
      if (!active || active === document.body || (popup && popup.contains(active))) {
        var icon = marker.getElement();
        if (icon) {
          icon.focus();
        }
      }
    });
    marker.addTo(map);
    // A role=button answers Space as well as Enter.
    marker.getElement().addEventListener("keydown", function (keyEvent) {
      if (keyEvent.key === " ") {
        keyEvent.preventDefault();
        openedByKeyboard = true;
        marker.openPopup();
      }
    });
    return marker;
  }

  function initPlaceMap(element, texts) {
    var places = readJson(element.dataset.placeMap) || [];
    if (!places.length) {
      return;
    }
    var notice = document.getElementById(element.id + "-notice");
    var map = createMap(element, element, texts, notice);
    var icon = markerIcon(element);
    var bounds = L.latLngBounds(
      places.map(function (place) {
        return [place.lat, place.lng];
      })
    );
    // The view first: Leaflet draws markers (and so creates their elements) only on a map that has one.
    if (places.length === 1) {
      map.setView(bounds.getCenter(), PLACE_ZOOM);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: PLACE_ZOOM });
    }
    places.forEach(function (place) {
      addPlaceMarker(map, place, icon, texts);
    });
  }

  function parseCoordinate(input) {
    var value = parseFloat(String(input.value).trim().replace(",", "."));
    return isFinite(value) ? value : null;
  }

  // Ray casting over a GeoJSON Polygon or MultiPolygon ([lng, lat] pairs): the server checks the same with shapely;
  // this is only the early, friendly answer.
  function inRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function inBoundary(boundary, lat, lng) {
    var polygons = boundary.type === "Polygon" ? [boundary.coordinates] : boundary.coordinates;
    return polygons.some(function (rings) {
      return inRing(rings[0], lng, lat) && !rings.slice(1).some(function (hole) {
        return inRing(hole, lng, lat);
      });
    });
  }

  function initPinMap(config, texts) {
    var latitudeInput = document.getElementById(config.dataset.latitudeInput);
    var longitudeInput = document.getElementById(config.dataset.longitudeInput);
    var kommunInput = document.getElementById(config.dataset.kommunInput);
    var element = document.getElementById("place-pin-map");
    var help = document.getElementById("place-pin-map-help");
    var notice = document.getElementById("place-pin-status");
    if (!latitudeInput || !longitudeInput || !element) {
      return;
    }
    element.hidden = false;
    if (help) {
      help.hidden = false;
    }

    // The background's failure is said apart from the position, so that neither message hides the other.
    var map = createMap(element, config, texts, document.getElementById("place-pin-map-notice"));
    map.setView(SWEDEN_CENTRE, SWEDEN_ZOOM);
    var icon = markerIcon(config);
    var marker = null;
    var kommun = null; // the chosen kommun's outline and words, once fetched
    var outline = null;
    var loading = 0;

    function showPin(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { icon: icon, keyboard: false, interactive: false, alt: texts.pinMarker }).addTo(map);
      }
    }

    function clearPin() {
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
    }

    function outside(lat, lng) {
      return kommun && kommun.boundary && !inBoundary(kommun.boundary, lat, lng);
    }

    function choose(latlng) {
      if (outside(latlng.lat, latlng.lng)) {
        // Refused here as the server would refuse it: nothing is filled in, and the message says what to do.
        notice.textContent = kommun.outsideMessage;
        notice.classList.add("is-refused");
        return false;
      }
      notice.classList.remove("is-refused");
      showPin(latlng);
      latitudeInput.value = latlng.lat.toFixed(6);
      longitudeInput.value = latlng.lng.toFixed(6);
      notice.textContent = format(texts.pinChosen, {
        lat: latlng.lat.toFixed(6).replace(".", ","),
        lng: latlng.lng.toFixed(6).replace(".", ","),
      });
      return true;
    }

    function typedPosition() {
      var lat = parseCoordinate(latitudeInput);
      var lng = parseCoordinate(longitudeInput);
      if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        return [lat, lng];
      }
      return null;
    }

    function followInputs() {
      var position = typedPosition();
      if (position) {
        showPin(position);
        map.setView(position, Math.max(map.getZoom() || 0, PLACE_ZOOM));
      }
    }

    function showKommun(data, changed) {
      kommun = data;
      if (outline) {
        map.removeLayer(outline);
        outline = null;
      }
      if (data.boundary) {
        outline = L.geoJSON(data.boundary, {
          interactive: false,
          style: { color: "#1f4e79", weight: 3, opacity: 0.9, fillColor: "#1f4e79", fillOpacity: 0.04 },
        }).addTo(map);
      }
      var position = typedPosition();
      notice.classList.remove("is-refused");
      if (position && outside(position[0], position[1]) && !changed) {
        // As the page came (typed, or refused by the server): kept and shown beside the kommun, with the reason.
        notice.textContent = data.outsideMessage;
        notice.classList.add("is-refused");
        showPin(position);
        map.fitBounds(L.latLngBounds(data.bounds || [position]).extend(position), { padding: [24, 24] });
        return;
      } else if (position && outside(position[0], position[1])) {
        // The pin belonged to the kommun chosen before: it is taken away rather than sent for the wrong one.
        clearPin();
        latitudeInput.value = "";
        longitudeInput.value = "";
        notice.textContent = format(texts.pinCleared, { kommun: data.name });
        position = null;
      } else {
        notice.textContent = format(texts.mapShows, { kommun: data.name });
      }
      if (position) {
        followInputs();
      } else if (data.bounds) {
        map.fitBounds(data.bounds, { padding: [8, 8] });
      } else if (data.centre) {
        map.setView(data.centre, 10);
      }
    }

    function loadKommun(event) {
      // The select's value is the kommun's number, which the outline's address takes.
      var slug = kommunInput && kommunInput.value;
      var ticket = ++loading;
      if (!slug) {
        kommun = null;
        if (outline) {
          map.removeLayer(outline);
          outline = null;
        }
        if (!typedPosition()) {
          map.setView(SWEDEN_CENTRE, SWEDEN_ZOOM);
        }
        return;
      }
      fetch(config.dataset.boundaryUrl.replace("/0/", "/" + encodeURIComponent(slug) + "/"), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (ticket === loading) {
            showKommun(data, Boolean(event));
          }
        })
        .catch(function () {
          if (ticket === loading) {
            kommun = null;
            notice.textContent = texts.boundaryFailed;
          }
        });
    }

    map.on("click", function (event) {
      choose(event.latlng);
    });
    // Keyboard: arrow keys move the map, Enter chooses its centre.
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === element) {
        event.preventDefault();
        choose(map.getCenter());
      }
    });
    latitudeInput.addEventListener("change", followInputs);
    longitudeInput.addEventListener("change", followInputs);
    if (kommunInput) {
      kommunInput.addEventListener("change", loadKommun);
    }
    followInputs();
    loadKommun();
    initAddressSearch(config, texts, map, choose, function () {
      return kommunInput && kommunInput.value;
    });
  }

  function initAddressSearch(config, texts, map, choose, currentKommun) {
    var url = config.dataset.addressSearchUrl;
    var box = config.querySelector(".place-address-search");
    if (!url || !box) {
      return;
    }
    var input = document.getElementById("place-address-query");
    var button = document.getElementById("place-address-button");
    var message = document.getElementById("place-address-message");
    var results = document.getElementById("place-address-results");
    box.hidden = false;

    function search() {
      var query = input.value.trim();
      results.textContent = "";
      message.textContent = texts.searching;
      var address = url + "?" + new URLSearchParams({ q: query, kommun: currentKommun() || "" }).toString();
      fetch(address, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (data.error) {
            message.textContent = data.error;
            return;
          }
          message.textContent = data.results.length
            ? format(texts.searchResults, { count: data.results.length })
            : data.message;
          data.results.forEach(function (result) {
            var item = document.createElement("li");
            var choice = document.createElement("button");
            choice.type = "button";
            choice.className = "btn btn-link place-address-result";
            choice.textContent = result.name;
            choice.addEventListener("click", function () {
              map.setView([result.lat, result.lng], PLACE_ZOOM);
              choose(L.latLng(result.lat, result.lng));
            });
            item.appendChild(choice);
            results.appendChild(item);
          });
        })
        .catch(function () {
          message.textContent = texts.searchFailed;
        });
    }

    button.addEventListener("click", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter searches; it must not send the whole report.
        event.preventDefault();
        search();
      }
    });
  }

  function start() {
    var texts = readJson("place-map-texts");
    if (!texts) {
      return;
    }
    document.querySelectorAll("[data-place-map]").forEach(function (element) {
      initPlaceMap(element, texts);
    });
    document.querySelectorAll("[data-place-pin-map]").forEach(function (config) {
      initPinMap(config, texts);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
