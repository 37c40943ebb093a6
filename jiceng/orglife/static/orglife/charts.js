/* Orglife charts: horizontal bars of rates (达标率, 学习完成率) from a json_script block, with the goal line. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var source = document.getElementById("jc-orglife-chart");
    var el = document.getElementById("jc-orglife-chart-box");
    if (!source || !el || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    el.style.height = Math.max(240, 28 * data.labels.length + 80) + "px";
    var series = { type: "bar", itemStyle: { color: "#c8161d" }, label: { show: true, position: "right", formatter: "{c}%" },
      data: data.values };
    if (data.goal) {
      series.markLine = { symbol: "none", lineStyle: { color: "#b8860b", type: "dashed" },
        label: { formatter: data.goal_label }, data: [{ xAxis: data.goal }] };
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 48, top: 40, bottom: 24, containLabel: true },
      xAxis: { type: "value", max: 100, name: data.unit },
      yAxis: { type: "category", inverse: true, data: data.labels },
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      series: [series]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
