// A Prometheus backfilled with synthetic series (`hinomi-demo backfill`): the big query's
// benchmark and the many-series spec draw from it. Every series is
// `bench_metric{series="0000",job="bench"}` … with one point a step apart.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./harness.mjs";

const demoBinary = process.env.HINOMI_DEMO_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(repoRoot, "target"), "debug", "hinomi-demo");

/** A sleep that does not keep the process alive: the deadlines below race things that usually
 * win, and a pending 300 s timer held node (and the xvfb-run and dbus-run-session around it)
 * for five minutes after a benchmark's results were printed. */
export const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Starts `hinomi-demo backfill` (`series` × `points`, default the benchmark's 1,000 × 1,440) and
 * resolves with the JSON line it prints once every series answers (`url`, `metric`, `series`,
 * `points`, `step_secs`, `start_secs`, `end_secs`) and `stop()`.
 */
export async function startBackfill({ series, points } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "hinomi-backfill-"));
  const sizes = [...(series ? ["--series", String(series)] : []), ...(points ? ["--points", String(points)] : [])];
  // Its own process group, so the teardown reaches Prometheus too.
  const child = spawn(demoBinary, ["backfill", "--dir", dir, ...sizes], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((r) => child.on("exit", (code) => r(code)));
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await Promise.race([exited, deadline(10_000)]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const info = await Promise.race([
      new Promise((resolve) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          const end = out.indexOf("\n");
          if (end >= 0) resolve(JSON.parse(out.slice(0, end)));
        });
      }),
      exited.then((code) => {
        throw new Error(`hinomi-demo backfill exited (${code}):\n${log}`);
      }),
      deadline(300_000).then(() => {
        throw new Error(`hinomi-demo backfill not ready in 300 s:\n${log}`);
      }),
    ]);
    return { info, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Settings with one datasource, the backfilled Prometheus, as `bench-prometheus`. */
export function backfillSettings(info) {
  return `version = 1
language = "en"
refresh_interval_secs = 2

[[datasources]]
id = "bench-prometheus"
name = "Bench Prometheus"
kind = "prometheus"
url = "${info.url}"
timeout_ms = 60000
`;
}

/**
 * A dashboard `uid` of one full-width time series over the whole backfill, one point per sample
 * (`maxDataPoints` and `interval` are the backfill's), on `bench-prometheus`. `panel` and
 * `target` add to (or replace) the panel's and its query's fields.
 */
export function backfillDashboard(info, { uid, title, panel = {}, target = {} }) {
  const datasource = { type: "prometheus", uid: "bench-prometheus" };
  return {
    uid,
    title,
    schemaVersion: 39,
    version: 1,
    timezone: "utc",
    time: { from: new Date(info.start_secs * 1000).toISOString(), to: new Date(info.end_secs * 1000).toISOString() },
    panels: [
      {
        id: 1,
        type: "timeseries",
        title: info.metric,
        datasource,
        gridPos: { x: 0, y: 0, w: 24, h: 14 },
        maxDataPoints: info.points,
        interval: `${info.step_secs}s`,
        targets: [{ refId: "A", datasource, expr: info.metric, ...target }],
        ...panel,
      },
    ],
  };
}

/** A new app home (for startApp's `home`) whose dashboards folder holds these dashboards. */
export function appHomeWith(...dashboards) {
  const home = mkdtempSync(join(tmpdir(), "hinomi-e2e-app-"));
  const folder = join(home, "data", "app.hinomi.console", "dashboards");
  mkdirSync(folder, { recursive: true });
  for (const dashboard of dashboards) writeFileSync(join(folder, `${dashboard.uid}.json`), JSON.stringify(dashboard, null, 1));
  return home;
}
