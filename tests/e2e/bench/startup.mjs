// Cold start to the Targets view painted, and memory with it open, against a baseline measured
// in the same run: Debian's MiniBrowser (a bare WebKitGTK browser) opening a static page with
// the same table. Both are launched through WebKit's WebDriver, so the driver's own cost is in
// both numbers; each clock starts at the new-session request, its driver already listening
// (Hinomi's through tauri-driver, a thin proxy in front of WebKitWebDriver). Run under Xvfb: `xvfb-run -a node tests/e2e/bench/startup.mjs [runs]`.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";
import { startStack, startApp, settingsFor, freePort, appBinary, sleep } from "../lib/harness.mjs";
import { findProcessByExe, treeMemory, median, appProcess } from "./lib/memory.mjs";
import { openUntilPainted, SEED_DASHBOARDS } from "./lib/dashboards.mjs";
import { appLogLines, logField } from "../lib/app-log.mjs";

const runs = Number(process.argv[2] ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const miniBrowser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const painted = '[data-testid="target-row"][data-health="up"]';

async function waitPainted(browser) {
  for (;;) {
    const rows = await browser.$$(painted);
    if (rows.length >= 3) return;
    await sleep(20);
  }
}

/** When a process started, in epoch milliseconds (the kernel counts in 10 ms ticks since boot). */
function processStartedEpochMs(pid) {
  const uptimeMs = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
  const now = Date.now();
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return now - (uptimeMs - ticks * 10);
}

/**
 * Where the cold start went, in ms from the WebDriver session request: the process started,
 * its setup ran (Hinomi only, from its log), the page began loading
 * (`performance.timeOrigin`), the bundle ran, the UI mounted, the targets were asked for and
 * answered, the settings loaded, the rows were in the DOM, the frame that painted them began and
 * ended (the UI's `hinomi:*` marks), and WebDriver saw the rows.
 */
async function phases(browser, pid, requestedEpochMs, seenEpochMs) {
  const page = await browser.execute(() => ({
    origin: performance.timeOrigin,
    domReady: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? NaN,
    loaded: performance.getEntriesByType("navigation")[0]?.loadEventEnd ?? NaN,
    marks: Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime])),
  }));
  const pageAt = page.origin - requestedEpochMs;
  const processAt = pid ? processStartedEpochMs(pid) - requestedEpochMs : NaN;
  const mark = (name) => pageAt + (page.marks[name] ?? NaN);
  return {
    "process started": processAt,
    "setup done (app log)": NaN, // filled from the app's log by the caller; not the baseline's

    "page load started": pageAt,
    "bundle ran": mark("hinomi:script"),
    "DOM ready": pageAt + page.domReady,
    "load event done": pageAt + page.loaded,
    "UI mounted": mark("hinomi:mounted"),
    "targets asked": mark("hinomi:targets-asked"),
    "targets answered": mark("hinomi:targets-answered"),
    "settings loaded": mark("hinomi:settings-loaded"),
    "rows in the DOM": mark("hinomi:rows-in-dom"),
    // The rendering update that painted the rows began (its requestAnimationFrame callbacks); it
    // is over when a task queued from there runs: "rows painted" (ui/src/lib/paint.ts).
    "frame that painted the rows began": mark("hinomi:rows-frame"),
    "rows painted (next frame)": mark("hinomi:rows-painted"),
    "rows seen by WebDriver": seenEpochMs - requestedEpochMs,
  };
}

async function measureHinomi(stack) {
  const launchStarted = performance.now();
  const app = await startApp({ settingsToml: settingsFor(stack) });
  // The clock starts at the new-session request, tauri-driver (and the WebKitWebDriver it
  // runs) already listening, as the baseline's starts with its WebKitWebDriver up. Until
  // 2026-12-05 it started before tauri-driver was spawned, so the driver's own start and the
  // harness's polling for it (~270 ms) counted against the app; that figure is still printed.
  const { perfMs: started, epochMs: requestedEpochMs } = app.sessionRequested;
  await waitPainted(app.browser);
  const ms = performance.now() - started;
  const withLauncherMs = performance.now() - launchStarted;
  const seenEpochMs = Date.now();
  // The "painted" mark comes after the frame that paints the rows, and WebDriver (which reads the
  // DOM) can see the rows before that: wait for it, so that every run has every milestone.
  await app.browser
    .waitUntil(() => app.browser.execute(() => performance.getEntriesByName("hinomi:rows-painted").length > 0), { timeout: 5000, interval: 20 })
    .catch(() => {});
  const pid = appProcess(app);
  const processTimeline = await phases(app.browser, pid, requestedEpochMs, seenEpochMs);
  await sleep(1500); // let the view settle before measuring memory
  const memory = pid ? treeMemory(pid, { detail: true }) : { mib: NaN, names: [], processes: [] };
  // The second figure: the same app with each seed dashboard opened in turn (the last
  // one still open), so the charts, uPlot and the panel caches are in the count too.
  for (const uid of SEED_DASHBOARDS) await openUntilPainted(app.browser, uid);
  await sleep(1500);
  const withDashboards = pid ? treeMemory(pid, { detail: true }) : { mib: NaN, names: [], processes: [] };
  const log = appLogLines(app.home);
  const lastField = (message, name) => logField(log.findLast((line) => line.includes(message)) ?? "", name);
  const selfReported = lastField("first paint", "ms");
  const setupDoneMs = lastField("setup done", "ms");
  await app.stop();
  await sleep(500);
  const timeline = { ...processTimeline, "setup done (app log)": processTimeline["process started"] + setupDoneMs };
  return { ms, withLauncherMs, memory, withDashboards, selfReported, timeline };
}

async function measureBaseline() {
  const port = await freePort();
  const driver = spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore" });
  await sleep(300);
  const started = performance.now();
  const requestedEpochMs = Date.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      "webkitgtk:browserOptions": { binary: miniBrowser, args: ["--automation"] },
    },
  });
  await browser.url(`file://${join(here, "baseline.html")}`);
  await waitPainted(browser);
  const ms = performance.now() - started;
  const seenEpochMs = Date.now();
  const pid = findProcessByExe(miniBrowser);
  const timeline = await phases(browser, pid, requestedEpochMs, seenEpochMs);
  await sleep(1500);
  const memory = pid ? treeMemory(pid, { detail: true }) : { mib: NaN, names: [], processes: [] };
  await browser.deleteSession().catch(() => {});
  driver.kill("SIGTERM");
  await sleep(500);
  return { ms, memory, timeline };
}

const stack = await startStack({ scrapeInterval: "2s" });
const hinomi = [];
const baseline = [];
try {
  for (let i = 0; i < runs; i++) {
    baseline.push(await measureBaseline());
    hinomi.push(await measureHinomi(stack));
    console.error(
      `run ${i + 1}: hinomi ${hinomi[i].ms.toFixed(0)} ms / ${hinomi[i].memory.mib.toFixed(1)} MiB ` +
        `(self-reported first paint ${hinomi[i].selfReported} ms), ` +
        `baseline ${baseline[i].ms.toFixed(0)} ms / ${baseline[i].memory.mib.toFixed(1)} MiB`,
    );
  }
} finally {
  await stack.stop();
}

const row = (label, h, b, unit) =>
  `| ${label} | ${h.toFixed(unit === "ms" ? 0 : 1)} ${unit} | ${b.toFixed(unit === "ms" ? 0 : 1)} ${unit} | ${(h / b).toFixed(2)}x |`;
console.log(`runs: ${runs} (medians)`);
console.log("| measure | Hinomi | baseline (MiniBrowser, static table) | ratio |");
console.log("|---|---|---|---|");
console.log(row("cold start to Targets painted (WebDriver session start → 3 rows up)", median(hinomi.map((r) => r.ms)), median(baseline.map((r) => r.ms)), "ms"));
console.log(row("… the same counted from tauri-driver's spawn (the definition before 2026-12-05)", median(hinomi.map((r) => r.withLauncherMs)), median(baseline.map((r) => r.ms)), "ms"));
console.log(row("memory, PSS of all processes", median(hinomi.map((r) => r.memory.mib)), median(baseline.map((r) => r.memory.mib)), "MiB"));
console.log(`Hinomi self-reported first paint (process start → rows painted): ${median(hinomi.map((r) => r.selfReported)).toFixed(0)} ms`);
console.log(`Hinomi processes: ${hinomi.at(-1)?.memory.names.join(", ")}; baseline processes: ${baseline.at(-1)?.memory.names.join(", ")}`);

console.log(row("memory, PSS of all processes, seed dashboards opened (vs the same baseline)", median(hinomi.map((r) => r.withDashboards.mib)), median(baseline.map((r) => r.memory.mib)), "MiB"));

/** Median MiB per process name and per kind of mapping within it, over the runs. */
function breakdown(samples) {
  const cells = new Map();
  for (const sample of samples) {
    const seen = new Map();
    for (const p of sample.processes) {
      for (const [kind, mib] of Object.entries(p.kinds ?? {})) {
        const key = `${p.name}\t${kind}`;
        seen.set(key, (seen.get(key) ?? 0) + mib);
      }
    }
    for (const [key, mib] of seen) cells.set(key, [...(cells.get(key) ?? []), mib]);
  }
  return new Map([...cells].map(([key, values]) => [key, median([...values, ...Array(samples.length - values.length).fill(0)])]));
}

const views = [
  ["Hinomi, Targets view", breakdown(hinomi.map((r) => r.memory))],
  ["Hinomi, seed dashboards opened", breakdown(hinomi.map((r) => r.withDashboards))],
  ["baseline", breakdown(baseline.map((r) => r.memory))],
];
console.log("\nPSS by process and kind of mapping (MiB, medians; processes of the same name summed):");
console.log(`| process | kind | ${views.map(([label]) => label).join(" | ")} |`);
console.log(`|---|---|${views.map(() => "---|").join("")}`);
const keys = [...new Set(views.flatMap(([, cells]) => [...cells.keys()]))].sort();
for (const key of keys) {
  const values = views.map(([, cells]) => cells.get(key) ?? 0);
  if (values.every((v) => v < 0.5)) continue;
  const [name, kind] = key.split("\t");
  console.log(`| ${name} | ${kind} | ${values.map((v) => v.toFixed(1)).join(" | ")} |`);
}

console.log("\nCold start, ms from the WebDriver session request (medians):");
console.log("| milestone | Hinomi | baseline |");
console.log("|---|---|---|");
for (const milestone of Object.keys(hinomi[0].timeline)) {
  const cell = (runs) => {
    const value = median(runs.map((r) => r.timeline[milestone]));
    return Number.isFinite(value) ? value.toFixed(0) : "—";
  };
  console.log(`| ${milestone} | ${cell(hinomi)} | ${cell(baseline)} |`);
}
