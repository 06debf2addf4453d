// The soak's refreshes, sped up: the real app on a dashboard (by default five panels that answer
// "No data", so nothing is drawn) against the demo stack, its Refresh button clicked `rate` times
// a second from inside the page, and the web process's anonymous memory + heap read every 15 s.
// At 5 a second, 8 minutes are the 2,400 refreshes of 3 h 20 min of 5 s auto-refresh.
// The No-data dashboard climbs only in its first two minutes (the JIT warming up); a copy of the
// System overview (docs/soak/2026-12-07-dashboard-churn-system-overview.json, 2 a second) keeps
// climbing (docs/benchmarks.md, twenty-fifth session). It ends by printing the floors.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/bench/refresh-churn.mjs <minutes> <rate> <out.csv> [dashboard.json]

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, repoRoot } from "../lib/harness.mjs";
import { appHomeWith } from "../lib/backfill.mjs";
import { sampleWebProcess, appProcess } from "./lib/memory.mjs";
import { openUntilPainted } from "./lib/dashboards.mjs";
import { compilesReported, floorSummary } from "./lib/churn.mjs";

const [minutes = "8", rate = "5", out = join(repoRoot, "target", "refresh-churn.csv"), file = join(repoRoot, "docs/soak/2026-12-06-dashboard-soak-nodata.json")] =
  process.argv.slice(2);
const dashboard = JSON.parse(readFileSync(file, "utf8"));
const stack = await startStack({ scrapeInterval: "5s" });
// The app's own live-view period (5 s), as in the soak.
const settings = settingsFor(stack).replace("refresh_interval_secs = 2", "refresh_interval_secs = 5");
const app = await startApp({ settingsToml: settings, home: appHomeWith(dashboard) });
const pid = appProcess(app);
await openUntilPainted(app.browser, dashboard.uid);
await app.browser.execute((rate) => {
  window.__refreshes = 0;
  setInterval(() => {
    document.querySelector('[data-testid="dashboard-refresh"]')?.click();
    window.__refreshes++;
  }, 1000 / rate);
}, Number(rate));
// The page's columns (refreshes, DOM nodes, and the optimising compiles JavaScriptCore has
// reported so far: zero unless JSC_reportDFGCompileTimes / JSC_reportFTLCompileTimes ask for
// them) come before the memory's.
const header = "minute,refreshes,dom_nodes,dfg_compiles,ftl_compiles,web_anonymous_and_heap_mib,web_pss_mib";
// The driver's log holds the web process's stderr: JavaScriptCore's reports when JSC_* options
// ask for them (JSC_reportDFGCompileTimes=1 lists the functions its optimising tiers compiled).
// Written however the run ends: a web process that crashed says why there.
let rows;
try {
  rows = await sampleWebProcess(
    pid,
    Number(minutes),
    async () => [
      ...(await app.browser.execute(() => [window.__refreshes, document.getElementsByTagName("*").length])),
      ...compilesReported(app.driverLog()),
    ],
    (sofar) => writeFileSync(out, [header, ...sofar.map((r) => r.join(","))].join("\n") + "\n"),
  );
} finally {
  writeFileSync(out.replace(/\.csv$/, "") + "-driver.log", app.driverLog());
}
await app.stop();
await stack.stop();
console.log(`${rows.length} samples in ${out}`);
console.log(floorSummary(rows, header));
process.exit(0);
