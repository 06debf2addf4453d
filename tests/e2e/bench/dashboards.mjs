// Dashboards in the real app against the demo stack: the full load of each seed dashboard
// (open clicked → every querying panel painted) and, per panel, its query start → painted, and
// its answer → painted on open and on a refresh (the Refresh button, the dashboard still open:
// where a chart may be updated rather than rebuilt; the run counts the charts whose uPlot
// element outlived the refresh), for the time series panels alone (stat, gauge and the canvas
// panels paint on the next frame either way). The
// baseline, measured in the same run, is the raw HTTP fetch of each panel's query (the same
// PromQL and range, from this process with fetch()), so the ratio is the console's whole cost
// (IPC, decode, downsample, frame, UI, paint) over Prometheus's answer alone.
// Run under Xvfb: `xvfb-run -a dbus-run-session -- node tests/e2e/bench/dashboards.mjs [runs]`.

import { startStack, startApp, settingsFor, sleep } from "../lib/harness.mjs";
import { clickOpen } from "./lib/dashboards.mjs";

const runs = Number(process.argv[2] ?? 5);
const DASHBOARDS = ["hinomi-system-overview", "hinomi-business-metrics", "hinomi-infrastructure"];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const stack = await startStack({ scrapeInterval: "2s" });
// A few scrapes, so the panels have lines to draw.
await sleep(20_000);
const app = await startApp({ settingsToml: settingsFor(stack) });
const { browser } = app;
const prometheus = stack.url("prometheus");

async function openAndTime(uid) {
  await clickOpen(browser, uid);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = await browser.execute(() => {
      const grid = document.querySelector('[data-testid="dashboard-grid"]');
      if (!grid) return null;
      const panels = [...document.querySelectorAll('[data-testid="dashboard-panel"]')].filter((p) => p.dataset.loadStartedAt);
      if (panels.length === 0 || panels.some((p) => !p.dataset.paintedAt)) return null;
      return {
        openedAt: Number(grid.dataset.openedAt),
        panels: panels.map((p) => ({
          id: p.dataset.panelId,
          type: p.dataset.panelType,
          started: Number(p.dataset.loadStartedAt),
          answered: Number(p.dataset.answeredAt),
          painted: Number(p.dataset.paintedAt),
          // When the frame that painted it began (ui/src/lib/paint.ts); builds before that took
          // "painted" at that frame's requestAnimationFrame, so there the two are one.
          frame: Number(p.dataset.frameAt || p.dataset.paintedAt),
        })),
      };
    });
    if (state) return state;
    await sleep(50);
  }
  throw new Error(`${uid} did not finish painting`);
}

/** Baseline: one representative query per dashboard (its first chart's, variables as "All"),
 * over the dashboard's saved range, fetched straight from Prometheus. */
const BASELINE = {
  "hinomi-system-overview": ["sum by (method, endpoint) (rate(api_requests_total[5m]))", 6 * 3600],
  "hinomi-business-metrics": ["sum by (status) (datasets_total)", 6 * 3600],
  "hinomi-infrastructure": ['100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m])))', 6 * 3600],
};

/** Clicks Refresh on the open dashboard and waits for every querying panel to paint again. */
async function refreshAndTime() {
  const before = await browser.execute(() => {
    const panels = [...document.querySelectorAll('[data-testid="dashboard-panel"]')].filter((p) => p.dataset.loadStartedAt);
    // Tag every chart's uPlot element: one still tagged after the refresh was updated in place.
    for (const el of document.querySelectorAll(".uplot")) el.dataset.benchKept = "1";
    return Math.max(...panels.map((p) => Number(p.dataset.loadStartedAt)));
  });
  await (await browser.$('[data-testid="dashboard-refresh"]')).click();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = await browser.execute((since) => {
      const panels = [...document.querySelectorAll('[data-testid="dashboard-panel"]')].filter((p) => p.dataset.loadStartedAt);
      if (panels.some((p) => !(Number(p.dataset.loadStartedAt) > since) || !p.dataset.paintedAt)) return null;
      return {
        panels: panels.map((p) => ({
          type: p.dataset.panelType,
          answered: Number(p.dataset.answeredAt),
          painted: Number(p.dataset.paintedAt),
          frame: Number(p.dataset.frameAt || p.dataset.paintedAt),
        })),
        charts: document.querySelectorAll(".uplot").length,
        kept: document.querySelectorAll('.uplot[data-bench-kept="1"]').length,
      };
    }, before);
    if (state) return state;
    await sleep(50);
  }
  throw new Error("the dashboard did not finish painting after Refresh");
}

async function rawFetchMs(uid) {
  const [expr, span] = BASELINE[uid];
  const now = Math.floor(Date.now() / 1000);
  const step = Math.max(15, Math.ceil(span / 1000));
  const url = `${prometheus}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${now - span}&end=${now}&step=${step}`;
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return performance.now() - t0;
}

const results = Object.fromEntries(DASHBOARDS.map((uid) => [uid, { full: [], firstQuery: [], perPanel: [], answered: [], openUi: [], openFrame: [], refreshUi: [], refreshFrame: [], raw: [] }]));
try {
  for (let run = 0; run < runs + 1; run++) {
    for (const uid of DASHBOARDS) {
      const state = await openAndTime(uid);
      const refreshed = await refreshAndTime();
      const raw = await rawFetchMs(uid);
      if (run === 0) continue; // warm-up: uPlot loaded, caches filled
      const r = results[uid];
      r.full.push(Math.max(...state.panels.map((p) => p.painted)) - state.openedAt);
      r.firstQuery.push(Math.min(...state.panels.map((p) => p.started)) - state.openedAt);
      r.perPanel.push(median(state.panels.map((p) => p.painted - p.started)));
      // The split of the panel time: run_panel call → answer decoded by IPC (backend + IPC).
      r.answered.push(median(state.panels.map((p) => p.answered - p.started)));
      // The UI's part for the time series panels: the answer in the UI → painted, on open and on
      // the refresh.
      const charts = (panels) => panels.filter((p) => p.type === "timeseries" || p.type === "graph");
      r.openUi.push(median(charts(state.panels).map((p) => p.painted - p.answered)));
      r.refreshUi.push(median(charts(refreshed.panels).map((p) => p.painted - p.answered)));
      // The same to the start of the frame that painted it (the rendering update's own time is
      // painted − frame).
      r.openFrame.push(median(charts(state.panels).map((p) => p.frame - p.answered)));
      r.refreshFrame.push(median(charts(refreshed.panels).map((p) => p.frame - p.answered)));
      r.raw.push(raw);
      r.panels = state.panels.length;
      r.charts = `${refreshed.kept}/${refreshed.charts}`;
    }
  }
} finally {
  await app.stop();
  await stack.stop();
}

console.log(`runs: ${runs} (after 1 warm-up), medians; app ${process.env.HINOMI_APP_BIN ?? "default"}; load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("| dashboard | querying panels | full load (open → all painted) | open → first panel query | panel query start → painted | of which start → answered | raw fetch of one panel query | ratio | time series panels, open: answer → painted | same, refresh: answer → painted | open: answer → painting frame began | refresh: answer → painting frame began | charts kept by the refresh |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const uid of DASHBOARDS) {
  const r = results[uid];
  const full = median(r.full);
  const panel = median(r.perPanel);
  const raw = median(r.raw);
  console.log(`| ${uid} | ${r.panels} | ${full.toFixed(0)} ms | ${median(r.firstQuery).toFixed(0)} ms | ${panel.toFixed(0)} ms | ${median(r.answered).toFixed(0)} ms | ${raw.toFixed(1)} ms | ${(panel / raw).toFixed(1)}x | ${median(r.openUi).toFixed(1)} ms | ${median(r.refreshUi).toFixed(1)} ms | ${median(r.openFrame).toFixed(1)} ms | ${median(r.refreshFrame).toFixed(1)} ms | ${r.charts} |`);
}
