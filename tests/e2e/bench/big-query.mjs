// Issue 4's big query in the real app: one timeseries panel running `bench_metric` over a
// Prometheus backfilled with 1,000 series × 1,440 points (`hinomi-demo backfill`, the same data
// as the `range_overhead` Rust benchmark). Measured per run: the panel's `run_panel` start →
// the animation frame after uPlot drew it (the panel's own data-load-started-at /
// data-painted-at, as in dashboards.mjs). Baseline, same run: the raw HTTP fetch of the same
// query (same start, end and step) from this process with fetch() + the whole body; as a
// second reference, curl's time for the same request; as a third, Prometheus's own classic UI
// drawing the same query in headless Chromium (classic-ui.mjs; the column is skipped, saying
// why, when Debian's chromium or playwright-core is not installed).
// The panel draws all 1,000 series: its own series limit (options.hinomiSeriesLimit) is the
// backfill's series count, so no settings default can cut it; a run where the panel drew fewer
// fails. The 1,000 series share one time grid, so the frame carries the timestamps once.
// Then, unless --no-interactions, the same chart answering a person's input for `runs` rounds
// (hover, legend filter, isolating a series and bringing all back, drag-zoom), timed in the
// page from the input event to the frame that painted the answer (lib/interactions.mjs).
// Run under Xvfb: `xvfb-run -a dbus-run-session -- node tests/e2e/bench/big-query.mjs [runs]`
// (HINOMI_APP_BIN=target/release/hinomi for a release build of the app; scripts/install-bench-deps
// installs Chromium for the classic-UI column).

import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { appBinary, screenshot, screenshotDir, sleep, startApp } from "../lib/harness.mjs";
import { startClassicUi } from "./classic-ui.mjs";
import { appLogLines, logField, rangeQueryLines } from "../lib/app-log.mjs";
import { appHomeWith, backfillDashboard, backfillSettings, startBackfill } from "../lib/backfill.mjs";
import { timeInteraction } from "./lib/interactions.mjs";

const runs = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 5);
const interactionsOn = !process.argv.includes("--no-interactions");
const UID = "hinomi-bench-big-query";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const { info, stop: stopBackfill } = await startBackfill();
console.log(`backfill: ${info.series} series x ${info.points} points at ${info.url}`);
// One point per backfilled sample: the query is exactly 1,000 × 1,440, all drawn.
const home = appHomeWith(
  backfillDashboard(info, { uid: UID, title: "Benchmark: 1,000 series x 1,440 points", panel: { options: { hinomiSeriesLimit: info.series } } }),
);
const settingsToml = backfillSettings(info);

let app;
const queryUrl = `${info.url}/api/v1/query_range?query=${encodeURIComponent(info.metric)}&start=${info.start_secs}&end=${info.end_secs}&step=${info.step_secs}`;

async function rawFetch() {
  const t0 = performance.now();
  const res = await fetch(queryUrl);
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, bytes: body.byteLength };
}

/** A second reference: curl's own total time for the same request (body discarded), and when
 * its first byte came. */
function curlMs() {
  const out = execFileSync("curl", ["-s", "-o", "/dev/null", "-w", "%{time_total} %{time_starttransfer}", queryUrl], { encoding: "utf8" });
  const [total, firstByte] = out.trim().split(" ").map((s) => Number(s) * 1000);
  return { total, firstByte };
}

/** The parts the backend asked the last run's query in (`query_range_part` lines; none when it
 * asked it whole), so curl can ask Prometheus for exactly the same. */
function lastQueryParts() {
  const parts = rangeQueryLines(home).at(-1)?.parts ?? 1;
  if (!(parts > 1)) return [];
  return appLogLines(home)
    .filter((line) => line.includes("query_range_part"))
    .slice(-parts)
    .map((line) => ({ start: logField(line, "start_ms") / 1000, end: logField(line, "end_ms") / 1000 }));
}

/** A third reference when the backend split the query: curl asking for the same parts at once,
 * timed as the slowest curl's own total (each curl's process start is outside its clock). */
async function curlPartsMs(parts) {
  const totals = await Promise.all(
    parts.map(
      (part) =>
        new Promise((resolve, reject) => {
          const url = `${info.url}/api/v1/query_range?query=${encodeURIComponent(info.metric)}&start=${part.start}&end=${part.end}&step=${info.step_secs}`;
          execFile("curl", ["-s", "-o", "/dev/null", "-w", "%{time_total}", url], (err, out) => (err ? reject(err) : resolve(Number(out) * 1000)));
        }),
    ),
  );
  return Math.max(...totals);
}

async function openAndTime(browser) {
  await browser.$('[data-testid="nav-dashboards"]').then((e) => e.click());
  const back = await browser.$('[data-testid="dashboard-back"]');
  if (await back.isExisting()) await back.click();
  const item = await browser.$(`[data-testid="dashboard-item"][data-uid="${UID}"]`);
  await item.waitForExist({ timeout: 20_000 });
  await (await item.$('[data-testid="dashboard-open"]')).click();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const state = await browser.execute(() => {
      const panel = document.querySelector('[data-testid="dashboard-panel"]');
      const grid = document.querySelector('[data-testid="dashboard-grid"]');
      if (!panel || !grid || !panel.dataset.loadStartedAt || !panel.dataset.paintedAt) return null;
      const chart = panel.querySelector('[data-testid="timeseries-chart"]');
      return {
        openedAt: Number(grid.dataset.openedAt),
        started: Number(panel.dataset.loadStartedAt),
        answered: Number(panel.dataset.answeredAt),
        painted: Number(panel.dataset.paintedAt),
        state: panel.dataset.state,
        drawnSeries: Number(chart?.dataset.seriesCount ?? 0),
        drawnPoints: Number(chart?.dataset.points ?? 0),
        truncated: panel.querySelector('[data-testid="panel-truncated"]')?.textContent?.trim() ?? "",
      };
    });
    if (state) return state;
    await sleep(50);
  }
  throw new Error("the big-query panel did not paint within 120 s");
}

/** Each interaction's input → painted, ms, per round (timeInteractions). */
const interactions = { hover: [], filter: [], isolate: [], restore: [], unfilter: [], zoom: [], zoomPoints: [] };

/** The chart of 1,000 × 1,440 answering a person's input, `runs` rounds (after the timed opens,
 * so the last open's chart is on screen): hover, the legend filter, a legend click isolating a
 * series and the click bringing all back, emptying the filter, and a drag-zoom (a new query of
 * every series for the narrower range). The zoom is undone by opening the dashboard again. */
async function timeInteractions(browser) {
  const $ = (sel) => browser.$(`[data-testid="${sel}"]`);
  const setFilter = (text) => browser.execute((value) => {
    const el = document.querySelector('[data-testid="panel-legend-filter"]');
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
  let tooltipTime = null;
  for (let round = 0; round < runs; round++) {
    const area = await $("timeseries-chart-area");
    const rect = await browser.execute((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    }, area);
    const y = Math.round(rect.top + rect.height / 2);
    const x = (fraction) => Math.round(rect.left + rect.width * fraction);
    const pointer = () => browser.action("pointer", { parameters: { pointerType: "mouse" } });

    const hover = await timeInteraction(browser, {
      event: "mousemove",
      condition: "tooltip",
      arg: tooltipTime,
      act: () => pointer().move({ x: x(0.2 + 0.1 * round), y, origin: "viewport" }).perform(),
    });
    tooltipTime = hover.value;
    interactions.hover.push(hover.ms);
    await (await $("dashboard-title")).moveTo();

    interactions.filter.push((await timeInteraction(browser, { event: "input", condition: "legendRows", arg: 1, act: () => setFilter("0042") })).ms);
    const row = await $("panel-legend-item");
    interactions.isolate.push((await timeInteraction(browser, { event: "click", condition: "seriesDrawn", arg: 1, act: () => row.$("button").then((b) => b.click()) })).ms);
    interactions.restore.push((await timeInteraction(browser, { event: "click", condition: "seriesDrawn", arg: info.series, act: () => row.$("button").then((b) => b.click()) })).ms);
    interactions.unfilter.push((await timeInteraction(browser, { event: "input", condition: "legendRows", arg: 100, act: () => setFilter("") })).ms);

    const zoom = await timeInteraction(browser, {
      event: "mouseup",
      condition: "panelPainted",
      arg: "__start__",
      timeoutMs: 120_000,
      act: () =>
        pointer()
          .move({ x: x(0.3), y, origin: "viewport" })
          .down({ button: 0 })
          .move({ x: x(0.45), y, origin: "viewport", duration: 50 })
          .move({ x: x(0.6), y, origin: "viewport", duration: 50 })
          .up({ button: 0 })
          .perform(),
    });
    interactions.zoom.push(zoom.ms);
    interactions.zoomPoints.push(Number(await (await $("timeseries-chart")).getAttribute("data-points")));
    console.log(`interactions ${round + 1}: hover ${hover.ms.toFixed(0)} ms, filter ${interactions.filter.at(-1).toFixed(0)} ms, isolate ${interactions.isolate.at(-1).toFixed(0)} ms, all back ${interactions.restore.at(-1).toFixed(0)} ms, filter emptied ${interactions.unfilter.at(-1).toFixed(0)} ms, zoom ${zoom.ms.toFixed(0)} ms (${interactions.zoomPoints.at(-1)} points)`);
    await openAndTime(browser);
  }
}

const panel = [];
let timedLines = { panel: 0, query: 0 };
const raw = [];
const curl = [];
const curlFirst = [];
const curlParts = [];
let partsAsked = 1;
const answered = [];
const classic = [];
const classicNextFrame = [];
const classicFetched = [];
const classicLoadTime = [];
let last;
let lastClassic;
let rawBytes = 0;
let classicUi;
let classicSkipped;
try {
  app = await startApp({ settingsToml, home });
  const started = await startClassicUi(info);
  if (started.skipped) {
    classicSkipped = started.skipped;
    console.log(`classic UI column skipped: ${classicSkipped}`);
  } else {
    classicUi = started;
  }
  for (let run = 0; run < runs + 1; run++) {
    last = await openAndTime(app.browser);
    const fetched = await rawFetch();
    rawBytes = fetched.bytes;
    if (last.drawnSeries !== info.series) throw new Error(`the panel drew ${last.drawnSeries} of ${info.series} series: ${JSON.stringify(last)}`);
    const { total: curled, firstByte: curlFirstByte } = curlMs();
    const parts = lastQueryParts();
    const curledParts = parts.length > 1 ? await curlPartsMs(parts) : undefined;
    // measure() fails unless the classic UI drew one path per series for the same start/end/step.
    if (classicUi) lastClassic = await classicUi.measure();
    if (run === 0) {
      await screenshot(app.browser, "bench-big-query");
      if (classicUi) await classicUi.screenshot(screenshotDir, "bench-big-query-classic-ui");
      continue; // warm-up: uPlot loaded, Prometheus' caches filled, the classic UI's scripts cached
    }
    panel.push(last.painted - last.started);
    raw.push(fetched.ms);
    curl.push(curled);
    curlFirst.push(curlFirstByte);
    if (curledParts !== undefined) {
      curlParts.push(curledParts);
      partsAsked = parts.length;
    }
    answered.push(last.answered - last.started);
    let classicText = "";
    if (lastClassic) {
      classic.push(lastClassic.painted);
      classicNextFrame.push(lastClassic.nextFrame);
      classicFetched.push(lastClassic.fetched);
      classicLoadTime.push(lastClassic.loadTimeMs);
      classicText = `, classic UI ${lastClassic.painted.toFixed(0)} ms (next frame ${lastClassic.nextFrame.toFixed(0)} ms, body in ${lastClassic.fetched.toFixed(0)} ms, its "Load time" ${lastClassic.loadTimeMs} ms)`;
    }
    console.log(`run ${run}: panel ${(last.painted - last.started).toFixed(0)} ms (answer ${(last.answered - last.started).toFixed(0)} ms), raw fetch ${fetched.ms.toFixed(0)} ms, curl ${curled.toFixed(0)} ms${curledParts === undefined ? "" : `, curl of its ${parts.length} parts at once ${curledParts.toFixed(0)} ms`}${classicText}`);
  }
  // The timed opens' lines in the app log end here; the interactions' zooms add their own.
  timedLines = { panel: backendRuns().length, query: queryRuns().length };
  if (interactionsOn) await timeInteractions(app.browser);
} finally {
  await classicUi?.stop();
  await app?.stop({ keepHome: true });
  await stopBackfill();
}

/** The backend's side of each run, from the app log's `run_panel` lines (debug level, on by
 * default): open copy + settings, the run (fetch and decode while it downloads, M4, frame), and
 * the pack; the last `runs` before the interactions are the counted runs. */
function backendRuns() {
  return appLogLines(home)
    .filter((line) => line.includes("run_panel") && line.includes(UID) && line.includes("run_ms="))
    .map((line) => ({ prepare: logField(line, "prepare_ms"), run: logField(line, "run_ms"), pack: logField(line, "pack_ms"), bytes: logField(line, "bytes") }));
}
/** Each run's range query as the backend saw it (the `query_range` lines, one per run_panel):
 * the wait for Prometheus's first byte, the download (decoded while it arrives), and the decode
 * left after the last byte. */
function queryRuns() {
  return rangeQueryLines(home).map((q) => ({ firstByte: q.firstByteMs, download: q.downloadMs, tail: q.decodeTailMs }));
}
const backend = backendRuns().slice(0, timedLines.panel).slice(-runs);
const queries = queryRuns().slice(0, timedLines.query).slice(-runs);
rmSync(home, { recursive: true, force: true });

console.log(`app: ${appBinary}`);
console.log(`runs: ${runs} (after 1 warm-up), medians; JSON body ${(rawBytes / 1048576).toFixed(1)} MiB`);
console.log(`panel drew ${last.drawnSeries} series, ${last.drawnPoints} points; "${last.truncated}"`);
console.log("| measure | median |");
console.log("|---|---|");
console.log(`| panel query start (run_panel) → chart painted | ${median(panel).toFixed(0)} ms |`);
console.log(`| of which run_panel start → answer in the UI (backend fetch + decode + frame + IPC) | ${median(answered).toFixed(0)} ms |`);
if (backend.length === runs) {
  // Per run: the UI's answer time less the backend's own time is the IPC (the frame handed to
  // the web process and read as an ArrayBuffer) plus the UI's frame decode.
  const backendMs = backend.map((b) => b.prepare + b.run + b.pack);
  console.log(`| … backend: run_panel's run (fetch, decode while it downloads, M4, frame) | ${median(backend.map((b) => b.run)).toFixed(0)} ms |`);
  if (queries.length === runs) {
    console.log(`| … … request → Prometheus's first byte | ${median(queries.map((q) => q.firstByte)).toFixed(0)} ms |`);
    console.log(`| … … first → last byte (the download, decoded while it arrives) | ${median(queries.map((q) => q.download)).toFixed(0)} ms |`);
    console.log(`| … … last byte → decoded (the decode's tail) | ${median(queries.map((q) => q.tail)).toFixed(1)} ms |`);
  }
  console.log(`| … backend: prepare + pack | ${median(backend.map((b) => b.prepare + b.pack)).toFixed(1)} ms |`);
  console.log(`| … IPC of the ${(backend[0].bytes / 1048576).toFixed(1)} MiB frame + UI frame decode (answer in UI − backend, per run) | ${median(answered.map((a, i) => a - backendMs[i])).toFixed(0)} ms |`);
} else {
  console.log(`| … backend split | not found in the app log (${backend.length} run_panel lines for ${runs} runs) |`);
}
console.log(`| of which answer in the UI → chart painted (frame decode done; raster, uPlot, one frame) | ${median(panel.map((p, i) => p - answered[i])).toFixed(0)} ms |`);
console.log(`| raw HTTP fetch of the same query (node fetch + body) | ${median(raw).toFixed(0)} ms |`);
console.log(`| ratio (panel / node fetch) | ${(median(panel) / median(raw)).toFixed(2)}x |`);
console.log(`| curl of the same query (second reference) | ${median(curl).toFixed(0)} ms |`);
console.log(`| … curl: request → first byte | ${median(curlFirst).toFixed(0)} ms |`);
console.log(`| ratio (panel / curl) | ${(median(panel) / median(curl)).toFixed(2)}x |`);
if (curlParts.length > 0) {
  // The backend asked the query in parts at once (hinomi-prometheus's split): what the same
  // requests cost curl is the reference for the app's own work.
  console.log(`| curl of the same ${partsAsked} parts the app asked, at once (third reference) | ${median(curlParts).toFixed(0)} ms |`);
  console.log(`| ratio (panel / curl of the parts) | ${(median(panel) / median(curlParts)).toFixed(2)}x |`);
}
if (classicUi) {
  console.log(`| Prometheus classic UI in Chromium ${classicUi.version}: Execute click → graph drawn (+1 frame) | ${median(classic).toFixed(0)} ms |`);
  console.log(`| … to the frame after that (Chromium laid out and painted the SVG) | ${median(classicNextFrame).toFixed(0)} ms |`);
  console.log(`| of which click → query body received (the browser's resource timing) | ${median(classicFetched).toFixed(0)} ms |`);
  console.log(`| the classic UI's own "Load time" (its submit → XHR complete, after Rickshaw drew) | ${median(classicLoadTime).toFixed(0)} ms |`);
  console.log(`| ratio (panel / classic UI) | ${(median(panel) / median(classic)).toFixed(2)}x |`);
  console.log(`classic UI drew ${lastClassic.paths} series paths, ${lastClassic.legendRows} legend rows from a ${(lastClassic.bodyBytes / 1048576).toFixed(1)} MiB body; warning: "${lastClassic.warning}"; ${lastClassic.loadTimeText}`);
} else {
  console.log(`| Prometheus classic UI in Chromium | skipped: ${classicSkipped} |`);
}
if (interactions.hover.length > 0) {
  console.log(`\nThe chart of ${info.series.toLocaleString("en")} series answering input (${interactions.hover.length} rounds, medians; the input event reaching the page → the frame that painted the answer, timed in the page):`);
  console.log("| input | median | range |");
  console.log("|---|---|---|");
  const line = (what, xs) => console.log(`| ${what} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms |`);
  line("pointer moved over the chart → tooltip of every series' value there", interactions.hover);
  line("legend filter set to one series' name → the legend shows it alone", interactions.filter);
  line("click on that legend row → the chart drawn with it alone", interactions.isolate);
  line(`second click → all ${info.series.toLocaleString("en")} series drawn again`, interactions.restore);
  line("filter emptied → the legend's first 100 rows", interactions.unfilter);
  line(`drag-zoom released → every series fetched again and painted (${median(interactions.zoomPoints).toLocaleString("en")} points)`, interactions.zoom);
}
