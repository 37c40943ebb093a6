/* Three rates and rankings: draws the charts and the community map whose data the page put in
 * json_script blocks (ECharts, and Leaflet over a plain background: no internet tiles). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  var FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";
  var COLORS = ["#c8161d", "#b8860b", "#2e7d32", "#1565c0", "#6a1b9a", "#00838f", "#6c757d", "#ef6c00", "#8d6e63"];
  var drawn = [];

  function init(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    drawn.push(chart);
    return chart;
  }

  function bars(id, rows, name) {
    var chart = init(id);
    if (!chart || !rows.length) { return; }
    var ordered = rows.slice().reverse();
    chart.setOption({
      textStyle: { fontFamily: FONT }, tooltip: { trigger: "axis" },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: ordered.map(function (r) { return r.label; }) },
      series: [{ type: "bar", name: name, itemStyle: { color: "#c8161d" }, label: { show: true, position: "right" },
        data: ordered.map(function (r) { return r.score; }) }]
    });
  }

  function trend(data) {
    var chart = init("chart-trend");
    if (!chart) { return; }
    var keys = ["response", "solution", "satisfaction", "on_time", "score"];
    chart.setOption({
      color: COLORS, textStyle: { fontFamily: FONT }, tooltip: { trigger: "axis" },
      legend: { top: 0 }, grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.map(function (r) { return r.period; }) },
      yAxis: { type: "value", min: 0, max: 100 },
      series: keys.map(function (k) {
        return { type: "line", name: data.labels[k], connectNulls: false,
                 data: data.trend.map(function (r) { return r[k]; }) };
      })
    });
  }

  function share(rows) {
    var chart = init("chart-share");
    if (!chart || !rows.length) { return; }
    chart.setOption({
      color: COLORS, textStyle: { fontFamily: FONT }, tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: rows.map(function (r) { return { name: r.label, value: r.count }; }) }]
    });
  }

  function colour(score) {
    if (score === null || score === undefined) { return "#bdbdbd"; }
    if (score >= 90) { return "#2e7d32"; }
    if (score >= 75) { return "#f9a825"; }
    if (score >= 60) { return "#ef6c00"; }
    return "#c62828";
  }

  function map(data) {
    var el = document.getElementById("rates-map");
    if (!el || !window.L || !data.map.features.length) { return; }
    var m = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    var layer = L.geoJSON(data.map, {
      style: function (f) {
        return { color: "#555", weight: 1, fillColor: colour(f.properties.score), fillOpacity: 0.7 };
      },
      onEachFeature: function (f, lyr) {
        var s = f.properties.score;
        lyr.bindTooltip(f.properties.name + "：" + (s === null ? data.labels.none : s), { sticky: true });
      }
    }).addTo(m);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { m.fitBounds(bounds, { padding: [8, 8] }); } else { m.setView([39.9, 116.4], 11); }
    window.addEventListener("resize", function () { m.invalidateSize(); });
  }

  ready(function () {
    var source = document.getElementById("jc-appeal-rates");
    if (source) {
      var data = JSON.parse(source.textContent);
      trend(data);
      bars("chart-bars", data.bars.map(function (r) { return { label: r.label, score: r.score }; }), data.labels.score);
      share(data.share);
      map(data);
    }
    var ranking = document.getElementById("jc-ranking-chart");
    if (ranking) { bars("chart-ranking", JSON.parse(ranking.textContent), ""); }
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  });
})();
