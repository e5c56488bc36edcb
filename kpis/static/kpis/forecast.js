// The lead-to-cash forecast chart: one stacked bar per month (pipeline, contracted, invoiced)
// with the total as a line. The figures come from the page (json_script "forecast-data");
// the same numbers are in the table under the chart.
(function () {
  "use strict";
  var canvas = document.getElementById("forecast-chart");
  var source = document.getElementById("forecast-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = { pipeline: "#84caff", contracted: "#2e90fa", invoiced: "#12b76a" };
  var totals = data.labels.map(function (_label, i) {
    return data.series.reduce(function (sum, s) { return sum + Number(s.values[i]); }, 0);
  });
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    style: "currency",
    currency: data.currency,
    maximumFractionDigits: 0,
  });
  var datasets = data.series.map(function (s) {
    return {
      type: "bar",
      label: s.label,
      data: s.values.map(Number),
      backgroundColor: colours[s.key],
      stack: "forecast",
    };
  });
  datasets.push({
    type: "line",
    label: canvas.dataset.totalLabel || "Σ",
    data: totals,
    borderColor: "#101828",
    backgroundColor: "#101828",
    pointRadius: 2,
    tension: 0.2,
  });
  new Chart(canvas, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { callback: function (v) { return format.format(v); } } },
      },
      plugins: {
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format.format(ctx.parsed.y); } } },
        legend: { position: "bottom" },
      },
    },
  });
})();
