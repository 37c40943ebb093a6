/* Appeals intake pages: a pin on a Leaflet map over the territory's grid and community boundaries
 * (GeoJSON, no tiles unless the deployment sets a tile URL), "use my location", and the hidden
 * lat/lng fields the server reads. No inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";
  var el = document.querySelector("[data-jc-appeal-map]");
  var form = document.querySelector("[data-jc-appeal-form]");
  if (!form) { return; }
  var lat = form.querySelector("input[name=lat]");
  var lng = form.querySelector("input[name=lng]");
  var status = document.getElementById("appeal-pin-status");
  var clearBtn = form.querySelector("[data-jc-appeal-clear]");
  var locateBtn = form.querySelector("[data-jc-appeal-locate]");
  var map = null, marker = null;

  function say(text) { if (status) { status.textContent = text; } }
  function setPin(la, ln, pan) {
    lat.value = la.toFixed(6);
    lng.value = ln.toFixed(6);
    if (map) {
      if (marker) { marker.setLatLng([la, ln]); } else {
        marker = L.circleMarker([la, ln], { radius: 10, color: "#a11218", weight: 3, fillColor: "#f2c744", fillOpacity: 0.9 }).addTo(map);
      }
      if (pan) { map.setView([la, ln], Math.max(map.getZoom(), 16)); }
    }
    if (status) {
      say((status.getAttribute("data-jc-chosen") || "").replace("%(lat)s", lat.value).replace("%(lng)s", lng.value));
    }
    if (clearBtn) { clearBtn.hidden = false; }
  }
  if (clearBtn) {
    clearBtn.addEventListener("click", function () {
      lat.value = ""; lng.value = "";
      if (marker && map) { map.removeLayer(marker); marker = null; }
      clearBtn.hidden = true;
      say(status ? status.getAttribute("data-jc-none") || "" : "");
    });
  }
  if (locateBtn) {
    if (!navigator.geolocation) { locateBtn.hidden = true; } else {
      locateBtn.addEventListener("click", function () {
        say(locateBtn.getAttribute("data-jc-locating") || "");
        navigator.geolocation.getCurrentPosition(function (pos) {
          setPin(pos.coords.latitude, pos.coords.longitude, true);
        }, function () { say(locateBtn.getAttribute("data-jc-denied") || ""); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
  }
  if (!el || !window.L) { return; }
  var tileUrl = el.getAttribute("data-tile-url") || "";
  map = L.map(el, { attributionControl: !!tileUrl, zoomSnap: 0.25, scrollWheelZoom: false });
  if (tileUrl) { L.tileLayer(tileUrl, { attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map); }
  map.setView([39.9, 116.4], 11);
  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng, false); });
  fetch(el.getAttribute("data-jc-appeal-map"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          var grid = f.properties && f.properties.level === "grid";
          return { color: "#a11218", weight: grid ? 1 : 2, fillColor: "#c8161d", fillOpacity: grid ? 0.06 : 0.03 };
        },
        onEachFeature: function (f, lyr) {
          if (f.properties && f.properties.name) { lyr.bindTooltip(String(f.properties.name), { sticky: true }); }
          lyr.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng, false); });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (lat.value && lng.value) {
        setPin(parseFloat(lat.value), parseFloat(lng.value), true);
      } else if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [8, 8], maxZoom: 17 });
      }
    }).catch(function () { /* the community list below still works */ });
  window.addEventListener("resize", function () { map.invalidateSize(); });
})();
