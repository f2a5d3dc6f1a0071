/* Indicator dashboard: one bar chart over the children of the area per indicator (click a bar to
 * drill down) and a trend line over periods. Data comes from the json_script #indicator-data;
 * CSP forbids inline scripts, hence this file. */
(function () {
  "use strict";
  var source = document.getElementById("indicator-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var byCode = {};
  data.indicators.forEach(function (ind) { byCode[ind.code] = ind; });
  var unitSuffix = { percent: "%", permille: "‰" };
  var charts = [];

  function drill(code) {
    var params = new URLSearchParams({ area: code, period: data.period });
    window.location.href = data.url + "?" + params.toString();
  }

  function childrenChart(el, ind) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option = {
      grid: { left: 48, right: 12, top: 16, bottom: 56 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + (unitSuffix[ind.unit] || ""); } },
      xAxis: { type: "category", data: ind.children.map(function (c) { return c.name; }),
               axisLabel: { rotate: 35, fontSize: 10, interval: 0 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: ind.children.map(function (c) { return c.value; }), itemStyle: { color: "#0d6efd" } }]
    };
    if (ind.target !== null) {
      option.series[0].markLine = { symbol: "none", data: [{ yAxis: ind.target }], lineStyle: { color: "#dc3545" } };
    }
    chart.setOption(option);
    chart.on("click", function (params) {
      var child = ind.children[params.dataIndex];
      if (child) { drill(child.code); }
    });
    return chart;
  }

  function trendChart(el, ind) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 48, right: 12, top: 16, bottom: 24 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: ind.trend.map(function (t) { return t.period; }) },
      yAxis: { type: "value" },
      series: [{ type: "line", data: ind.trend.map(function (t) { return t.value; }) }]
    });
    return chart;
  }

  document.querySelectorAll(".indicator-chart").forEach(function (el) {
    var ind = byCode[el.dataset.code];
    if (!ind) { return; }
    el.style.height = "220px";
    var chart = el.dataset.kind === "trend" ? trendChart(el, ind) : childrenChart(el, ind);
    // Marked ready once drawn (animations included), so a click lands on the final bars.
    chart.on("finished", function () { el.dataset.ready = "1"; });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
