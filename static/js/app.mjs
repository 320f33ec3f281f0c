// AMHE front end: start NHS.UK frontend components, then the app's own.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";
import { initJobProgress } from "./job-progress.mjs";
import { initCharts } from "./charts.mjs";
import { initCopyLinks } from "./copy-link.mjs";
import { initNgtScreen } from "./ngt-screen.mjs";

initAll();
initJobProgress(document);
initCharts(document);
initCopyLinks(document);
initNgtScreen(document);
