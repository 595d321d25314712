/* The map of unsafe places, and the position picker on the report form.

   Both are progressive enhancements: the list next to the map says everything the map shows, and the report form
   works with latitude and longitude typed or left empty. Without Leaflet, without this script or without the tile
   server the pages still work; a tile server that does not answer only leaves the map's background empty.

   Data comes from the page, never from inline script: the places and the translated words from json_script tags,
   the tile server and the marker images from data- attributes. */
(function () {
  "use strict";

  if (typeof window.L === "undefined") {
    return;
  }

  // Sweden, for the picker's first view when no position has been given yet.
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

  function initPinMap(config, texts) {
    var latitudeInput = document.getElementById(config.dataset.latitudeInput);
    var longitudeInput = document.getElementById(config.dataset.longitudeInput);
    if (!latitudeInput || !longitudeInput) {
      return;
    }
    var anchor = latitudeInput.closest(".place-coordinates") || config;

    var wrapper = document.createElement("div");
    wrapper.className = "place-pin";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-primary";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "place-pin-map");
    button.textContent = texts.showPinMap;
    var help = document.createElement("p");
    help.className = "place-pin-help";
    help.id = "place-pin-map-help";
    help.textContent = texts.pinMapHelp;
    help.hidden = true;
    var element = document.createElement("div");
    element.id = "place-pin-map";
    element.className = "place-map place-map-small";
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", texts.pinMapLabel);
    element.setAttribute("aria-describedby", help.id);
    element.hidden = true;
    var notice = document.createElement("p");
    notice.className = "place-map-notice";
    notice.setAttribute("role", "status");
    wrapper.append(button, help, element, notice);
    anchor.parentNode.insertBefore(wrapper, anchor);

    var map = null;
    var marker = null;
    var icon = markerIcon(config);

    function showPin(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { icon: icon, keyboard: false, interactive: false, alt: texts.pinMarker }).addTo(map);
      }
    }

    function choose(latlng) {
      showPin(latlng);
      latitudeInput.value = latlng.lat.toFixed(6);
      longitudeInput.value = latlng.lng.toFixed(6);
      notice.textContent = format(texts.pinChosen, {
        lat: latlng.lat.toFixed(6).replace(".", ","),
        lng: latlng.lng.toFixed(6).replace(".", ","),
      });
    }

    function followInputs() {
      var lat = parseCoordinate(latitudeInput);
      var lng = parseCoordinate(longitudeInput);
      if (map && lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        showPin([lat, lng]);
        map.setView([lat, lng], Math.max(map.getZoom() || 0, PLACE_ZOOM));
        return true;
      }
      return false;
    }

    button.addEventListener("click", function () {
      var opening = element.hidden;
      element.hidden = !opening;
      help.hidden = !opening;
      button.setAttribute("aria-expanded", String(opening));
      button.textContent = opening ? texts.hidePinMap : texts.showPinMap;
      if (!opening) {
        return;
      }
      if (map) {
        map.invalidateSize();
        return;
      }
      map = createMap(element, config, texts, notice);
      map.setView(SWEDEN_CENTRE, SWEDEN_ZOOM);
      followInputs();
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
    });
    latitudeInput.addEventListener("change", followInputs);
    longitudeInput.addEventListener("change", followInputs);
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
