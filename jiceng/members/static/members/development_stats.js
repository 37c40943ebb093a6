/* 发展党员统计: draws the charts whose data the page put in a json_script block (no inline scripts). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var source = document.getElementById("jc-dev-stats");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var drawn = [];
    data.charts.forEach(function (chart) {
      var el = document.getElementById("chart-" + chart.id);
      if (!el) { return; }
      var labels = chart.rows.map(function (r) { return r.label; });
      var option = {
        tooltip: { trigger: chart.kind === "pie" ? "item" : "axis" },
        grid: { left: 48, right: 16, top: 32, bottom: 48, containLabel: true },
        textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" }
      };
      if (chart.kind === "pie") {
        option.legend = { bottom: 0 };
        option.series = [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}：{c}" + data.unit },
          data: chart.rows.map(function (r) { return { name: r.label, value: r.count }; }) }];
      } else {
        option.xAxis = { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } };
        option.yAxis = { type: "value", name: data.unit, minInterval: 1 };
        option.series = [{ type: "bar", name: chart.id === "by_year" ? data.applied : "", itemStyle: { color: "#c8161d" },
          label: { show: true, position: "top" }, data: chart.rows.map(function (r) { return r.count; }) }];
        if (chart.id === "by_year") {
          option.legend = { bottom: 0 };
          option.series.push({ type: "bar", name: data.admitted, itemStyle: { color: "#b8860b" },
            label: { show: true, position: "top" }, data: chart.rows.map(function (r) { return r.admitted || 0; }) });
        }
      }
      var instance = window.echarts.init(el, null, { renderer: "svg" });
      instance.setOption(option);
      drawn.push(instance);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  });
})();
