// Runs the e2e spec files on N workers, each spec under its own Xvfb display and its own private
// D-Bus session, so two specs never share a notification server, a tray watcher or a screen.
//
// Why: most of an e2e spec's wall time is waiting — for a poll interval, an alert's `for:`, a
// JVM to start — not CPU, so two specs side by side on a 2-core CI machine take little more than
// the longer of the two. Every spec already brings its own demo stack on free ports and its own
// app data (lib/harness.mjs), so nothing else is shared.
//
//   node lib/run-parallel.mjs [--jobs N] [spec ...]     (from tests/e2e; default: every spec)
//
// Each spec's output is printed whole when it ends (not interleaved), with its duration; the
// exit status is non-zero if any spec failed. A spec still running after
// HINOMI_E2E_SPEC_TIMEOUT_S seconds (default 900) is killed and fails with its output printed,
// and so are the running specs when the runner itself is stopped (e.g. by CI's `timeout`): a
// hung run still shows where it hung. `npm test` still runs everything in one process, one
// spec at a time, on the caller's display and bus.

import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Longest first (durations of a CI run), so the long specs do not end up last on one worker
// while the other idles. Only a scheduling hint: a spec missing here runs after these.
const LONGEST_FIRST = [
  "alerts-desktop",
  "incidents",
  "alerts-routes",
  "alerts",
  "offline",
  "logs",
  "hostile",
  "logs-local",
];

function parseArgs(argv) {
  let jobs = Number(process.env.HINOMI_E2E_JOBS ?? 2);
  const specs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--jobs") jobs = Number(argv[++i]);
    else specs.push(resolve(argv[i]));
  }
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer, got ${jobs}`);
  return { jobs, specs };
}

/** Spec files, longest first (the named ones too), so no long one starts last. */
function longestFirst(paths) {
  const rank = (path) => {
    const i = LONGEST_FIRST.indexOf(basename(path).replace(/\.test\.mjs$/, ""));
    return i === -1 ? LONGEST_FIRST.length : i;
  };
  return [...paths].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function allSpecs() {
  const dir = join(e2eDir, "specs");
  return longestFirst(readdirSync(dir).filter((f) => f.endsWith(".test.mjs")).map((f) => join(dir, f)));
}

// xvfb-run's --auto-servernum picks the first display without a lock file; two workers starting
// at the same moment could pick the same one, so each start claims a number here first.
const claimedDisplays = new Set();
function freeDisplay() {
  for (let n = 100; n < 400; n++) {
    if (!claimedDisplays.has(n) && !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) {
      claimedDisplays.add(n);
      return n;
    }
  }
  throw new Error("no free X display number between 100 and 400");
}

const specTimeoutMs = Number(process.env.HINOMI_E2E_SPEC_TIMEOUT_S ?? 900) * 1000;

/** The specs running now: their output so far, and a way to stop each. */
const running = new Map();

/** Ends a spec's whole process group (xvfb-run, Xvfb, the bus, node, the app): TERM, then KILL. */
function stopGroup(child) {
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  setTimeout(() => signal("SIGKILL"), 10_000).unref();
}

function runSpec(spec) {
  const display = freeDisplay();
  const started = Date.now();
  const child = spawn(
    "xvfb-run",
    [
      `--server-num=${display}`,
      "--server-args=-screen 0 1440x900x24",
      "dbus-run-session",
      "--",
      "node",
      "--test",
      "--test-concurrency=1",
      "--test-timeout=600000",
      "--test-force-exit",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=./lib/durations-reporter.mjs",
      "--test-reporter-destination=stdout",
      spec,
    ],
    // Its own process group, so a timeout can stop everything it started.
    { cwd: e2eDir, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const entry = { output: "", child };
  running.set(spec, entry);
  child.stdout.on("data", (d) => (entry.output += d));
  child.stderr.on("data", (d) => (entry.output += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    entry.output += `\n[run-parallel] ${relative(e2eDir, spec)} still running after ${specTimeoutMs / 1000} s: stopped\n`;
    stopGroup(child);
  }, specTimeoutMs);
  return new Promise((done) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(spec);
      claimedDisplays.delete(display);
      const failedCode = timedOut && code === 0 ? 1 : code;
      done({ spec, code: failedCode, signal, output: entry.output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

// Stopped from outside (CI's `timeout`, Ctrl+C): print what the running specs said so far and
// stop them, so the log shows where the run was.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    for (const [spec, { output, child }] of running) {
      console.log(`\n──── ${relative(e2eDir, spec)}: STOPPED by ${signal}, its output so far ────\n${output}`);
      stopGroup(child);
    }
    process.exit(1);
  });
}

async function main() {
  const { jobs, specs: requested } = parseArgs(process.argv.slice(2));
  const queue = requested.length > 0 ? longestFirst(requested) : allSpecs();
  const total = queue.length;
  const results = [];
  const started = Date.now();
  const worker = async (id) => {
    for (let spec = queue.shift(); spec; spec = queue.shift()) {
      const name = relative(e2eDir, spec);
      console.log(`▶ [worker ${id}] ${name}`);
      const result = await runSpec(spec);
      results.push(result);
      const verdict = result.code === 0 ? "passed" : `FAILED (exit ${result.code ?? result.signal})`;
      console.log(`\n──── ${name}: ${verdict} in ${result.seconds.toFixed(0)} s ────\n${result.output}`);
      console.log(`──── end of ${name} (${results.length}/${total} specs done) ────\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, total) }, (_, i) => worker(i + 1)));
  const failed = results.filter((r) => r.code !== 0);
  console.log(`e2e: ${total - failed.length}/${total} spec files passed on ${jobs} workers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const r of [...results].sort((a, b) => b.seconds - a.seconds)) {
    console.log(`  ${r.seconds.toFixed(0).padStart(5)} s  ${relative(e2eDir, r.spec)}${r.code === 0 ? "" : "  FAILED"}`);
  }
  // Again at the very end, where a CI log cut to its last lines still shows it: why each failed.
  for (const r of failed) {
    console.log(`\n──── why ${relative(e2eDir, r.spec)} failed ────\n${failureSummary(r.output)}`);
  }
  process.exitCode = failed.length > 0 ? 1 : 0;
}

/**
 * The spec reporter's closing "failing tests" section (each failed test with its error), cut to
 * its first lines; the output's last lines when there is none (a crash, a timeout).
 */
function failureSummary(output, maxLines = 40) {
  // Node's own frames say nothing about the spec.
  const lines = output.split("\n").filter((line) => !/^\s+at .*\(?node:/.test(line));
  const start = lines.findIndex((line) => line.includes("failing tests:"));
  const picked = start === -1 ? lines.slice(-maxLines) : lines.slice(start, start + maxLines);
  return picked.join("\n");
}

await main();
