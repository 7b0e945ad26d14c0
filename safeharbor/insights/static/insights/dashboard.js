// The dashboard charts, drawn with the vendored ECharts (static/insights/vendor/echarts) from
// the JSON the server put on the page (json_script "insights-charts"): no inline script, no
// eval (the site's Content-Security-Policy allows neither). Each bar opens the matters behind
// it, like the numbers of the figures table. Large type for projectors; the charts follow the
// width of the page (phones) and are redrawn when it changes.
(function () {
  "use strict";

  function textColor() {
    var color = window.getComputedStyle(document.body).color;
    return color || "#333";
  }

  function shorten(label, max) {
    return label.length > max ? label.slice(0, max - 1) + "…" : label;
  }

  function narrow(box) {
    return box.clientWidth < 520;
  }

  function barOption(spec, box, unit) {
    // Horizontal bars, largest first from the top: category labels stay readable in Chinese.
    var labels = spec.labels.slice().reverse();
    var values = spec.values.slice().reverse();
    var small = narrow(box);
    var font = small ? 13 : 15;
    return {
      animation: false,
      color: [spec.color],
      grid: { left: 8, right: small ? 48 : 64, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " " + unit; } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: textColor(), fontSize: font - 2 },
               splitLine: { lineStyle: { opacity: 0.3 } } },
      yAxis: { type: "category", data: labels,
               axisLabel: { color: textColor(), fontSize: font, formatter: function (v) {
                 return shorten(v, small ? 7 : 12); } } },
      series: [{ type: "bar", data: values, barMaxWidth: 28, cursor: "pointer",
                 label: { show: true, position: "right", color: textColor(), fontSize: font,
                          formatter: function (p) { return p.value.toLocaleString("zh-CN"); } } }]
    };
  }

  function columnOption(spec, box, unit) {
    var small = narrow(box);
    var font = small ? 12 : 15;
    return {
      animation: false,
      color: [spec.color],
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " " + unit; } },
      xAxis: { type: "category", data: spec.labels,
               axisLabel: { color: textColor(), fontSize: font, interval: small ? 1 : 0,
                            formatter: function (v) { return small ? v.slice(5) : v; } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: textColor(), fontSize: font - 2 },
               splitLine: { lineStyle: { opacity: 0.3 } } },
      series: [{ type: "bar", data: spec.values, barMaxWidth: 40, cursor: "pointer",
                 label: { show: !small, position: "top", color: textColor(), fontSize: font - 1 } }]
    };
  }

  function draw(spec, unit, charts) {
    var box = document.getElementById("echart-" + spec.key);
    if (!box) { return; }
    box.style.height = (parseInt(box.getAttribute("data-height"), 10) || 300) + "px";
    var chart = window.echarts.init(box, null, { renderer: "svg", locale: "ZH" });
    var build = spec.kind === "column" ? columnOption : barOption;
    chart.setOption(build(spec, box, unit));
    chart.on("click", function (params) {
      var index = spec.kind === "column" ? params.dataIndex : spec.labels.length - 1 - params.dataIndex;
      var url = spec.urls[index];
      if (url) { window.location.href = url; }
    });
    box.setAttribute("data-ready", "1");
    charts.push({ chart: chart, spec: spec, box: box, build: build });
  }

  function start() {
    var source = document.getElementById("insights-charts");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    draw(data.trend, data.tooltip, charts);
    data.charts.forEach(function (spec) { draw(spec, data.tooltip, charts); });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) {
          c.chart.resize();
          c.chart.setOption(c.build(c.spec, c.box, data.tooltip));
        });
      }, 150);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
