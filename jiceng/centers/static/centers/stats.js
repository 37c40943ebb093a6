/* Center statistics: draws the charts whose data the page put in a json_script block. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  var FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";
  function bars(el, rows, name, value, color) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var labels = rows.map(function (r) { return r.label; }).reverse();
    chart.setOption({
      textStyle: { fontFamily: FONT }, tooltip: { trigger: "axis" },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels },
      series: [{ type: "bar", name: name, itemStyle: { color: color }, label: { show: true, position: "right" },
        data: rows.map(function (r) { return r[value]; }).reverse() }]
    });
    return chart;
  }
  ready(function () {
    var source = document.getElementById("jc-center-stats");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var drawn = [];
    var specs = [["rooms-rate", data.rooms, data.labels.rate, "rate", "#c8161d"],
                 ["rooms-count", data.rooms, data.labels.reservations, "count", "#a11218"],
                 ["purpose", data.purpose, data.labels.reservations, "count", "#b8860b"],
                 ["categories", data.categories, data.labels.count, "count", "#c8161d"],
                 ["departments", data.departments, data.labels.count, "count", "#6c757d"]];
    specs.forEach(function (s) {
      var el = document.getElementById("chart-" + s[0]);
      if (el && s[1].length) { drawn.push(bars(el, s[1], s[2], s[3], s[4])); }
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  });
})();
