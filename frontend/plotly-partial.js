// plotly.js for AMHE: the core and only the trace types identify/charts.py draws
// (PLOTLY_TRACES there; tests/unit/test_charts.py checks the two lists agree).
// Bundled by scripts/build-frontend.sh with esbuild into
// static/vendor/plotly/plotly-partial.min.js, a CSP-strict file (no eval or new
// Function: the build fails if either appears). charts.mjs imports it as a module,
// so it sets window.Plotly itself.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/bar"), require("plotly.js/lib/heatmap"), require("plotly.js/lib/scatter")]);

window.Plotly = Plotly;
