/* 党费收缴率: a horizontal bar per branch from the json_script block; a click opens the branch's ledger. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var source = document.getElementById("dues-rates-data");
    var el = document.getElementById("dues-rates-chart");
    if (!source || !el || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    el.style.height = Math.max(160, data.rows.length * 32 + 60) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + data.unit; } },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      xAxis: { type: "value", max: 100, name: data.unit },
      yAxis: { type: "category", inverse: true, data: data.rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", itemStyle: { color: "#c8161d" }, label: { show: true, position: "right", formatter: "{c}%" },
        data: data.rows.map(function (r) { return r.value; }) }]
    });
    chart.on("click", function (p) {
      var row = data.rows[p.dataIndex];
      if (row) { window.location.href = "/dues/branch/" + row.id + "/"; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
