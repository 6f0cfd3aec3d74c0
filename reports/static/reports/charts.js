// The dashboards' charts (reports/templates/reports/dashboard.html): ECharts renders the data the page embeds
// with json_script. No inline script (the CSP's script-src is 'self'); the tables under each chart carry the
// same figures for screen readers, the chart containers are aria-hidden.
(function () {
  "use strict";
  function bars(rows) {
    return {
      tooltip: {}, grid: { containLabel: true, left: 8, right: 8, bottom: 8 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }],
    };
  }
  function stacked(categories, series, kind) {
    return {
      tooltip: { trigger: "axis" }, legend: { type: "scroll" }, grid: { containLabel: true, left: 8, right: 8, bottom: 8 },
      xAxis: { type: "category", data: categories }, yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.label, type: kind, stack: kind === "bar" ? "all" : undefined, data: s.values }; }),
    };
  }
  var options = {
    by_unit: function (d) { return bars(d.by_unit); },
    by_category: function (d) { return bars(d.by_category); },
    by_state: function (d) { return bars(d.by_state); },
    over_time: function (d) { return stacked(d.over_time.days, d.over_time.series, "bar"); },
    scores: function (d) { return stacked(d.scores.bands, d.scores.series, "bar"); },
    stages: function (d) {
      return bars(d.stages.map(function (r) { return { label: r.label, value: Number(r.days) }; }));
    },
    money: function (d) {
      var rows = d.money.by_unit;
      return {
        tooltip: { trigger: "axis" }, legend: {}, grid: { containLabel: true, left: 8, right: 8, bottom: 8 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) }, yAxis: { type: "value" },
        series: [
          { name: d.labels.investment, type: "bar", data: rows.map(function (r) { return Number(r.investment); }) },
          { name: d.labels.rd, type: "bar", data: rows.map(function (r) { return Number(r.rd); }) },
        ],
      };
    },
  };
  function render() {
    var source = document.getElementById("report-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = options[el.getAttribute("data-chart")];
      if (!build) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
