// The e2e harness: real demo stack, real app binary, real WebDriver.
//
// Every suite gets its own demo stack on free loopback ports and its own app data (XDG
// directories in a temporary folder), so tests never see each other's settings or WebKit state.
// tauri-driver starts WebKitWebDriver, which launches the debug build of the app.

import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(repoRoot, "target");
export const appBinary = process.env.HINOMI_APP_BIN ?? join(targetDir, "debug", "hinomi");
const demoBinary = process.env.HINOMI_DEMO_BIN ?? join(targetDir, "debug", "hinomi-demo");
const execFileAsync = promisify(execFile);
export const screenshotDir = join(targetDir, "e2e-screenshots");

// A free loopback port, leased by `hinomi-demo free-ports` so that no other test's stack or
// driver on this machine is given it before its server binds it (crates/demo-stack/src/port_lease.rs).
export async function freePort() {
  const { stdout } = await execFileAsync(demoBinary, ["free-ports", "1"]);
  const port = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(port)) throw new Error(`hinomi-demo free-ports printed ${JSON.stringify(stdout)}`);
  return port;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
}

/** Signals the child's whole process group (it was spawned `detached`), ignoring a gone group. */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Sends SIGTERM to the child's process group, waits for the child to exit, SIGKILLs the group
 * after `graceMs`, and then SIGKILLs it once more for stragglers (WebKit helpers, an app whose
 * driver died first). Finally drops the child's pipes: a grandchild that still holds one would
 * otherwise keep this test file's process alive until the runner's timeout.
 */
async function terminate(child, graceMs = 10_000) {
  const running = child.exitCode === null && child.signalCode === null;
  if (running) {
    const exited = new Promise((r) => child.once("exit", r));
    signalGroup(child, "SIGTERM");
    const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      signalGroup(child, "SIGKILL");
      await Promise.race([exited, sleep(5_000)]);
    }
  }
  signalGroup(child, "SIGKILL");
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/**
 * Runs one teardown step, bounded by `limitMs`, and says on stderr when it was slow or gave up,
 * so a CI log shows which step held a suite up.
 */
async function bounded(what, step, limitMs) {
  const started = Date.now();
  let timer;
  const limit = new Promise((r) => (timer = setTimeout(() => r("timeout"), limitMs)));
  try {
    const outcome = await Promise.race([Promise.resolve().then(step).then(() => "done"), limit]);
    const took = Date.now() - started;
    if (outcome === "timeout") console.warn(`teardown: ${what} gave up after ${took} ms`);
    else if (took > 5_000) console.warn(`teardown: ${what} took ${took} ms`);
  } catch (err) {
    console.warn(`teardown: ${what} failed after ${Date.now() - started} ms: ${err.message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the real demo stack (Prometheus, Alertmanager, node-exporter, demo API). `extraArgs`
 * go to `hinomi-demo up` (e.g. `["--rule-for", "10s"]` for a test copy of the alert rules).
 * `logSearch: true` also starts OpenSearch and the log shipper (tens of seconds; only the suites
 * that search logs ask for it) and fails when the stack could not start them.
 */
export async function startStack({ scrapeInterval = "2s", extraArgs = [], logSearch = false } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), "hinomi-e2e-stack-"));
  const child = spawn(
    demoBinary,
    [
      "up",
      "--state-dir",
      stateDir,
      "--ports",
      "free",
      "--scrape-interval",
      scrapeInterval,
      ...(logSearch ? [] : ["--no-log-search"]),
      ...extraArgs,
    ],
    // Its own process group, so a teardown can kill Prometheus & co. if the supervisor is stuck.
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  const stackFile = join(stateDir, "stack.json");
  let stack;
  try {
    stack = await Promise.race([
      waitFor("the demo stack to come up", () =>
        existsSync(stackFile) ? JSON.parse(readFileSync(stackFile, "utf8")) : null,
        { timeoutMs: 120_000 },
      ),
      exited.then(({ code }) => {
        throw new Error(`hinomi-demo exited early (${code}):\n${output}`);
      }),
    ]);
  } catch (err) {
    // Never leave a half-started stack running into the next suite.
    await terminate(child);
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  const url = (name) => {
    const component = stack.components.find((c) => c.name === name);
    if (!component) throw new Error(`stack.json has no ${name}: ${JSON.stringify(stack)}`);
    return component.url;
  };
  if (logSearch) {
    const opensearch = stack.log_search?.processes?.find((p) => p.name === "opensearch" && p.url);
    const shipper = stack.log_search?.processes?.find((p) => p.name === "log-shipper");
    if (!opensearch || !shipper) {
      const why = stack.log_search?.missing ?? "not in stack.json";
      await terminate(child);
      rmSync(stateDir, { recursive: true, force: true });
      throw new Error(`the demo stack started without log search (scripts/install-deps.sh installs it): ${why}`);
    }
  }
  /** OpenSearch's URL when the stack runs log search. */
  const searchUrl = () => stack.log_search?.processes?.find((p) => p.name === "opensearch")?.url ?? null;
  const control = async (method, path) => {
    // The control server refuses requests without the stack's token (from stack.json).
    const response = await fetch(`${stack.control_url}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.control_token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  return {
    stateDir,
    stack,
    url,
    searchUrl,
    stopComponent: (name) => control("POST", `/components/${name}/stop`),
    startComponent: (name) => control("POST", `/components/${name}/start`),
    async stop() {
      await bounded("the demo stack's shutdown", async () => {
        try {
          await control("POST", "/shutdown");
        } catch {
          signalGroup(child, "SIGTERM");
        }
        const result = await Promise.race([exited, sleep(20_000).then(() => null)]);
        if (!result) console.warn("teardown: the demo stack ignored /shutdown for 20 s; killing it");
      }, 40_000);
      await terminate(child, 0);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes the app's settings file into an isolated config dir, then launches the app. Pass the
 * `home` of an app stopped with `stop({ keepHome: true })` to start it again on the same files.
 * `env`: extra variables for the app (the test hooks of a debug build); `args`: its command line;
 * `binary`: the app to launch (default: the build in the target dir, or HINOMI_APP_BIN).
 */
export async function startApp({ settingsToml, locale = "en_US.UTF-8", home: reuse, env = {}, args = [], binary = appBinary } = {}) {
  // scripts/test keeps every app's files (logs, settings, caches, incidents, reports) there, for
  // scripts/check-secret-leaks to search once the run is over.
  const keepRoot = process.env.HINOMI_E2E_KEEP_APP_DATA || null;
  if (keepRoot) mkdirSync(keepRoot, { recursive: true });
  const home = reuse ?? mkdtempSync(join(keepRoot ?? tmpdir(), "hinomi-e2e-app-"));
  const xdg = {
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_STATE_HOME: join(home, "state"),
  };
  const configDir = join(xdg.XDG_CONFIG_HOME, "app.hinomi.console");
  mkdirSync(configDir, { recursive: true });
  if (settingsToml) writeFileSync(join(configDir, "settings.toml"), settingsToml);
  // The person at the native "Read these log files?" dialog, which WebDriver cannot reach: the
  // debug build reads the answer from this file (src-tauri/src/commands/log_path_consent.rs).
  const logPathAnswer = join(home, "log-path-answer");
  writeFileSync(logPathAnswer, "accept");

  const port = await freePort();
  const nativePort = await freePort();
  // The private D-Bus has no Secret Service: datasource secrets stay in memory for the run
  // (the real keyring is tested by scripts/test-keyring).
  const appEnv = { HINOMI_SECRET_STORE: "memory", HINOMI_TEST_LOG_PATH_ANSWER: logPathAnswer, ...process.env, ...env, ...xdg, LANG: locale, LC_ALL: locale, LANGUAGE: "" };
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: tearing the driver down takes WebKitWebDriver and the app with it.
      detached: true,
      env: appEnv,
    },
  );
  let driverLog = "";
  driver.stdout.on("data", (d) => (driverLog += d));
  driver.stderr.on("data", (d) => (driverLog += d));
  let browser;
  // When the new-session request went out, the driver already listening: where a benchmark's
  // cold start begins (startup.mjs), as its baseline's does.
  let sessionRequested;
  try {
    await waitFor("tauri-driver to listen", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      return response.ok;
    }, { timeoutMs: 20_000 });
    sessionRequested = { perfMs: performance.now(), epochMs: Date.now() };
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: binary, args } },
    });
  } catch (err) {
    await terminate(driver);
    rmSync(home, { recursive: true, force: true });
    throw new Error(`${err.message}\ntauri-driver said:\n${driverLog}`);
  }
  return {
    browser,
    home,
    configDir,
    sessionRequested,
    /** The environment the app runs in: launch it again with this to reach the same files. */
    env: appEnv,
    driverLog: () => driverLog,
    /** How the next "Read these log files?" questions are answered: "accept" or "refuse". */
    answerLogPathQuestions: (answer) => writeFileSync(logPathAnswer, answer),
    /** The text of every such question asked so far. */
    logPathQuestions: () => (existsSync(`${logPathAnswer}.asked`) ? readFileSync(`${logPathAnswer}.asked`, "utf8") : ""),
    async stop({ keepHome = false } = {}) {
      // The app may already be gone, or hang on the way out; the driver's process group is
      // killed below either way.
      await bounded("closing the WebDriver session", () => browser.deleteSession(), 20_000);
      await bounded("stopping tauri-driver", () => terminate(driver), 30_000);
      // The app (and WebKit's helper processes, which write a shader cache) writes its data
      // dir until it is gone; retry for a while, then leave the temporary dir rather than fail
      // a suite whose tests passed.
      await sleep(300);
      for (let attempt = 1; !keepHome && !keepRoot; attempt++) {
        try {
          rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
          break;
        } catch (err) {
          if (attempt >= 10) {
            console.warn(`could not remove ${home}: ${err.message}`);
            break;
          }
          await sleep(1000);
        }
      }
    },
  };
}

/** Settings pointing the app at one demo stack. */
export function settingsFor(stack, { extraDatasources = "" } = {}) {
  return `version = 1
language = "en"
refresh_interval_secs = 2

[[datasources]]
id = "demo-prometheus"
name = "Demo Prometheus"
kind = "prometheus"
url = "${stack.url("prometheus")}"
timeout_ms = 3000

[[datasources]]
id = "demo-alertmanager"
name = "Demo Alertmanager"
kind = "alertmanager"
url = "${stack.url("alertmanager")}"
timeout_ms = 3000
${extraDatasources}`;
}

/**
 * Saves a screenshot of the app window under target/e2e-screenshots/. Waits for two animation
 * frames first: WebKit under Xvfb paints lazily, and without this the picture can show the
 * frame before the last DOM change (seen with the command palette).
 *
 * While the screenshot is taken, the page repaints one corner pixel every 50 ms, with a change
 * too faint to alter it (black at alpha 1/255 over an opaque page). The app runs with WebKit's
 * accelerated compositing off (src-tauri/src/webview.rs), and then WebKitGTK's screenshot waits
 * for the page's next repaint: on a page where nothing changes (a dashboard between refreshes)
 * it never returns. The picture is still WebKit's own copy of what the window shows.
 */
export async function screenshot(browser, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  const file = join(screenshotDir, `${name}.png`);
  await browser.execute(() => {
    const pixel = document.createElement("div");
    pixel.id = "e2e-screenshot-repaint";
    pixel.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.documentElement.append(pixel);
    let on = false;
    window.__e2eScreenshotRepaint = setInterval(() => {
      on = !on;
      pixel.style.backgroundColor = on ? "rgba(0, 0, 0, 0.004)" : "rgba(0, 0, 0, 0)";
    }, 50);
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    // The page may have navigated meanwhile; then there is nothing left to stop.
    await browser
      .execute(() => {
        clearInterval(window.__e2eScreenshotRepaint);
        document.getElementById("e2e-screenshot-repaint")?.remove();
      })
      .catch(() => {});
  }
  return file;
}

export { waitFor };
