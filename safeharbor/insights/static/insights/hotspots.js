// Hotspot map: the installation's own area geometry (no tile server), each grid shaded by
// the number of matters received in it; a click opens the matters behind the number.
(function () {
  "use strict";
  var COLORS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];

  function shade(count, max) {
    if (!count) { return "#ffffff"; }
    var step = Math.min(COLORS.length - 1, Math.ceil((count / max) * (COLORS.length - 1)));
    return COLORS[step];
  }

  function draw() {
    var box = document.getElementById("hotspot-map");
    var source = document.getElementById("hotspot-data");
    if (!box || !source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var max = data.max || 1;
    var map = L.map(box, { attributionControl: false, zoomSnap: 0.25 });
    var grids = L.geoJSON(data, {
      filter: function (f) { return f.properties.kind === "grid"; },
      style: function (f) {
        return { color: "#555", weight: 1, fillOpacity: 0.85, fillColor: shade(f.properties.count, max) };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(p.name + ": " + p.count + " " + box.dataset.label, { sticky: true });
        layer.on("click", function () { if (p.url) { window.location.href = p.url; } });
        layer.getElement && layer.on("add", function () {
          var el = layer.getElement();
          if (el) { el.setAttribute("data-grid", p.name); el.setAttribute("data-count", p.count); }
        });
      }
    }).addTo(map);
    var outlines = L.geoJSON(data, {
      filter: function (f) { return f.properties.kind === "outline"; },
      style: { color: "#222", weight: 2.5, fill: false },
      interactive: false
    }).addTo(map);
    var bounds = outlines.getBounds().isValid() ? outlines.getBounds() : grids.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([39.5, 106.7], 11); }
    box.setAttribute("data-ready", "1");
    var legend = document.getElementById("hotspot-legend");
    if (legend) {
      var html = "";
      for (var i = 0; i < COLORS.length; i++) {
        var low = i === 0 ? 0 : Math.floor(((i - 1) / (COLORS.length - 1)) * max) + 1;
        var high = Math.floor((i / (COLORS.length - 1)) * max);
        if (i > 0 && high < low) { continue; }
        html += '<div><span style="background:' + (i === 0 ? "#ffffff" : COLORS[i]) + '"></span>' +
          (i === 0 ? "0" : low + "–" + high) + "</div>";
      }
      legend.innerHTML = html;
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
