// The soak: the real app left running on the seed dashboards with 5 s auto-refresh and the alert
// poller on, while the demo stack's faults make alerts fire and resolve, with the PSS of all the
// app's processes sampled throughout. It answers "does memory grow over an hour of use": the
// growth from the warmed-up level to the end, and the trend (Theil–Sen slope, robust to the
// sawtooth of garbage collection) over the last half hour. Writes a CSV and an SVG plot.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/bench/soak.mjs [minutes] [out-prefix] [options]
//
// HINOMI_APP_BIN picks the build (the issue asks for a release build). The app inherits this
// process's environment, so WebKit's and JavaScriptCore's variables (JSC_logGC=1,
// WEBKIT_DISABLE_COMPOSITING_MODE=1, JSC_forceRAMSize=...) can be tried from the command line.
// Options, to bisect a growth:
//   --dashboards=uid,uid   rotate through these instead of the three seed dashboards
//   --refresh=5s|off       the dashboards' auto-refresh (default 5s)
//   --no-faults            no error bursts (the alert poller still runs)
//   --stay                 open the first dashboard once and stay on it: no visits, so no
//                          charts built and dropped every two minutes
//   --open-after=SECONDS   wait this long before the first visit: the demo's Prometheus starts
//                          empty, so a dashboard opened at once shows "No data" until it
//                          refreshes (with --refresh=off, for the whole soak)
//   --range=15m            the dashboards' time range (default: each dashboard's own, 6 h on the
//                          seed ones); the demo's Prometheus starts empty, so over a 6 h range
//                          every answer grows for the whole soak, over 15 minutes it stops
//   --poll=SECONDS         the app's live-view refresh, which is also the alert poller's period
//                          (default 5, the app's own); --poll=3600 all but stops the poller
//   --dashboard-file=a.json
//                          a Grafana dashboard file put in the app's dashboards folder before it
//                          starts, to soak on (with --dashboards=its uid)
//   --extra-refresh=RATE   also click the open dashboard's Refresh button RATE times a second,
//                          packing hours of refreshes into the soak while visits, bursts and
//                          the poller keep their own pace: does the growth follow the number of
//                          refreshes? (JavaScriptCore's tier-up does, over thousands of them;
//                          the soak's slope did not: docs/benchmarks.md, twenty-sixth session)
//   --probe[=proc]         also write <out-prefix>-probe.csv: the web process's and the app
//                          process's PSS per kind of mapping and in-page counts (DOM nodes, canvases and their pixels,
//                          uPlot roots, Tauri's pending IPC callbacks) every 15 s, and keep the
//                          driver's output (where the web process's JSC_logGC=1 lines land) in
//                          <out-prefix>-driver.log; --probe=proc reads /proc only and sends the
//                          page no WebDriver script (the in-page columns are then empty)

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { startStack, startApp, settingsFor, appBinary, repoRoot, sleep } from "../lib/harness.mjs";
import { treeMemory, pssByKind, median, appProcess } from "./lib/memory.mjs";
import { openUntilPainted, SEED_DASHBOARDS } from "./lib/dashboards.mjs";
import { soakSummary, soakSvg } from "./lib/soak-report.mjs";
import { appHomeWith } from "../lib/backfill.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const flag = (name) => process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const flagValue = (name, fallback) => flag(name)?.split("=")[1] ?? fallback;
const minutes = Number(positional[0] ?? 60);
const outPrefix = positional[1] ?? join(repoRoot, "target", "soak", "soak");
const dashboards = flagValue("dashboards", SEED_DASHBOARDS.join(",")).split(",");
const refresh = flagValue("refresh", "5s");
const faultsOn = !flag("no-faults");
const range = flagValue("range", null);
const stay = Boolean(flag("stay"));
const openAfterSecs = Number(flagValue("open-after", 0));
const probe = Boolean(flag("probe"));
const probePage = flagValue("probe", "page") !== "proc";
const pollSecs = Number(flagValue("poll", 5));
const extraRefreshRate = Number(flagValue("extra-refresh", 0));
const SAMPLE_MS = 15_000;
const ROTATE_MS = 2 * 60_000;
const FAULT_EVERY_MS = 10 * 60_000;
const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");

const stack = await startStack({ scrapeInterval: "5s" });
// The app's own default poll interval (5 s), not the 2 s the e2e specs use to be quick.
const settings = settingsFor(stack).replace("refresh_interval_secs = 2", `refresh_interval_secs = ${pollSecs}`);
const dashboardFile = flagValue("dashboard-file", null);
const app = await startApp({ settingsToml: settings, home: dashboardFile ? appHomeWith(JSON.parse(readFileSync(dashboardFile, "utf8"))) : undefined });
const pid = appProcess(app);
if (!pid) throw new Error(`no process runs ${appBinary}`);

const started = Date.now();
const samples = [];
const sample = () => {
  const memory = treeMemory(pid);
  const byName = {};
  for (const p of memory.processes) byName[p.name] = (byName[p.name] ?? 0) + p.mib;
  samples.push({ minute: (Date.now() - started) / 60_000, total: memory.mib, uss: memory.ussMib, byName });
};
sample();
const sampler = setInterval(sample, SAMPLE_MS);

// What the web page holds, read between the soak's own WebDriver commands.
const probes = [];
const kindsSeen = new Set();
const appKindsSeen = new Set();
/** In-page counts, through one WebDriver script. */
const readPage = () =>
  app.browser.execute(() => {
    const canvases = [...document.querySelectorAll("canvas")];
    const charts = [...document.querySelectorAll("[data-points]")];
    return {
      // Points drawn on the dashboard: what the answers weigh, which grows with Prometheus's
      // history until it fills the range.
      points: charts.reduce((sum, c) => sum + Number(c.dataset.points || 0), 0),
      nodes: document.getElementsByTagName("*").length,
      canvases: canvases.length,
      canvasMpx: canvases.reduce((sum, c) => sum + c.width * c.height, 0) / 1e6,
      uplots: document.querySelectorAll(".uplot").length,
      images: document.images.length,
      // Tauri's pending invoke callbacks (its internals keep them in a Map for debugging).
      ipcCallbacks: window.__TAURI_INTERNALS__?.callbacks?.size ?? -1,
    };
  });
const NOT_READ = { points: "", nodes: "", canvases: "", canvasMpx: "", uplots: "", images: "", ipcCallbacks: "" };
async function probeOnce() {
  const web = treeMemory(pid).processes.find((p) => p.name.startsWith("WebKitWebProces"));
  const kinds = web ? Object.fromEntries(Object.entries(pssByKind(web.pid)).map(([k, v]) => [k, v / 1024])) : {};
  Object.keys(kinds).forEach((k) => kindsSeen.add(k));
  // The app process (the Rust side) too: it grew ~6 %/h in both arms of the memory-limit soak.
  const appKinds = Object.fromEntries(Object.entries(pssByKind(pid)).map(([k, v]) => [k, v / 1024]));
  Object.keys(appKinds).forEach((k) => appKindsSeen.add(k));
  const page = probePage ? await readPage() : NOT_READ;
  probes.push({ minute: (Date.now() - started) / 60_000, web: web?.mib ?? 0, kinds, appKinds, ...page });
}

let opened = 0;
let faults = 0;
let nextFault = started + 60_000;

/** Until `until`: the error bursts when due, and the probe every 15 s. */
async function waitOut(until) {
  while (Date.now() < until) {
    if (faultsOn && Date.now() >= nextFault) {
      // Errors for three minutes: HighErrorRate fires, notifies, is recorded, and resolves.
      execFileSync(DEMO_API_BIN, ["fault", "error-burst", "--api", stack.url("demo-api"), "--duration", "3m"]);
      faults++;
      nextFault += FAULT_EVERY_MS;
    }
    // Without faults nothing is due but the probe (nextFault stays in the past).
    const due = faultsOn ? nextFault : Infinity;
    if (probe) {
      await probeOnce();
      await sleep(Math.max(0, Math.min(until, due, Date.now() + SAMPLE_MS) - Date.now()));
    } else {
      await sleep(Math.max(0, Math.min(until, due) - Date.now()));
    }
  }
}
try {
  const end = started + minutes * 60_000;
  await waitOut(started + openAfterSecs * 1000);
  while (Date.now() < end) {
    const uid = dashboards[opened % dashboards.length];
    await openUntilPainted(app.browser, uid);
    // Closing a dashboard turns auto-refresh off, so it is chosen again on every visit.
    if (refresh !== "off") await (await app.browser.$('[data-testid="dashboard-auto-refresh"]')).selectByAttribute("value", refresh);
    if (range) await (await app.browser.$('[data-testid="dashboard-range"]')).selectByAttribute("value", range);
    opened++;
    if (extraRefreshRate > 0 && opened === 1) {
      // One timer for the whole soak: the views are parts of one page, so it clicks whichever
      // dashboard is open (and nothing between visits).
      await app.browser.execute((rate) => {
        setInterval(() => document.querySelector('[data-testid="dashboard-refresh"]')?.click(), 1000 / rate);
      }, extraRefreshRate);
    }
    // A visit lasts two minutes, or the whole soak with --stay.
    await waitOut(stay ? end : Math.min(Date.now() + ROTATE_MS, end));
  }
  // Still alive and drawing at the end: the last dashboard's panels repaint after a refresh.
  await openUntilPainted(app.browser, dashboards[0]);
} finally {
  clearInterval(sampler);
  sample();
  if (probe) {
    mkdirSync(dirname(outPrefix), { recursive: true });
    writeFileSync(`${outPrefix}-driver.log`, app.driverLog());
  }
  await app.stop();
  await stack.stop();
}

mkdirSync(dirname(outPrefix), { recursive: true });
const names = [...new Set(samples.flatMap((s) => Object.keys(s.byName)))].sort();
writeFileSync(
  `${outPrefix}.csv`,
  [`minute,pss_total_mib,uss_total_mib,${names.map((n) => `pss_${n}`).join(",")}`, ...samples.map((s) => [s.minute.toFixed(2), s.total.toFixed(1), s.uss.toFixed(1), ...names.map((n) => (s.byName[n] ?? 0).toFixed(1))].join(","))].join("\n") + "\n",
);
if (probe) {
  const kinds = [...kindsSeen].sort();
  const appKinds = [...appKindsSeen].sort();
  const column = (k) => k.replace(/[^a-z]+/gi, "_");
  const cols = ["minute", "web_pss_mib", ...kinds.map((k) => `web_${column(k)}_mib`), ...appKinds.map((k) => `app_${column(k)}_mib`), "dom_nodes", "canvases", "canvas_mpx", "uplots", "images", "ipc_callbacks", "points"];
  const row = (p) => [p.minute.toFixed(2), p.web.toFixed(1), ...kinds.map((k) => (p.kinds[k] ?? 0).toFixed(1)), ...appKinds.map((k) => (p.appKinds[k] ?? 0).toFixed(1)), p.nodes, p.canvases, typeof p.canvasMpx === "number" ? p.canvasMpx.toFixed(2) : "", p.uplots, p.images, p.ipcCallbacks, p.points].join(",");
  writeFileSync(`${outPrefix}-probe.csv`, [cols.join(","), ...probes.map(row)].join("\n") + "\n");
}
const summary = soakSummary(samples, minutes);
const privateOnly = soakSummary(samples.map((s) => ({ ...s, total: s.uss })), minutes);
writeFileSync(`${outPrefix}.svg`, soakSvg(samples, names, summary));
console.log(`soak: ${minutes} min, ${samples.length} samples every ${SAMPLE_MS / 1000} s, ${opened} dashboard visits, ${faults} error bursts; app ${appBinary}`);
console.log(`PSS warmed up (median of minutes 5–10): ${summary.warm.toFixed(1)} MiB; end (median of the last 5 min): ${summary.end.toFixed(1)} MiB; growth ${(summary.growth * 100).toFixed(1)} %`);
console.log(`last half hour: Theil–Sen slope ${summary.slopePerHour.toFixed(1)} MiB/h (${(summary.halfHourTrend * 100).toFixed(1)} % of the warm level over 30 min); min ${summary.min.toFixed(1)}, max ${summary.max.toFixed(1)}, median ${median(samples.map((s) => s.total)).toFixed(1)} MiB`);
console.log(`USS (private pages only, not moved by other programs sharing libraries): warm ${privateOnly.warm.toFixed(1)} MiB, end ${privateOnly.end.toFixed(1)} MiB, growth ${(privateOnly.growth * 100).toFixed(1)} %, last half hour ${privateOnly.slopePerHour.toFixed(1)} MiB/h (${(privateOnly.halfHourTrend * 100).toFixed(1)} % over 30 min)`);
console.log(`wrote ${outPrefix}.csv and ${outPrefix}.svg`);
