// One view left open on the demo stack: the web process's anonymous memory and the CPU time of
// the app and web processes, sampled every 30 s. It answers "what does a view cost while nobody
// touches it": its polls' and clocks' work, and (with --frames) what that work leaves behind
// while something on screen animates.
//
//   xvfb-run -a -s "-screen 0 1440x900x24" dbus-run-session -- \
//     node tests/e2e/bench/view-idle.mjs [view] [minutes] [--frames]
//
// view: a sidebar entry (targets, alerts, incidents, settings...; default targets). --frames
// runs a requestAnimationFrame loop in the page that changes nothing, as any animation on screen
// would (a spinner, a hover effect). HINOMI_APP_BIN picks the build.

import { readFileSync } from "node:fs";
import { startStack, startApp, settingsFor, appBinary, sleep } from "../lib/harness.mjs";
import { processName, processTree, median, appProcess } from "./lib/memory.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const view = positional[0] ?? "targets";
const minutes = Number(positional[1] ?? 8);
const frames = process.argv.includes("--frames");
const SAMPLE_MS = 30_000;

/** User + system CPU seconds of a process (/proc/PID/stat fields 14 and 15, in clock ticks). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function anonMiB(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss_Anon:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) / 1024;
}

const stack = await startStack({ scrapeInterval: "5s" });
const app = await startApp({ settingsToml: settingsFor(stack) });
try {
  const appPid = appProcess(app);
  const webPid = processTree(appPid).find((pid) => processName(pid).startsWith("WebKitWebProces"));
  if (!appPid || !webPid) throw new Error(`no app (${appPid}) or web process (${webPid})`);
  await (await app.browser.$(`[data-testid="nav-${view}"]`)).click();
  await (await app.browser.$(`[data-testid="view-${view}"]`)).waitForExist({ timeout: 30_000 });
  await sleep(10_000); // past the view's first load
  if (frames) {
    await app.browser.execute(() => {
      const step = () => requestAnimationFrame(step);
      requestAnimationFrame(step);
    });
  }
  const samples = [];
  const started = Date.now();
  for (;;) {
    const at = (Date.now() - started) / 60_000;
    samples.push({ at, anon: anonMiB(webPid), webCpu: cpuSeconds(webPid), appCpu: cpuSeconds(appPid) });
    const s = samples.at(-1);
    console.log(`${at.toFixed(1)} min: web anonymous ${s.anon.toFixed(1)} MiB, CPU web ${s.webCpu.toFixed(2)} s, app ${s.appCpu.toFixed(2)} s`);
    if (at >= minutes) break;
    await sleep(SAMPLE_MS);
  }
  const first = samples[0];
  const last = samples.at(-1);
  const span = last.at - first.at;
  const perMinute = (key) => ((last[key] - first[key]) / span).toFixed(2);
  console.log(
    `${view}${frames ? " with frames" : ""}, ${span.toFixed(1)} min; web anonymous: start ${first.anon.toFixed(1)}, ` +
      `median ${median(samples.map((s) => s.anon)).toFixed(1)}, max ${Math.max(...samples.map((s) => s.anon)).toFixed(1)}, ` +
      `end ${last.anon.toFixed(1)} MiB; CPU per minute: web ${perMinute("webCpu")} s, app ${perMinute("appCpu")} s; app ${appBinary}`,
  );
} finally {
  await app.stop();
  await stack.stop();
}
