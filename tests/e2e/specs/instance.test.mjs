// The installed app's launch behaviour (issue 15), on the real binary under Xvfb and a private
// D-Bus session bus with a fake tray host, as a desktop with a panel provides:
// - `--minimized` (what the autostart entry runs) starts in the tray: the window stays unmapped;
// - launching Hinomi again on the same files hands over to the running instance: the second
//   process exits with 0 at once, and the running window comes forward;
// - the same launch with `--minimized` (autostart while Hinomi already runs) leaves it hidden;
// - the Settings switch "Start Hinomi at login" writes and removes the XDG autostart entry, and
//   the entry's command, run as a session would at login, starts Hinomi in the tray.
// `--help` and `--version` are tested without any display in src-tauri/tests/it/cli.rs.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { appBinary, startApp, screenshot, waitFor } from "../lib/harness.mjs";
import { mapState, startTrayHost } from "../lib/desktop.mjs";

/** Launches the app binary again with `env` and `args`; resolves with its exit code and output. */
function launchAgain(env, args = [], program = appBinary) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ["ignore", "pipe", "pipe"] });
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

/**
 * The command of a desktop entry's `Exec` line, split as the Desktop Entry spec says: quoted
 * arguments with `\\`, `"`, `` ` `` and `$` escaped inside, `%%` for a percent sign.
 */
function execCommand(entry) {
  const line = /^Exec=(.*)$/m.exec(entry)?.[1];
  assert.ok(line, `no Exec line in:\n${entry}`);
  const args = [];
  for (const match of line.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g)) {
    args.push((match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]).replaceAll("%%", "%"));
  }
  return args;
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
    // The log is written off the main thread, so the line can land just after the window maps.
    await waitFor("the handover to be logged", async () => /another launch brought the running window forward/.test(appLog(app.home)));
    const nav = await app.browser.$('[data-testid="nav-targets"]');
    await nav.click();
    await app.browser.$('[data-testid="targets-filter"]').waitForDisplayed({ timeout: 10_000 });
    await screenshot(app.browser, "instance-brought-forward");
  });

  it("writes and removes the autostart entry from Settings, and the entry starts Hinomi in the tray", async () => {
    const { browser } = app;
    const home = app.home;
    const entry = join(app.env.XDG_CONFIG_HOME, "autostart", "app.hinomi.console.desktop");
    assert.equal(existsSync(entry), false);
    await browser.$('[data-testid="nav-settings"]').click();
    const toggle = await browser.$('[data-testid="settings-autostart-toggle"]');
    await browser.$('[data-testid="settings-autostart"][data-loaded="true"]').waitForExist({ timeout: 10_000 });
    assert.equal(await toggle.isSelected(), false);
    await toggle.click();
    await waitFor("the entry written", async () => existsSync(entry));
    await screenshot(browser, "settings-autostart-on");
    const [program, ...args] = execCommand(readFileSync(entry, "utf8"));
    assert.deepEqual(args, ["--minimized"]);
    await toggle.click();
    await waitFor("the entry removed", async () => !existsSync(entry));
    await toggle.click();
    await waitFor("the entry written again", async () => existsSync(entry));

    // Log out and in: the session runs the entry's command. It starts Hinomi in the tray.
    const loggedOut = app;
    app = null;
    await loggedOut.stop({ keepHome: true });
    const logged = appLog(home).split("started in the tray (--minimized)").length;
    const icons = tray.items().length;
    const atLogin = spawn(program, args, { env: loggedOut.env, stdio: "ignore" });
    try {
      await waitFor("Hinomi started from the entry, in the tray", async () =>
        appLog(home).split("started in the tray (--minimized)").length > logged,
        { timeoutMs: 20_000 },
      );
      assert.equal(await mapState(), "IsUnMapped");
      // A new process, a new icon (the tray host keeps the stopped one's entry).
      await waitFor("its tray icon", async () => tray.items().length > icons, { timeoutMs: 10_000 });
    } finally {
      atLogin.kill("SIGTERM");
      if (!process.env.HINOMI_E2E_KEEP_APP_DATA) rmSync(home, { recursive: true, force: true });
    }
  });
});
