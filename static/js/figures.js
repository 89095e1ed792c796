/* The charts of /tal/ (Chart.js). Each chart's figures come from a json_script element beside
   its canvas: the very rows of the table under it, hidden counts as gaps. The table is the
   accessible version; the canvas carries a text label. Runs again after an htmx swap. */
(function () {
  "use strict";
  var PALETTES = {
    // The screening positions: their colours, and the legend always names them in words.
    positions: ["#2b6b2b", "#b38600", "#a40000"],
    default: ["#0059b3", "#747474", "#00264d", "#b3b3b3"],
  };

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var figures = JSON.parse(source.textContent);
    var colours = PALETTES[figures.palette] || PALETTES.default;
    var stacked = figures.kind === "stacked";
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: figures.kind === "line" ? "line" : "bar",
      data: {
        labels: figures.labels,
        datasets: figures.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.values,
            backgroundColor: colours[index % colours.length],
            borderColor: colours[index % colours.length],
          };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
