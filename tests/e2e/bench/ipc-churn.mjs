// Does the web process keep memory per IPC call? The real app, started on a dashboard of its
// own, makes the page call one command `rate` times a second through Tauri's own `invoke`, with
// nothing else changing on the page, and reads the web process's anonymous memory + heap every
// 15 s (the lowest sample of each stretch is the floor the garbage collector comes back to).
// The soak's growth comes with dashboards being refreshed; this tells whether the calls alone
// (the ipc:// request, its answer, the promise) are what stays.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/bench/ipc-churn.mjs <mode> <minutes> <rate> <out.csv>
//
// Modes: app-info (a small JSON answer), view (view_dashboard_panels: ~4 KB of JSON), open
// (open_dashboard: ~5 KB), run-panel (run_panel: a binary answer; no Prometheus is configured, so
// it carries the query's error), error (an error answer), failing-fetch (a fetch the CSP
// refuses: no IPC), idle (a resolved promise: the timer alone).

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startApp, repoRoot, sleep } from "../lib/harness.mjs";
import { appHomeWith } from "../lib/backfill.mjs";
import { sampleWebProcess, appProcess } from "./lib/memory.mjs";

const [mode, minutes = "8", rate = "50", out = join(repoRoot, "target", `ipc-churn-${mode}.csv`)] = process.argv.slice(2);
const MODES = ["app-info", "view", "open", "run-panel", "error", "failing-fetch", "idle"];
if (!MODES.includes(mode)) throw new Error(`mode must be one of ${MODES.join(", ")}`);
const dashboard = JSON.parse(readFileSync(join(repoRoot, "docs/soak/2026-12-06-dashboard-soak-nodata.json"), "utf8"));
const app = await startApp({ home: appHomeWith(dashboard) });
const pid = appProcess(app);
await sleep(5000);
await app.browser.execute(
  (mode, rate, uid) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const channel = window.__TAURI_INTERNALS__.transformCallback(() => {});
    const range = () => ({ from_ms: Date.now() - 3_600_000, to_ms: Date.now() });
    if (mode === "view" || mode === "open" || mode === "run-panel") void invoke("open_dashboard", { uid });
    const calls = {
      "app-info": () => invoke("app_info"),
      view: () => invoke("view_dashboard_panels", { uid, window: range() }),
      open: () => invoke("open_dashboard", { uid }),
      "run-panel": () => invoke("run_panel", { uid, panelId: 1, window: range(), widthPx: 500, chunks: `__CHANNEL__:${channel}` }),
      error: () => invoke("open_dashboard", { uid: "no-such-dashboard" }),
      "failing-fetch": () => fetch("/index.html"),
      idle: () => Promise.resolve(),
    };
    window.__churn = { calls: 0, failed: 0 };
    setInterval(() => {
      calls[mode]().then(
        () => window.__churn.calls++,
        () => {
          window.__churn.calls++;
          window.__churn.failed++;
        },
      );
    }, 1000 / rate);
  },
  mode,
  Number(rate),
  dashboard.uid,
);
const header = "minute,calls,failed,web_anonymous_and_heap_mib,web_pss_mib";
const rows = await sampleWebProcess(
  pid,
  Number(minutes),
  async () => Object.values(await app.browser.execute(() => window.__churn)),
  (sofar) => writeFileSync(out, [header, ...sofar.map((r) => r.join(","))].join("\n") + "\n"),
);
await app.stop();
console.log(`${mode}: ${rows.length} samples in ${out}`);
process.exit(0);
