// The soak's control without Hinomi: Debian's MiniBrowser (a bare WebKitGTK browser, the same
// WebKit as the app) showing webkit-chart-soak.html, seven uPlot charts redrawn every 5 s, with
// compositing off as the app runs it. Writes the web process's anonymous memory (smaps_rollup's
// Anonymous, which counts the heap too) every 15 s, so its growth can be set beside the app's
// (soak.mjs --stay): if a page with no Hinomi code grows the same way, the growth is WebKit's or
// uPlot's, not the app's.
//
//   xvfb-run -a node tests/e2e/bench/webkit-chart-soak.mjs <minutes> <out.csv> [uplot|canvas|path2d|static]
//
// uplot: setData on each plot every 5 s (as the app's refresh updates a plot in place);
// canvas: the same lines and labels drawn with the 2D context's own path; path2d: the same with a
// new Path2D per series stroked inside a Path2D clip, as uPlot draws; static: drawn once.

import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remote } from "webdriverio";
import { freePort, repoRoot, sleep } from "../lib/harness.mjs";

const minutes = Number(process.argv[2] ?? 30);
const out = process.argv[3] ?? join(repoRoot, "target", "soak", "webkit-chart-soak.csv");
const mode = process.argv[4] ?? "uplot";
if (!["uplot", "canvas", "path2d", "static"].includes(mode)) throw new Error(`mode: uplot, canvas, path2d or static, not ${mode}`);
const miniBrowser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const here = join(repoRoot, "tests", "e2e", "bench");
const uplot = join(repoRoot, "ui", "node_modules", "uplot", "dist");

// A file:// page may not load scripts from other directories, so uPlot goes inline.
const dir = mkdtempSync(join(tmpdir(), "hinomi-webkit-chart-soak-"));
const page = join(dir, "page.html");
writeFileSync(
  page,
  readFileSync(join(here, "webkit-chart-soak.html"), "utf8")
    .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${readFileSync(join(uplot, "uPlot.min.css"), "utf8")}</style>`)
    .replace(/<script src="[^"]*"><\/script>/, () => `<script>${readFileSync(join(uplot, "uPlot.iife.min.js"), "utf8")}</script>`)
    .replace("__MODE__", mode),
);

const port = await freePort();
// uPlot formats numbers for navigator.language, and a "C" locale is not a language tag.
const env = { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" };
const driver = spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore", env, detached: true });
await sleep(500);
const browser = await remote({
  hostname: "127.0.0.1",
  port,
  logLevel: "warn",
  capabilities: { "webkitgtk:browserOptions": { binary: miniBrowser, args: ["--automation"] } },
});
try {
  await browser.url(`file://${page}`);
  const charts = await browser.execute(() => document.querySelectorAll("canvas").length);
  if (charts !== 7) throw new Error(`the page drew ${charts} canvases, not 7`);
  // This driver's MiniBrowser, and its web process.
  const mini = execFileSync("pgrep", ["-P", String(driver.pid), "-f", "MiniBrowser"]).toString().trim().split("\n")[0];
  const web = execFileSync("pgrep", ["-P", mini, "-f", "WebKitWebProcess"]).toString().trim().split("\n")[0];
  const rows = ["minute,web_anonymous_mib"];
  const started = Date.now();
  while (Date.now() - started < minutes * 60_000) {
    const kib = Number(readFileSync(`/proc/${web}/smaps_rollup`, "utf8").match(/^Anonymous:\s+(\d+)/m)[1]);
    rows.push(`${((Date.now() - started) / 60_000).toFixed(2)},${(kib / 1024).toFixed(1)}`);
    writeFileSync(out, rows.join("\n") + "\n");
    await sleep(15_000);
  }
  console.log(`${mode}: ${rows.length - 1} samples, ${await browser.getTitle()}; wrote ${out}`);
} finally {
  await browser.deleteSession().catch(() => {});
  try {
    process.kill(-driver.pid, "SIGTERM");
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}
