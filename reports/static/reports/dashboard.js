/* Indicator dashboard: per indicator a bar chart over the children of the area (click a bar to
 * drill down), their shares of a count (pie), their ranking for a rate, and a trend line over periods. Data comes from the json_script #indicator-data;
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

  // Shares: each sub-area's part of a count (a pie; click a slice to drill down).
  function shareChart(el, ind) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var rows = ind.children.filter(function (c) { return c.value !== null && c.value > 0; });
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], avoidLabelOverlap: true, label: { fontSize: 10 },
                 data: rows.map(function (c) { return { name: c.name, value: c.value, code: c.code }; }) }]
    });
    chart.on("click", function (params) { if (params.data && params.data.code) { drill(params.data.code); } });
    return chart;
  }

  // Rankings: sub-areas from the highest value to the lowest (horizontal bars, the target marked).
  function rankingChart(el, ind) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var rows = ind.children.filter(function (c) { return c.value !== null; })
      .sort(function (a, b) { return a.value - b.value; });
    var option = {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: rows.map(function (c) { return c.name; }), axisLabel: { fontSize: 10 } },
      series: [{ type: "bar", data: rows.map(function (c) { return c.value; }), itemStyle: { color: "#198754" } }]
    };
    if (ind.target !== null) {
      option.series[0].markLine = { symbol: "none", data: [{ xAxis: ind.target }], lineStyle: { color: "#dc3545" } };
    }
    chart.setOption(option);
    chart.on("click", function (params) { var c = rows[params.dataIndex]; if (c) { drill(c.code); } });
    el.style.height = Math.max(160, 22 * rows.length + 40) + "px";
    chart.resize();
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
    var draw = { trend: trendChart, share: shareChart, ranking: rankingChart }[el.dataset.kind] || childrenChart;
    var chart = draw(el, ind);
    // Marked ready once drawn (animations included), so a click lands on the final bars.
    chart.on("finished", function () { el.dataset.ready = "1"; });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
