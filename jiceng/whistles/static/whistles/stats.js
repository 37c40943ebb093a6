/* Department statistics: a bar chart of the report-in and on-time rates (data in json_script). */
(function () {
  "use strict";
  var source = document.getElementById("jc-whistle-stats");
  var el = document.getElementById("chart-whistle-rates");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { return; }
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.labels.slice().reverse() },
    series: [
      { type: "bar", name: data.names.report_rate, itemStyle: { color: "#c8161d" }, label: { show: true, position: "right" },
        data: data.report_rate.slice().reverse() },
      { type: "bar", name: data.names.on_time_rate, itemStyle: { color: "#6c757d" }, label: { show: true, position: "right" },
        data: data.on_time_rate.slice().reverse() }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
