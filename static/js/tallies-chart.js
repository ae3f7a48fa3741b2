// Draws the calls-per-day chart from the JSON the dashboard embeds; the table stays for screen readers and no-JS.
(function () {
  var source = document.getElementById("tally-chart-data");
  var canvas = document.getElementById("tally-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{
      label: data.series_label || "Calls",
      data: data.counts,
      // Call days stand out in orange; the "Call days" table below the chart gives their totals.
      backgroundColor: (data.call_days || []).map(function (called) { return called ? "#d9480f" : "#0b5cad"; })
    }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
