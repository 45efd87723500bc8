/**
 * The report page's own script (plain browser JavaScript, runs after chart.js's UMD bundle): reads the
 * charts from the `<script type="application/json" id="xbar-charts">` element, hides band edges and
 * CI segments from the legends, labels logarithmic axes at 1, 2 and 5 per decade (only 1 when the
 * axis spans more than four decades) in short scientific notation, and draws each chart on its canvas. Sets `data-charts="ready"` on
 * `<body>` when every chart is drawn (or `data-charts="failed"` and shows the error in the page).
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  function logTick(value, index, ticks) {
    if (!(value > 0)) return '';
    var exponent = Math.floor(Math.log10(value) + 1e-9);
    var mantissa = Math.round((value / Math.pow(10, exponent)) * 1e6) / 1e6;
    var decades = Math.log10(ticks[ticks.length - 1].value / ticks[0].value);
    var shown = decades > 4 ? [1] : [1, 2, 5];
    if (shown.indexOf(mantissa) < 0) return '';
    if (exponent >= -2 && exponent <= 3) return String(Number(value.toPrecision(6)));
    return (mantissa === 1 ? '' : mantissa + '×') + '1e' + exponent;
  }
  try {
    var charts = JSON.parse(document.getElementById('xbar-charts').textContent);
    charts.forEach(function (chart) {
      var hidden = chart.legendHidden;
      var config = chart.config;
      config.options.plugins.legend.labels = {
        filter: function (item) { return hidden.indexOf(item.datasetIndex) < 0; }
      };
      Object.keys(config.options.scales || {}).forEach(function (key) {
        var scale = config.options.scales[key];
        if (scale.type !== 'logarithmic') return;
        scale.ticks = { callback: logTick, autoSkip: false, maxRotation: 0 };
        scale.grid = { color: function (context) { return context.tick && context.tick.label ? 'rgba(0,0,0,0.12)' : 'rgba(0,0,0,0.035)'; } };
      });
      new Chart(document.getElementById(chart.id), config);
    });
    document.body.setAttribute('data-charts', 'ready');
  } catch (error) {
    document.body.setAttribute('data-charts', 'failed');
    var box = document.createElement('p');
    box.className = 'error';
    box.textContent = 'Plots could not be drawn: ' + error;
    document.body.insertBefore(box, document.body.firstChild);
    throw error;
  }
})();
`;
