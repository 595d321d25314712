/* The place review map in the admin: the place's point and its kommun's outline.

   Data from the page, never inline script (CSP): the point and the outline from a json_script tag, the tiles and
   the marker images from data- attributes. Without Leaflet or this script the page still says in words whether
   the point lies in the kommun. Typing new coordinates moves the marker, so the coordinator sees the correction
   before saving. */
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function number(input) {
    if (!input || !input.value) {
      return null;
    }
    var value = parseFloat(input.value.replace(",", ".").trim());
    return isFinite(value) ? value : null;
  }

  function start() {
    var element = document.getElementById("place-review-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var data = readJson("place-review-data") || {};
    var texts = readJson("place-review-texts") || {};
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false, keyboard: true });
    L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    }
    var bounds = null;
    if (data.outline) {
      var outline = L.geoJSON(data.outline, {
        style: { color: "#1f5f8b", weight: 2, fillOpacity: 0.08 },
      }).addTo(map);
      outline.bindTooltip(texts.outline + ": " + data.kommun);
      bounds = outline.getBounds();
    }
    var icon = L.icon({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      shadowSize: [41, 41],
    });
    var marker = null;
    function place(point) {
      if (!point) {
        return;
      }
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.marker(point, { icon: icon, alt: texts.point, keyboard: false }).addTo(map);
      }
    }
    place(data.point);
    if (data.point) {
      // Both the kommun and the point in view: a point far outside shows how far.
      bounds = bounds ? bounds.extend(data.point) : L.latLngBounds([data.point, data.point]);
    }
    if (bounds) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    } else {
      map.setView([62.5, 16.5], 4);
    }

    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    function moved() {
      var lat = number(latitude);
      var lon = number(longitude);
      if (lat !== null && lon !== null) {
        place([lat, lon]);
      }
    }
    [latitude, longitude].forEach(function (input) {
      if (input) {
        input.addEventListener("change", moved);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
