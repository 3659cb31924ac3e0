// keguan charts: ECharts from keguan's own static files; data comes from <script type="application/json">.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var blue = "#1d4f91", grey = "#9fb3cc", hl = "#d9822b";
  function trend(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      title: { text: d.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value" },
      series: d.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, smooth: true, connectNulls: false,
                 itemStyle: { color: i === 0 ? blue : grey }, lineStyle: { type: i === 0 ? "solid" : "dashed" } };
      })
    });
    return chart;
  }
  function compare(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      title: { text: d.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 20, top: 40, bottom: 70 },
      xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: 35 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: d.values.map(function (v, i) {
        return { value: v, itemStyle: { color: d.names[i] === d.highlight ? hl : blue } };
      }), label: { show: true, position: "top", fontSize: 10 } }]
    });
    return chart;
  }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data(el.getAttribute("data-source"));
    if (!d) return;
    charts.push(el.getAttribute("data-chart") === "trend" ? trend(el, d) : compare(el, d));
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
