/* Public pages: the district map (Leaflet, no tile server), picking a point, the phone's
   position, character counters, photo checks before upload. Everything degrades: without
   JavaScript the forms still work and the server checks everything again. */
(function () {
  "use strict";

  // --- the map ------------------------------------------------------------------------------
  function pointInRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / ((yj - yi) || 1e-12) + xi) inside = !inside;
    }
    return inside;
  }

  function inGeometry(geometry, lat, lon) {
    if (!geometry) return false;
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polygons.some(function (polygon) {
      return polygon.length && pointInRing(lon, lat, polygon[0]) &&
        !polygon.slice(1).some(function (hole) { return pointInRing(lon, lat, hole); });
    });
  }

  var STYLES = {
    1: {color: "#0b4f71", weight: 3, fillColor: "#ffffff", fillOpacity: 0.7},
    2: {color: "#0b4f71", weight: 1.5, fillOpacity: 0, dashArray: null},
    3: {color: "#7a98ab", weight: 0.8, fillOpacity: 0, dashArray: "3 3"}
  };

  // "五虎山街道" as 五虎山 / 街道 on two lines: strips on a phone are narrow.
  var SUFFIXES = ["街道", "社区", "镇", "村", "乡"];
  function label(name) {
    var box = document.createElement("span");
    var suffix = SUFFIXES.filter(function (s) { return name.length > s.length + 1 && name.slice(-s.length) === s; })[0];
    box.appendChild(document.createTextNode(suffix ? name.slice(0, -suffix.length) : name));
    if (suffix) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(suffix));
    }
    return box;
  }

  function initMap(el) {
    if (!window.L) return;
    var text = el.dataset;
    var map = L.map(el, {attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false});
    map.setView([39.5, 106.7], 11);
    var outline = [];  // the top-level areas: a picked point must be inside one of them
    var status = text.status ? document.getElementById(text.status) : null;
    function say(message, bad) {
      if (!status) return;
      status.textContent = message;
      status.classList.toggle("bad", !!bad);
    }

    fetch(text.areas, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var minDepth = Math.min.apply(null, data.features.map(function (f) { return f.properties.depth; }));
      var layer = L.geoJSON(data, {
        style: function (f) { return STYLES[f.properties.depth - minDepth + 1] || STYLES[3]; },
        interactive: false,
        onEachFeature: function (f, l) {
          if (f.properties.depth === minDepth) outline.push(f.geometry);
          if (f.properties.depth === minDepth + 1) {
            l.bindTooltip(label(f.properties.name), {permanent: true, direction: "center", className: "area-label"});
          } else if (f.properties.depth === minDepth + 2) {
            l.bindTooltip(label(f.properties.name), {permanent: true, direction: "center", className: "area-label detail"});
          }
        }
      }).addTo(map);
      layer.bringToBack();  // under the harbors' dots and the chosen point
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), {padding: [8, 8]});
      var outlineZoom = map.getZoom();
      function detail() {  // community names only once zoomed in, or they pile up
        var zoomedIn = map.getZoom() >= outlineZoom + 1.5;
        el.classList.toggle("zoomed-in", zoomedIn);
        el.classList.toggle("zoomed-out", !zoomedIn);
      }
      map.on("zoomend", detail);
      detail();
      if (picker) picker.restore();
    }).catch(function () { say(text.noMap || "", true); });

    // Harbors as markers with popups (no image icons: hashed static names break them).
    var points = text.points ? JSON.parse(document.getElementById(text.points).textContent) : [];
    points.forEach(function (p) {
      var popup = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = p.name;
      popup.appendChild(name);
      [p.domain, p.address, p.hours].forEach(function (line) {
        if (!line) return;
        popup.appendChild(document.createTextNode(line));
        popup.appendChild(document.createElement("br"));
      });
      if (p.phone) {
        var tel = document.createElement("a");
        tel.href = "tel:" + p.phone.replace(/[^\d+]/g, "");
        tel.textContent = p.phone;
        tel.className = "tel";
        popup.appendChild(tel);
        popup.appendChild(document.createElement("br"));
      }
      if (p.report) {
        var link = document.createElement("a");
        link.href = p.report;
        link.textContent = text.reportHere || "";
        popup.appendChild(link);
      }
      L.circleMarker([p.lat, p.lon], {radius: 9, color: "#fff", weight: 2, fillColor: "#d9480f", fillOpacity: 1})
        .bindPopup(popup).addTo(map);
    });

    var picker = null;
    if (text.pick) picker = makePicker(map, text, outline, say);
  }

  function makePicker(map, text, outline, say) {
    var latInput = document.getElementById(text.latInput);
    var lonInput = document.getElementById(text.lonInput);
    var marker = null;
    var clearButton = document.getElementById(text.clear);
    function inside(lat, lon) {
      return !outline.length || outline.some(function (g) { return inGeometry(g, lat, lon); });
    }
    function set(lat, lon, zoom) {
      if (!inside(lat, lon)) {
        say(text.outside, true);
        return false;
      }
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      if (marker) marker.setLatLng([lat, lon]);
      else marker = L.circleMarker([lat, lon], {radius: 10, color: "#fff", weight: 3, fillColor: "#0b4f71", fillOpacity: 1}).addTo(map);
      if (zoom) map.setView([lat, lon], Math.max(map.getZoom(), 13));
      say(text.picked);
      if (clearButton) clearButton.hidden = false;
      return true;
    }
    function clear() {
      latInput.value = lonInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      say(text.hint);
      if (clearButton) clearButton.hidden = true;
    }
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    if (clearButton) clearButton.addEventListener("click", clear);

    var locate = document.getElementById(text.locate);
    if (locate) {
      if (!("geolocation" in navigator) || !window.isSecureContext) {
        locate.hidden = true;  // browsers give the position only over HTTPS or on localhost
      } else {
        locate.addEventListener("click", function () {
          say(text.locating);
          locate.setAttribute("aria-busy", "true");
          navigator.geolocation.getCurrentPosition(function (pos) {
            locate.removeAttribute("aria-busy");
            if (!set(pos.coords.latitude, pos.coords.longitude, true)) say(text.youOutside, true);
          }, function () {
            locate.removeAttribute("aria-busy");
            say(text.noPosition, true);
          }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
        });
      }
    }
    return {
      restore: function () {
        var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
        if (!isNaN(lat) && !isNaN(lon)) {
          if (marker) map.removeLayer(marker);
          marker = L.circleMarker([lat, lon], {radius: 10, color: "#fff", weight: 3, fillColor: "#0b4f71", fillOpacity: 1}).addTo(map);
          if (clearButton) clearButton.hidden = false;
        }
      }
    };
  }

  // --- forms ----------------------------------------------------------------------------------
  function counters() {
    document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var max = parseInt(area.dataset.counter, 10);
      var out = document.createElement("small");
      out.className = "counter";
      out.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", out);
      function update() {
        var n = area.value.length;
        out.textContent = n + " / " + max;
        out.classList.toggle("over", n > max);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  function photoChecks() {
    document.querySelectorAll("input[type=file][data-max]").forEach(function (input) {
      var max = parseInt(input.dataset.max, 10);
      var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
      var out = document.getElementById(input.dataset.status);
      input.addEventListener("change", function () {
        var problem = "";
        var files = Array.prototype.slice.call(input.files || []);
        if (files.length > max) problem = input.dataset.tooMany;
        files.forEach(function (f) {
          if (!problem && maxBytes && f.size > maxBytes) problem = input.dataset.tooLarge.replace("{name}", f.name);
          if (!problem && f.type && f.type.indexOf("image/") !== 0) problem = input.dataset.notPhoto.replace("{name}", f.name);
        });
        input.setCustomValidity(problem);
        input.setAttribute("aria-invalid", problem ? "true" : "false");
        if (out) {
          out.textContent = problem || files.map(function (f) { return f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)"; }).join("、");
          out.classList.toggle("bad", !!problem);
        }
      });
    });
  }

  function anonymousToggle() {
    var radios = document.querySelectorAll("input[name=identity]");
    var nameBox = document.getElementById("name-box");
    if (!radios.length || !nameBox) return;
    function update() {
      var anonymous = document.querySelector("input[name=identity]:checked");
      nameBox.hidden = !!anonymous && anonymous.value === "anonymous";
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  function nearMe() {
    var button = document.getElementById("near-me");
    if (!button) return;
    if (!("geolocation" in navigator) || !window.isSecureContext) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      button.setAttribute("aria-busy", "true");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var url = new URL(window.location.href);
        url.searchParams.set("lat", pos.coords.latitude.toFixed(5));
        url.searchParams.set("lon", pos.coords.longitude.toFixed(5));
        window.location.href = url.toString();
      }, function () {
        button.removeAttribute("aria-busy");
        var out = document.getElementById(button.dataset.status);
        if (out) out.textContent = button.dataset.failed;
      }, {timeout: 15000, maximumAge: 300000});
    });
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(initMap);
    counters();
    photoChecks();
    anonymousToggle();
    nearMe();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
