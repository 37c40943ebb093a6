/* 预约统计: bookings and visits per week (bars) and the no-show rate (line), from a json_script block. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var source = document.getElementById("jc-booking-stats");
    var el = document.getElementById("jc-booking-chart");
    if (!source || !el || !window.echarts) { return; }
    var d = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 32, bottom: 48, containLabel: true },
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      xAxis: { type: "category", data: d.weeks },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { type: "bar", name: d.labels.bookings, data: d.bookings, itemStyle: { color: "#c8161d" } },
        { type: "bar", name: d.labels.visits, data: d.visits, itemStyle: { color: "#b8860b" } },
        { type: "line", name: d.labels.rate, yAxisIndex: 1, data: d.no_show_rate, itemStyle: { color: "#555" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
