// The soak's visits, sped up: the real app against the demo stack, the three seed dashboards
// opened in turn from the list, each as soon as the last one has painted (auto-refresh off, no
// error bursts; the alert poller runs at the app's 5 s), and the web process's anonymous memory +
// heap read every 15 s. The soak visits a dashboard every two minutes, so 8 minutes of this at
// ~1 visit a second are the visits of 8 hours of soak. Does the memory the visits leave behind
// keep growing with them, or level off as JavaScriptCore's tier-up of the refreshes did
// (refresh-churn.mjs)? It ends by printing the floors.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/bench/visit-churn.mjs <minutes> <out.csv> [--pause-ms=N]
//
// --pause-ms waits that long on each dashboard after it painted (default 0).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, repoRoot, sleep } from "../lib/harness.mjs";
import { sampleWebProcess, appProcess } from "./lib/memory.mjs";
import { openUntilPainted, SEED_DASHBOARDS } from "./lib/dashboards.mjs";
import { compilesReported, floorSummary } from "./lib/churn.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const [minutes = "8", out = join(repoRoot, "target", "visit-churn.csv")] = positional;
const pauseMs = Number(process.argv.find((a) => a.startsWith("--pause-ms="))?.split("=")[1] ?? 0);

const stack = await startStack({ scrapeInterval: "5s" });
const settings = settingsFor(stack).replace("refresh_interval_secs = 2", "refresh_interval_secs = 5");
const app = await startApp({ settingsToml: settings });
const pid = appProcess(app);

let visits = 0;
let stopped = false;
let visitError = null;
const visiting = (async () => {
  while (!stopped) {
    await openUntilPainted(app.browser, SEED_DASHBOARDS[visits % SEED_DASHBOARDS.length]);
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
}
await app.stop();
await stack.stop();
console.log(`${rows.length} samples, ${visits} visits in ${out}`);
console.log(floorSummary(rows, header));
process.exit(0);
