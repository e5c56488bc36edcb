// KPI charts: each <canvas data-kpi-chart="id"> is drawn from the JSON the page carries in
// <script id="kpi-chart-data" type="application/json">. The same numbers are in the table
// under each chart (phones, screen readers).
(function () {
  "use strict";
  var source = document.getElementById("kpi-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var palette = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2"];
  charts.forEach(function (spec) {
    var canvas = document.querySelector('canvas[data-kpi-chart="' + spec.id + '"]');
    if (!canvas) return;
    var horizontal = !!spec.horizontal;
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (ds, i) {
          return {
            label: ds.label,
            data: ds.data,
            backgroundColor: palette[i % palette.length],
            borderColor: palette[i % palette.length],
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: spec.datasets.length > 1 } }
      }
    });
  });
})();
