// The hazard map of one school: the school's area outline, the gate with a 200 m ring, and
// every hazard as a coloured dot (red recurring, orange open, green rectified). Clicking the
// map fills the latitude/longitude fields of the report form. No tiles: works offline.
(function () {
  function init() {
    var el = document.getElementById("hazard-map");
    if (!el || !window.L) return;
    var data = JSON.parse(document.getElementById("hazard-data").textContent);
    var map = L.map(el, {attributionControl: false, zoomSnap: 0.25});
    var gate = data.gate && data.gate.lat !== null ? [data.gate.lat, data.gate.lon] : null;
    // A view first: vector layers need one before they are added.
    if (gate) {
      map.setView(gate, 16);
    } else {
      map.setView([39.5, 106.7], 13);
    }
    if (data.area) {
      var outline = L.geoJSON(data.area, {style: {color: "#0b4f71", weight: 1.5, fillOpacity: 0.04}, interactive: false});
      outline.addTo(map);
      if (!gate && outline.getBounds().isValid()) map.fitBounds(outline.getBounds(), {padding: [10, 10]});
    }
    if (gate) {
      L.circle(gate, {radius: 200, color: "#0b4f71", weight: 1, dashArray: "4 4", fill: false, interactive: false}).addTo(map);
      L.circleMarker(gate, {radius: 9, color: "#0b4f71", fillColor: "#0b4f71", fillOpacity: 1})
        .bindTooltip(data.gateLabel, {permanent: true, direction: "top"}).addTo(map);
    }
    var points = [];
    data.points.forEach(function (p) {
      var color = p.recurring ? "#b3261e" : (p.status === "rectified" ? "#1e6b34" : "#d97706");
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = data.detail.replace(/\/0\/$/, "/" + p.id + "/");
      link.textContent = p.kind;
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(p.label + (p.distance !== null ? " · " + p.distance + " m" : "")));
      L.circleMarker([p.lat, p.lon], {radius: 7, color: color, fillColor: color, fillOpacity: 0.85})
        .bindPopup(popup).addTo(map);
      points.push([p.lat, p.lon]);
    });
    if (gate && points.length) {
      // Show every hazard, but stay close to the gate when they are all near it.
      var bounds = L.latLngBounds(points.concat([gate]));
      map.fitBounds(bounds.pad(0.2), {maxZoom: 17});
    }
    var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    var picked = null;
    map.on("click", function (e) {
      if (!lat || !lon) return;
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      if (picked) picked.setLatLng(e.latlng); else picked = L.circleMarker(e.latlng, {radius: 8, color: "#111", weight: 2, fillOpacity: 0}).addTo(map);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
