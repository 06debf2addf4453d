// Cold start to the Targets view painted, and memory with it open, against a baseline measured
// in the same run: Debian's MiniBrowser (a bare WebKitGTK browser) opening a static page with
// the same table. Both are launched through WebKit's WebDriver, so the driver's own cost is in
// both numbers. Run under Xvfb: `xvfb-run -a node tests/e2e/bench/startup.mjs [runs]`.

import { spawn, execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";
import { startStack, startApp, settingsFor, freePort, appBinary, sleep } from "../lib/harness.mjs";

const runs = Number(process.argv[2] ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const miniBrowser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const painted = '[data-testid="target-row"][data-health="up"]';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function children(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function processTree(rootPid) {
  const all = [rootPid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

function pssKiB(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function findProcessByExe(exe) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === exe) return Number(entry);
    } catch {
      // Not ours to read, or gone.
    }
  }
  return null;
}

function treeMemory(rootPid) {
  const pids = processTree(rootPid);
  const names = pids.map((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, "utf8").trim();
    } catch {
      return "?";
    }
  });
  return { mib: pids.reduce((sum, p) => sum + pssKiB(p), 0) / 1024, names };
}

async function waitPainted(browser) {
  for (;;) {
    const rows = await browser.$$(painted);
    if (rows.length >= 3) return;
    await sleep(20);
  }
}

async function measureHinomi(stack) {
  const started = performance.now();
  const app = await startApp({ settingsToml: settingsFor(stack) });
  await waitPainted(app.browser);
  const ms = performance.now() - started;
  await sleep(1500); // let the view settle before measuring memory
  const pid = findProcessByExe(execFileSync("realpath", [appBinary]).toString().trim());
  const memory = pid ? treeMemory(pid) : { mib: NaN, names: [] };
  let selfReported = NaN;
  const logDir = join(app.home, "data", "app.hinomi.console", "logs");
  if (existsSync(logDir)) {
    for (const file of readdirSync(logDir)) {
      const m = /first paint.*?ms=([\d.]+)/.exec(readFileSync(join(logDir, file), "utf8"));
      if (m) selfReported = Number(m[1]);
    }
  }
  await app.stop();
  await sleep(500);
  return { ms, memory, selfReported };
}

async function measureBaseline() {
  const port = await freePort();
  const driver = spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore" });
  await sleep(300);
  const started = performance.now();
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
  await sleep(1500);
  const pid = findProcessByExe(miniBrowser);
  const memory = pid ? treeMemory(pid) : { mib: NaN, names: [] };
  await browser.deleteSession().catch(() => {});
  driver.kill("SIGTERM");
  await sleep(500);
  return { ms, memory };
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
console.log(row("memory, PSS of all processes", median(hinomi.map((r) => r.memory.mib)), median(baseline.map((r) => r.memory.mib)), "MiB"));
console.log(`Hinomi self-reported first paint (process start → rows painted): ${median(hinomi.map((r) => r.selfReported)).toFixed(0)} ms`);
console.log(`Hinomi processes: ${hinomi.at(-1)?.memory.names.join(", ")}; baseline processes: ${baseline.at(-1)?.memory.names.join(", ")}`);
