// Dashboards in the real app against the demo stack: the full load of each seed dashboard
// (open clicked → every querying panel painted) and, per panel, its query start → painted, and
// its answer → painted on open and on a refresh (the Refresh button, the dashboard still open:
// where a chart may be updated rather than rebuilt; the run counts the charts whose uPlot
// element outlived the refresh), for the time series panels alone (stat, gauge and the canvas
// panels paint on the next frame either way). The
// baseline, measured in the same run, is the raw HTTP fetch of each panel's query (the same
// PromQL and range, from this process with fetch()), so the ratio is the console's whole cost
// (IPC, decode, downsample, frame, UI, paint) over Prometheus's answer alone. A second baseline
// asks Prometheus for every panel's queries at once, exactly as the app sent them (read from the
// app log's `query_range` / `query_instant` lines), so Prometheus answers under the load a
// dashboard open puts on it. The backend's own time per panel comes from the `run_panel` lines.
// Run under Xvfb: `xvfb-run -a dbus-run-session -- node tests/e2e/bench/dashboards.mjs [runs]`;
// with BENCH_RAW=1 it also prints each counted open's panels on one clock: invoke, the backend's
// run, the answer in the UI, the painting frame and painted.

import { startStack, startApp, settingsFor, sleep } from "../lib/harness.mjs";
import { clickOpen } from "./lib/dashboards.mjs";
import { appLogLines, logField, rangeQueryOf } from "../lib/app-log.mjs";
import { rmSync } from "node:fs";

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
        origin: performance.timeOrigin,
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

/** The queries the panels of the open of `uid` that began at `sinceEpochMs` sent, from the app
 * log's `query_range` / `query_instant` lines (inside each panel's `run_panel` span): per panel,
 * the Prometheus URLs. */
function queriesOfOpen(uid, sinceEpochMs) {
  const byPanel = new Map();
  for (const line of appLogLines(app.home)) {
    const span = /run_panel\{uid=(\S+) panel_id=(\d+)\}/.exec(line);
    if (!span || span[1] !== uid || Date.parse(line.slice(0, 27)) < sinceEpochMs) continue;
    const range = rangeQueryOf(line);
    const instant = /query_instant expr=(".*") time=([\d.]+) /.exec(line);
    let url;
    if (range) {
      url = `${prometheus}/api/v1/query_range?query=${encodeURIComponent(range.expr)}&start=${range.start}&end=${range.end}&step=${range.step}`;
    } else if (instant) {
      url = `${prometheus}/api/v1/query?query=${encodeURIComponent(JSON.parse(instant[1]))}&time=${instant[2]}`;
    } else continue;
    const urls = byPanel.get(span[2]) ?? new Set();
    urls.add(url);
    byPanel.set(span[2], urls);
  }
  return byPanel;
}

/** The second baseline: every panel's queries fetched at once, as the dashboard sends them, so
 * Prometheus answers under the same load; per panel, start → its last query's body read. */
async function concurrentRawMs(byPanel) {
  const t0 = performance.now();
  const perPanel = await Promise.all(
    [...byPanel.values()].map(async (urls) => {
      await Promise.all([...urls].map(async (url) => (await fetch(url)).arrayBuffer()));
      return performance.now() - t0;
    }),
  );
  return median(perPanel);
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

const rawOpens = [];
const results = Object.fromEntries(DASHBOARDS.map((uid) => [uid, { full: [], firstQuery: [], perPanel: [], answered: [], openUi: [], openFrame: [], refreshUi: [], refreshFrame: [], raw: [], concurrent: [] }]));
try {
  for (let run = 0; run < runs + 1; run++) {
    for (const uid of DASHBOARDS) {
      const state = await openAndTime(uid);
      await sleep(200); // the log writer's thread
      const concurrent = await concurrentRawMs(queriesOfOpen(uid, state.origin + state.openedAt - 5));
      const refreshed = await refreshAndTime();
      const raw = await rawFetchMs(uid);
      if (run === 0) continue; // warm-up: uPlot loaded, caches filled
      if (process.env.BENCH_RAW) rawOpens.push({ uid, ...state });
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
      r.concurrent.push(concurrent);
      r.panels = state.panels.length;
      r.charts = `${refreshed.kept}/${refreshed.charts}`;
    }
  }
} finally {
  await app.stop({ keepHome: true });
  await stack.stop();
}

/** Every panel run the backend logged (the app log's `run_panel` lines, warm-up and refreshes
 * included): its wall-clock start, and the open copy + settings, the run (Prometheus's answer,
 * decode, frame) and the pack. What the UI waits beyond these is the IPC and the scheduling. */
const panelRuns = appLogLines(app.home)
  .filter((line) => line.includes("run_panel") && line.includes("run_ms="))
  .map((line) => ({
    uid: /\buid=(\S+)/.exec(line)?.[1],
    panelId: /\bpanel_id=(\d+)/.exec(line)?.[1],
    start: logField(line, "started_epoch_ms"),
    prepare: logField(line, "prepare_ms"),
    run: logField(line, "run_ms"),
    pack: logField(line, "pack_ms"),
  }));
rmSync(app.home, { recursive: true, force: true });
// With BENCH_RAW=1: every counted open's panels on one clock (ms from the click): invoke, the
// backend's run_panel start and end, the answer in the UI, the painting frame, painted.
for (const open of rawOpens) {
  const rows = open.panels.map((p) => {
    const invoked = open.origin + p.started;
    const backend = panelRuns
      .filter((b) => b.uid === open.uid && b.panelId === p.id && b.start >= invoked - 1)
      .sort((a, b) => a.start - b.start)[0];
    const at = (t) => (t - open.openedAt).toFixed(1);
    const backendStart = backend ? backend.start - open.origin : NaN;
    const took = backend ? backend.prepare + backend.run + backend.pack : NaN;
    return `${p.id}:${p.type} invoke ${at(p.started)} backend ${at(backendStart)}–${at(backendStart + took)} answered ${at(p.answered)} frame ${at(p.frame)} painted ${at(p.painted)}`;
  });
  console.log(`${open.uid}\n  ${rows.join("\n  ")}`);
}

function backendSplit(uid) {
  const runsOf = panelRuns.filter((r) => r.uid === uid);
  return {
    prepare: median(runsOf.map((r) => r.prepare)),
    run: median(runsOf.map((r) => r.run)),
    pack: median(runsOf.map((r) => r.pack)),
  };
}

console.log(`runs: ${runs} (after 1 warm-up), medians; app ${process.env.HINOMI_APP_BIN ?? "default"}; load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("| dashboard | querying panels | full load (open → all painted) | open → first panel query | panel query start → painted | of which start → answered | raw fetch of one panel query | ratio | time series panels, open: answer → painted | same, refresh: answer → painted | open: answer → painting frame began | refresh: answer → painting frame began | charts kept by the refresh | backend per panel run: prepare / run / pack | raw fetch of every panel's queries at once, per panel | ratio to it |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const uid of DASHBOARDS) {
  const r = results[uid];
  const full = median(r.full);
  const panel = median(r.perPanel);
  const raw = median(r.raw);
  const split = backendSplit(uid);
  console.log(`| ${uid} | ${r.panels} | ${full.toFixed(0)} ms | ${median(r.firstQuery).toFixed(0)} ms | ${panel.toFixed(0)} ms | ${median(r.answered).toFixed(0)} ms | ${raw.toFixed(1)} ms | ${(panel / raw).toFixed(1)}x | ${median(r.openUi).toFixed(1)} ms | ${median(r.refreshUi).toFixed(1)} ms | ${median(r.openFrame).toFixed(1)} ms | ${median(r.refreshFrame).toFixed(1)} ms | ${r.charts} | ${split.prepare.toFixed(1)} / ${split.run.toFixed(1)} / ${split.pack.toFixed(1)} ms | ${median(r.concurrent).toFixed(1)} ms | ${(panel / median(r.concurrent)).toFixed(1)}x |`);
}
