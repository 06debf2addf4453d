// The desktop side of alerts, against the real demo stack and a recording D-Bus notification
// server (run under `dbus-run-session`):
// - a personal watch rule is checked as it is typed (line, column, rule), evaluated by Hinomi
//   against the real Prometheus, shows on the board (source "local-rules") and notifies;
// - a group snoozed from its header is not notified, and after a restart the snooze holds and
//   groups already told are not told again (the planner's memory is on disk);
// - do-not-disturb saved in Settings holds back a warning group while a critical one gets
//   through;
// - with a tray host on the bus (a fake StatusNotifierWatcher, as a desktop panel provides), the
//   tray icon's label is the firing count, and closing the window hides it: notifications keep
//   coming, and a notification's "Open" brings the window back;
// - an Alertmanager that stops answering is itself a notification (through do-not-disturb); its
//   return is good news, held back while do-not-disturb is on.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { startNotificationServer } from "../lib/notifications.mjs";
import { mapState, startTrayHost } from "../lib/desktop.mjs";
import { appLogLinesWith } from "../lib/app-log.mjs";

const run = promisify(execFile);
const lib = join(dirname(fileURLToPath(import.meta.url)), "..", "lib");

/** A watch rule that fires at once (`for: 0s`) on the demo Prometheus's own `up` series. */
function rule(name, severity, summary) {
  return `  - alert: ${name}
    expr: up{job="prometheus"} == 1
    for: 0s
    labels:
      severity: ${severity}
    annotations:
      summary: "${summary}"
`;
}

const rules = (...bodies) => `groups:\n- name: e2e-watches\n  rules:\n${bodies.join("")}`;

// The watch rules the tests add one after another; each test keeps the earlier ones.
const WATCH_UP = rule("E2EWatchUp", "warning", "ウォッチ: {{ $labels.job }} は稼働中");
const SNOOZED = rule("E2ESnoozed", "warning", "スヌーズされるはず");
const CONTROL = rule("E2EControl", "warning", "スヌーズされない対照");
const QUIET_WARNING = rule("E2EQuietWarning", "warning", "おやすみモード中の warning");
const LOUD_CRITICAL = rule("E2ELoudCritical", "critical", "おやすみモード中の critical");

async function setRules(browser, text) {
  const editor = await browser.$('[data-testid="watch-rules-text"]');
  await editor.waitForDisplayed({ timeout: 10_000 });
  // Typed text gets no auto-indent in a textarea, but typing 300 characters is slow; set it the
  // way an input event would.
  await browser.execute((value) => {
    const el = document.querySelector('[data-testid="watch-rules-text"]');
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
}

async function saveRules(browser) {
  const save = await browser.$('[data-testid="watch-rules-save"]');
  await waitFor("the rules checked valid", async () => await save.isEnabled(), { timeoutMs: 10_000 });
  await save.click();
  await waitFor(
    "the rules saved",
    async () => /Saved/.test(await (await browser.$('[data-testid="watch-rules-status"]')).getText()),
    { timeoutMs: 10_000 },
  );
}

async function openTab(browser, tab) {
  await (await browser.$(`[data-testid="alerts-tab-${tab}"]`)).click();
}

function summaries(notifications, prefix) {
  return notifications.records().filter((r) => r.summary.startsWith(prefix));
}

/** The notifications whose summary starts with `prefix`, once there is one (a group is told
 * one group_wait, 30 s, after it was first seen). */
function waitUntilTold(notifications, prefix) {
  return waitFor(`a notification for ${prefix}`, () => {
    const found = summaries(notifications, prefix);
    return found.length > 0 ? found : null;
  }, { timeoutMs: 60_000, intervalMs: 1000 });
}

describe("Alerts on the desktop", () => {
  let stack;
  let app;
  let notifications;
  let tray;

  before(async () => {
    notifications = await startNotificationServer();
    tray = await startTrayHost();
    stack = await startStack({ scrapeInterval: "2s" });
    app = await startApp({ settingsToml: settingsFor(stack) });
    await (await app.browser.$('[data-testid="nav-alerts"]')).click();
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    notifications?.stop();
    tray?.stop();
  });

  it("checks a watch rule as it is typed, then shows and notifies its alert", async () => {
    const { browser } = app;
    await openTab(browser, "watch");
    // The rule has no expr: the problem names its line, column and rule, like promtool.
    await setRules(browser, "groups:\n- name: e2e-watches\n  rules:\n  - alert: Broken\n    for: 1m\n");
    const problem = await browser.$('[data-testid="watch-rule-problem"]');
    await problem.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await problem.getAttribute("data-line"), "4");
    assert.equal(await problem.getAttribute("data-column"), "5");
    assert.equal(await problem.getAttribute("data-rule"), "Broken");
    assert.match(await problem.getText(), /expr/);
    assert.equal(await (await browser.$('[data-testid="watch-rules-save"]')).isEnabled(), false);
    await screenshot(browser, "alerts-watch-rules-problem");

    await setRules(browser, rules(WATCH_UP));
    await saveRules(browser);
    const status = await browser.$('[data-testid="watch-rule-row"][data-rule="E2EWatchUp"]');
    await waitFor("the rule evaluated", async () => (await status.isExisting()) && /1/.test(await status.getText()), {
      timeoutMs: 20_000,
    });
    assert.equal(await status.getAttribute("data-ok"), "true");
    await screenshot(browser, "alerts-watch-rules-saved");

    await openTab(browser, "board");
    const row = await browser.$('[data-testid="alert-row"][data-alertname="E2EWatchUp"]');
    await row.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await row.getAttribute("data-state"), "firing");
    assert.match(await row.getText(), /ウォッチ: prometheus は稼働中/);
    await row.click();
    assert.match(await (await browser.$('[data-testid="alert-detail-sources"]')).getText(), /local-rules/);
    assert.equal(await (await browser.$('[data-testid="alert-detail-value"]')).getText(), "1");
    await screenshot(browser, "alerts-watch-rule-on-board");

    // The same notification path as server alerts: one popup after group_wait (30s).
    const told = await waitUntilTold(notifications, "E2EWatchUp");
    assert.equal(told[0].summary, "E2EWatchUp: 1 firing (warning)");
    assert.equal(told[0].body, "ウォッチ: prometheus は稼働中");
    assert.equal(told[0].hints.urgency, 1);
  });

  it("keeps a snoozed group quiet, and after a restart neither repeats nor forgets", async () => {
    let { browser } = app;
    await openTab(browser, "watch");
    await setRules(browser, rules(WATCH_UP, SNOOZED, CONTROL));
    await saveRules(browser);
    await openTab(browser, "board");
    const header = '[data-testid="alert-group"][data-alertname="E2ESnoozed"]';
    await (await browser.$(header)).waitForDisplayed({ timeout: 20_000 });
    // Snoozed well inside the group's 30s group_wait.
    await (await browser.$(`${header} [data-testid="alert-group-snooze"]`)).click();
    await (await browser.$(`${header} [data-testid="alert-group-snooze-4h"]`)).click();
    await (await browser.$(`${header} [data-testid="alert-group-snoozed"]`)).waitForDisplayed({ timeout: 10_000 });
    await screenshot(browser, "alerts-group-snoozed");
    // The control group started in the same poll with the same group_wait: once it is told, the
    // snoozed one would have been too.
    await waitUntilTold(notifications, "E2EControl");
    assert.deepEqual(summaries(notifications, "E2ESnoozed"), [], "a snoozed group is not notified");

    // Restart on the same files.
    const before = notifications.records().length;
    const home = app.home;
    await app.stop({ keepHome: true });
    app = await startApp({ home });
    browser = app.browser;
    await (await browser.$('[data-testid="nav-alerts"]')).click();
    await (await browser.$(`${header} [data-testid="alert-group-snoozed"]`)).waitForDisplayed({ timeout: 30_000 });
    await (await browser.$('[data-testid="alert-group"][data-alertname="E2EWatchUp"]')).waitForDisplayed();
    await screenshot(browser, "alerts-snooze-after-restart");
    // A group first seen after the restart is told one group_wait after that; a planner that
    // forgot what it had told would have told the three older groups again by then.
    await openTab(browser, "watch");
    await setRules(browser, rules(WATCH_UP, SNOOZED, CONTROL, rule("E2EAfterRestart", "warning", "再起動後の新しいグループ")));
    await saveRules(browser);
    await waitUntilTold(notifications, "E2EAfterRestart");
    const after = notifications.records().slice(before);
    assert.deepEqual(
      after.map((r) => r.summary),
      ["E2EAfterRestart: 1 firing (warning)"],
      "nothing told again after the restart",
    );
  });

  it("holds back a warning group during do-not-disturb and lets a critical one through", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="nav-settings"]')).click();
    const dnd = await browser.$('[data-testid="notify-dnd"]');
    await dnd.waitForDisplayed({ timeout: 10_000 });
    await dnd.click();
    assert.equal(await (await browser.$('[data-testid="notify-critical-through"]')).isSelected(), true);
    await (await browser.$('[data-testid="notify-save"]')).click();
    await waitFor("the notification settings saved", async () =>
      /Saved/.test(await (await browser.$('[data-testid="notify-status"]')).getText()),
    );
    await screenshot(browser, "settings-notifications-dnd");
    const saved = readFileSync(join(app.configDir, "settings.toml"), "utf8");
    assert.match(saved, /\[alert_notifications\][^[]*do_not_disturb = true/s, saved);

    await (await browser.$('[data-testid="nav-alerts"]')).click();
    await openTab(browser, "watch");
    await setRules(
      browser,
      rules(
        WATCH_UP,
        SNOOZED,
        QUIET_WARNING,
        LOUD_CRITICAL,
      ),
    );
    await saveRules(browser);
    const critical = await waitUntilTold(notifications, "E2ELoudCritical");
    assert.equal(critical[0].hints.urgency, 2);
    // The planner's decision, from the app's log: the warning group was due and held back.
    await waitFor("the warning group held back", () =>
      appLogLinesWith(app.home, "notification held back").some((line) => line.includes("E2EQuietWarning") && line.includes("reason=DoNotDisturb")),
    { timeoutMs: 30_000 });
    assert.deepEqual(summaries(notifications, "E2EQuietWarning"), [], "the warning group is held back");
    await openTab(browser, "board");
    await (await browser.$('[data-testid="alert-group"][data-alertname="E2EQuietWarning"]')).waitForDisplayed();
    await screenshot(browser, "alerts-board-dnd");
  });

  it("shows the firing count on the tray, and keeps notifying with the window closed", async () => {
    const { browser } = app;
    // The live tray item: the newest one that still answers (an earlier app instance left one).
    const item = () => tray.items().filter((i) => !i.error && i.properties?.Id).at(-1);
    const label = () => item()?.properties?.XAyatanaLabel;
    await openTab(browser, "board");
    const firingOnBoard = () =>
      browser.execute(() => document.querySelectorAll('[data-testid="alert-row"][data-state="firing"]').length);
    await waitFor("the tray label to match the board's firing count", async () => {
      const firing = await firingOnBoard();
      return firing > 0 && label() === String(firing);
    }, { timeoutMs: 30_000 }).catch((err) => {
      throw new Error(`${err.message}; tray items: ${JSON.stringify(tray.items())}`);
    });
    const before = Number(label());

    await openTab(browser, "watch");
    await setRules(
      browser,
      rules(
        WATCH_UP,
        SNOOZED,
        QUIET_WARNING,
        LOUD_CRITICAL,
        rule("E2EWindowClosed", "critical", "ウィンドウを閉じても通知"),
      ),
    );
    await saveRules(browser);
    await waitFor("the tray label to count the new alert", () => label() === String(before + 1), {
      timeoutMs: 20_000,
    });
    assert.equal(await mapState(), "IsViewable");

    // Close the window like a window manager's close button: it hides, Hinomi keeps running.
    await run("/usr/bin/python3", [join(lib, "close_window.py"), "Hinomi"]);
    await waitFor("the window hidden", async () => (await mapState()) === "IsUnMapped", { timeoutMs: 10_000 });
    const told = await waitFor("a notification with the window closed", async () => {
      const found = summaries(notifications, "E2EWindowClosed");
      return found.length > 0 ? found : null;
    }, { timeoutMs: 60_000, intervalMs: 1000 });
    assert.equal(await mapState(), "IsUnMapped", "still hidden when the notification came");
    assert.equal(told[0].hints.urgency, 2);

    // "Open" on the notification brings the window back, at the group.
    await notifications.invoke(told[0].id, "open");
    await waitFor("the window shown again", async () => (await mapState()) === "IsViewable", { timeoutMs: 10_000 });
    await (await browser.$('[data-testid="alert-group"][data-alertname="E2EWindowClosed"]')).waitForDisplayed({
      timeout: 15_000,
    });
    await screenshot(browser, "alerts-window-reopened");

    // The tray menu, clicked over D-Bus as a panel does: "Pause notifications for 1 hour".
    const { bus_name: busName, properties, menu } = item();
    const labels = menu.map((entry) => entry.label);
    // First the status line, the tooltip's text (every source reachable: nothing "last known").
    assert.match(labels[0], /^Hinomi: (\d+ firing, worst \w+|no alerts firing)$/, labels[0]);
    assert.deepEqual(labels.slice(1), ["Open Hinomi", "Pause notifications for 1 hour", "Quit"]);
    const pause = menu.find((entry) => entry.label.startsWith("Pause"));
    await run("dbus-send", [
      "--session",
      "--type=method_call",
      `--dest=${busName}`,
      properties.Menu,
      "com.canonical.dbusmenu.Event",
      `int32:${pause.id}`,
      "string:clicked",
      "variant:int32:0",
      "uint32:0",
    ]);
    const banner = await browser.$('[data-testid="alerts-notifications-paused"]');
    await banner.waitForDisplayed({ timeout: 40_000 });
    await screenshot(browser, "alerts-paused-from-tray");
    await (await browser.$('[data-testid="alerts-notifications-resume"]')).click();
    await banner.waitForDisplayed({ timeout: 10_000, reverse: true });
  });

  it("tells the desktop when monitoring goes blind: Alertmanager unreachable", async () => {
    const before = notifications.records().length;
    await stack.stopComponent("alertmanager");
    // Two poll intervals (2s each) and then some; critical, so do-not-disturb lets it through.
    const blind = await waitFor("the unreachable notice", () =>
      notifications.records().slice(before).find((r) => r.summary === "Cannot reach Demo Alertmanager"),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(blind.hints.urgency, 2);
    const banner = await app.browser.$('[data-testid="alerts-source-error"]');
    await banner.waitForDisplayed({ timeout: 30_000 });
    await screenshot(app.browser, "alerts-source-unreachable");
    const heldBefore = appLogLinesWith(app.home, "kind=SourceRecovered").length;
    await stack.startComponent("alertmanager");
    await banner.waitForDisplayed({ timeout: 60_000, reverse: true });
    // Good news never breaks do-not-disturb (still on from the test above): the planner held it
    // back (its decision is in the app's log), and nothing was shown.
    await waitFor("the recovery notice held back", () =>
      appLogLinesWith(app.home, "kind=SourceRecovered").slice(heldBefore).some((line) => line.includes("reason=DoNotDisturb")),
    { timeoutMs: 30_000 });
    assert.equal(
      notifications.records().slice(before).filter((r) => r.summary === "Demo Alertmanager is reachable again").length,
      0,
    );
    assert.equal(
      notifications.records().slice(before).filter((r) => r.summary.startsWith("Cannot reach")).length,
      1,
      "told once, not at every poll",
    );
  });
});
