// The installed app's launch behaviour (issue 15), on the real binary under Xvfb and a private
// D-Bus session bus with a fake tray host, as a desktop with a panel provides:
// - `--minimized` (what the autostart entry runs) starts in the tray: the window stays unmapped;
// - launching Hinomi again on the same files hands over to the running instance: the second
//   process exits with 0 at once, and the running window comes forward;
// - the same launch with `--minimized` (autostart while Hinomi already runs) leaves it hidden.
// `--help` and `--version` are tested without any display in src-tauri/tests/it/cli.rs.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { appBinary, startApp, screenshot, waitFor } from "../lib/harness.mjs";
import { mapState, startTrayHost } from "../lib/desktop.mjs";

/** Launches the app binary again with `env` and `args`; resolves with its exit code and output. */
function launchAgain(env, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(appBinary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the second launch did not exit within 20 s:\n${output}`));
    }, 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Everything the app logged so far (its log files under its XDG directories). */
function appLog(home) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/hinomi.*\.log/.test(name)) files.push(path);
    }
  };
  walk(home);
  return files.map((file) => readFileSync(file, "utf8")).join("\n");
}

describe("launching Hinomi", () => {
  let tray;
  let app;

  before(async () => {
    tray = await startTrayHost();
    app = await startApp({ settingsToml: 'version = 1\nlanguage = "en"\n', args: ["--minimized"] });
  });

  after(async () => {
    await app?.stop();
    tray?.stop();
  });

  it("starts in the tray with --minimized", async () => {
    await waitFor("the tray icon", async () => tray.items().length > 0, { timeoutMs: 15_000 });
    // The page loads behind the hidden window (WebDriver reaches it), but nothing is mapped.
    await app.browser.$('[data-testid="nav-targets"]').waitForExist({ timeout: 15_000 });
    assert.equal(await mapState(), "IsUnMapped");
    await waitFor("the log line", async () => appLog(app.home).includes("started in the tray (--minimized)"));
  });

  it("leaves the window hidden when autostart launches it again", async () => {
    const second = await launchAgain(app.env, ["--minimized"]);
    assert.equal(second.code, 0, second.output);
    await waitFor("the handover to be logged", async () =>
      appLog(app.home).includes("another launch (--minimized) left the running window as it is"),
    );
    assert.equal(await mapState(), "IsUnMapped");
  });

  it("brings the running window forward when launched again, and the second process exits", async () => {
    const started = Date.now();
    const second = await launchAgain(app.env);
    assert.equal(second.code, 0, second.output);
    // It handed over before opening anything of its own (a whole start takes seconds).
    assert.ok(Date.now() - started < 10_000, `the second launch took ${Date.now() - started} ms`);
    await waitFor("the window shown", async () => (await mapState()) === "IsViewable", { timeoutMs: 10_000 });
    assert.match(appLog(app.home), /another launch brought the running window forward/);
    const nav = await app.browser.$('[data-testid="nav-targets"]');
    await nav.click();
    await app.browser.$('[data-testid="targets-filter"]').waitForDisplayed({ timeout: 10_000 });
    await screenshot(app.browser, "instance-brought-forward");
  });
});
