// The soak's visits, sped up: the real app against the demo stack, the three seed dashboards
// opened in turn from the list, each as soon as the last one has painted (auto-refresh off, no
// error bursts; the alert poller runs at the app's 5 s), and the web process's anonymous memory +
// heap read every 15 s. The soak visits a dashboard every two minutes; this visits ~120 a minute
// on the two-core machine, so a minute of it is the visits of four hours of soak. Does the memory the
// visits leave behind keep growing with them, or level off as JavaScriptCore's tier-up of the
// refreshes did (refresh-churn.mjs)? It keeps growing, JIT or not (docs/benchmarks.md,
// twenty-seventh session). It ends by printing the floors.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/bench/visit-churn.mjs <minutes> <out.csv> [options]
//
//   --pause-ms=N           wait that long on each dashboard after it painted (default 0)
//   --dashboards=uid,uid   visit these in turn instead of the three seed dashboards (one uid:
//                          the list and that dashboard, back and forth)
//   --view=name            go to this view (e.g. targets) instead of a dashboard on every other
//                          visit: what leaving the dashboards keeps; with --dashboards=none,
//                          the dashboard list and this view in turn (no dashboard opened)
//   --dashboard-file=a.json
//                          a Grafana dashboard file put in the app's dashboards folder before it
//                          starts, to visit (with --dashboards=its uid)

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, repoRoot, sleep } from "../lib/harness.mjs";
import { appHomeWith } from "../lib/backfill.mjs";
import { sampleWebProcess, appProcess } from "./lib/memory.mjs";
import { openUntilPainted, SEED_DASHBOARDS } from "./lib/dashboards.mjs";
import { compilesReported, floorSummary } from "./lib/churn.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const [minutes = "8", out = join(repoRoot, "target", "visit-churn.csv")] = positional;
const option = (name) => process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split("=")[1];
const pauseMs = Number(option("pause-ms") ?? 0);
const dashboards = (option("dashboards") ?? SEED_DASHBOARDS.join(",")).split(",");
const otherView = option("view");
const dashboardFile = option("dashboard-file");

const stack = await startStack({ scrapeInterval: "5s" });
const settings = settingsFor(stack).replace("refresh_interval_secs = 2", "refresh_interval_secs = 5");
const app = await startApp({ settingsToml: settings, home: dashboardFile ? appHomeWith(JSON.parse(readFileSync(dashboardFile, "utf8"))) : undefined });
const pid = appProcess(app);

let visits = 0;
let stopped = false;
let visitError = null;
const visiting = (async () => {
  while (!stopped) {
    if (otherView && visits % 2 === 1) {
      await (await app.browser.$(`[data-testid="nav-${otherView}"]`)).click();
    } else if (dashboards[0] === "none") {
      await (await app.browser.$('[data-testid="nav-dashboards"]')).click();
      await (await app.browser.$('[data-testid="dashboard-item"]')).waitForExist({ timeout: 20_000 });
    } else {
      await openUntilPainted(app.browser, dashboards[Math.floor(visits / (otherView ? 2 : 1)) % dashboards.length]);
    }
    visits++;
    if (pauseMs > 0) await sleep(pauseMs);
  }
})().catch((error) => {
  visitError = error;
});

const header = "minute,visits,dom_nodes,dfg_compiles,ftl_compiles,web_anonymous_and_heap_mib,web_pss_mib";
let rows;
try {
  rows = await sampleWebProcess(
    pid,
    Number(minutes),
    async () => {
      if (visitError) throw visitError;
      return [visits, await app.browser.execute(() => document.getElementsByTagName("*").length), ...compilesReported(app.driverLog())];
    },
    (sofar) => writeFileSync(out, [header, ...sofar.map((r) => r.join(","))].join("\n") + "\n"),
  );
} finally {
  stopped = true;
  await visiting;
  writeFileSync(out.replace(/\.csv$/, "") + "-driver.log", app.driverLog());
  await app.stop();
  await stack.stop();
}
console.log(`${rows.length} samples, ${visits} visits in ${out}`);
console.log(floorSummary(rows, header));
process.exit(0);
