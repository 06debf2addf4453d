// The Alerts view against the real demo stack, with a TEST copy of the seed's rules whose
// `for:` is 10s (`hinomi-demo up --rule-for 10s`) so alerts fire within the test:
// - the always-firing Watchdog shows on the board;
// - an error burst and a latency spike make HighErrorRate and HighLatency go pending → firing;
// - desktop notifications reach a real D-Bus notification server: one per group, with the
//   urgency of the group's worst severity, the actions, and the Japanese summary as body;
// - a silence created from an alert in the UI is on Alertmanager (its HTTP API, read directly),
//   and expiring it in the UI expires it there.
// Run under `dbus-run-session` (the notification server needs a session bus).

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { startNotificationServer } from "../lib/notifications.mjs";

const run = promisify(execFile);
const demoApiBin = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target", "debug", "hinomi-demo-api");

async function boardStates(browser, alertname) {
  return browser.execute((name) => {
    const rows = [...document.querySelectorAll('[data-testid="alert-row"]')].filter(
      (row) => row.getAttribute("data-alertname") === name,
    );
    return rows.map((row) => row.getAttribute("data-state"));
  }, alertname);
}

async function groupNames(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="alert-group"]')].map((g) => g.getAttribute("data-alertname")),
  );
}

describe("Alerts view", () => {
  let stack;
  let app;
  let notifications;
  const seen = { HighErrorRate: new Set(), HighLatency: new Set() };

  before(async () => {
    notifications = await startNotificationServer();
    stack = await startStack({ scrapeInterval: "2s", extraArgs: ["--rule-for", "10s"] });
    app = await startApp({ settingsToml: settingsFor(stack) });
    await (await app.browser.$('[data-testid="nav-alerts"]')).click();
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    notifications?.stop();
  });

  it("shows the Watchdog from the seed's rules", async () => {
    const { browser } = app;
    await waitFor("the Watchdog group", async () => (await groupNames(browser)).includes("Watchdog"), {
      timeoutMs: 60_000,
    });
    const group = await browser.$('[data-testid="alert-group"][data-alertname="Watchdog"]');
    assert.match(await group.getText(), /Watchdog/);
    const row = await browser.$('[data-testid="alert-row"][data-alertname="Watchdog"]');
    assert.equal(await row.getAttribute("data-state"), "firing");
    await row.click();
    const detail = await browser.$('[data-testid="alert-detail-annotations"]');
    await waitFor("the Watchdog's annotations", async () => (await detail.getText()).length > 0);
    await screenshot(browser, "alerts-watchdog");
  });

  it("filters with label matchers and marks a parse error where it is", async () => {
    const { browser } = app;
    const input = await browser.$('[data-testid="alerts-filter"]');
    await input.setValue('alertname="Nothing"');
    await waitFor("the empty board", async () => (await browser.$$('[data-testid="alerts-empty"]')).length > 0);
    await input.setValue('{alertname=~"Watch.*"');
    const error = await browser.$('[data-testid="alerts-filter-error"]');
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /character \d+/);
    await screenshot(browser, "alerts-filter-error");
    await input.setValue('alertname=~"Watch.*"');
    await waitFor("Watchdog back", async () => (await groupNames(browser)).join() === "Watchdog");
    await input.setValue(" ");
    await waitFor("the filter cleared", async () => (await groupNames(browser)).length >= 1);
  });

  it("shows HighErrorRate and HighLatency going pending → firing after an error burst and a latency spike", async () => {
    const { browser } = app;
    const api = stack.url("demo-api");
    await run(demoApiBin, ["fault", "error-burst", "--api", api, "--duration", "10m"]);
    await run(demoApiBin, ["fault", "latency-spike", "--api", api, "--duration", "10m"]);
    await waitFor(
      "HighErrorRate and HighLatency firing",
      async () => {
        for (const name of Object.keys(seen)) {
          for (const state of await boardStates(browser, name)) seen[name].add(state);
        }
        return seen.HighErrorRate.has("firing") && seen.HighLatency.has("firing");
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    assert.ok(seen.HighErrorRate.has("pending"), `HighErrorRate was pending first (saw ${[...seen.HighErrorRate]})`);
    assert.ok(seen.HighLatency.has("pending"), `HighLatency was pending first (saw ${[...seen.HighLatency]})`);
    // Worst first: the critical group is above the warning one, which is above the Watchdog.
    const order = await groupNames(browser);
    assert.ok(order.indexOf("HighErrorRate") < order.indexOf("HighLatency"), order.join());
    assert.ok(order.indexOf("HighLatency") < order.indexOf("Watchdog"), order.join());
    const row = await browser.$('[data-testid="alert-row"][data-alertname="HighErrorRate"]');
    assert.match(await row.getText(), /高エラー率を検出/);
    await row.click();
    await screenshot(browser, "alerts-board-firing");
  });

  it("sends one desktop notification per group with urgency, actions and the summary", async () => {
    const records = await waitFor(
      "notifications for HighErrorRate and HighLatency",
      async () => {
        const all = notifications.records();
        const names = all.map((r) => r.summary);
        return names.some((s) => s.startsWith("HighErrorRate")) && names.some((s) => s.startsWith("HighLatency"))
          ? all
          : null;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const errorRate = records.filter((r) => r.summary.startsWith("HighErrorRate"));
    const latency = records.filter((r) => r.summary.startsWith("HighLatency"));
    assert.equal(errorRate.length, 1, JSON.stringify(errorRate));
    assert.equal(latency.length, 1, JSON.stringify(latency));
    const boardCount = (await boardStates(app.browser, "HighErrorRate")).length;
    assert.match(errorRate[0].summary, new RegExp(`^HighErrorRate: \\d+ firing \\(critical\\)$`));
    assert.ok(boardCount >= 1);
    assert.equal(errorRate[0].app_name, "Hinomi");
    assert.equal(errorRate[0].body, "高エラー率を検出");
    assert.equal(errorRate[0].hints.urgency, 2, "critical urgency");
    assert.equal(latency[0].hints.urgency, 1, "normal urgency for a warning");
    assert.equal(latency[0].body, "高レイテンシを検出");
    const actionIds = errorRate[0].actions.filter((_, i) => i % 2 === 0);
    assert.deepEqual(actionIds, ["default", "open", "acknowledge", "create-incident"]);
    assert.ok(!records.some((r) => r.summary.startsWith("Watchdog")), "the Watchdog never notifies");
  });

  it("brings the app to the group when a notification's Open is clicked", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="nav-targets"]')).click();
    await (await browser.$('[data-testid="view-targets"]')).waitForDisplayed({ timeout: 10_000 });
    const record = notifications.records().find((r) => r.summary.startsWith("HighErrorRate"));
    await notifications.invoke(record.id, "open");
    await (await browser.$('[data-testid="view-alerts"]')).waitForDisplayed({ timeout: 15_000 });
    const group = await browser.$('[data-testid="alert-group"][data-alertname="HighErrorRate"]');
    await group.waitForDisplayed({ timeout: 10_000 });

    // "Create incident" on the HighLatency notification creates the incident from that group.
    const latency = notifications.records().find((r) => r.summary.startsWith("HighLatency"));
    await notifications.invoke(latency.id, "create-incident");
    const message = await browser.$('[data-testid="alerts-action-message"]');
    await waitFor("the incident from the notification", async () =>
      (await message.isExisting()) && /Incident \S+ created/.test(await message.getText()),
      { timeoutMs: 15_000 },
    );
  });

  it("pauses and resumes desktop notifications from the command palette", async () => {
    const { browser } = app;
    await browser.keys(["Control", "k"]);
    const input = await browser.$('[data-testid="palette-input"]');
    await input.waitForDisplayed({ timeout: 5_000 });
    await input.setValue("pause desktop notifications");
    await waitFor("the pause command", async () => {
      const items = await browser.$$('[data-testid^="palette-item-"]');
      return items.length >= 1 && /pause desktop notifications/i.test(await items[0].getText());
    });
    await browser.keys("Enter");
    const banner = await browser.$('[data-testid="alerts-notifications-paused"]');
    await banner.waitForDisplayed({ timeout: 10_000 });
    await screenshot(browser, "alerts-notifications-paused");
    await (await browser.$('[data-testid="alerts-notifications-resume"]')).click();
    await banner.waitForDisplayed({ timeout: 10_000, reverse: true });
  });

  it("creates a silence from an alert and expires it, verified on Alertmanager", async () => {
    const { browser } = app;
    const am = stack.url("alertmanager");
    const row = await browser.$('[data-testid="alert-row"][data-alertname="HighLatency"]');
    const fingerprint = await row.getAttribute("data-fingerprint");
    await row.click();
    await (await browser.$('[data-testid="alert-silence"]')).click();
    const dialog = await browser.$('[data-testid="silence-dialog"]');
    await dialog.waitForDisplayed({ timeout: 10_000 });
    const names = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="silence-matcher-name"]')].map((i) => i.value),
    );
    assert.ok(names.includes("alertname") && names.includes("severity"), names.join());
    const createdBy = await (await browser.$('[data-testid="silence-created-by"]')).getValue();
    assert.ok(createdBy.length > 0, "creator pre-filled with the OS user");
    await (await browser.$('[data-testid="silence-comment"]')).setValue("e2e: looking into latency");
    // A matcher without a label name: Alertmanager refuses, its words are shown in the dialog,
    // and nothing typed is lost.
    await (await browser.$('[data-testid="silence-add-matcher"]')).click();
    await (await browser.$('[data-testid="silence-submit"]')).click();
    const refusal = await browser.$('[data-testid="silence-error"]');
    await refusal.waitForDisplayed({ timeout: 15_000 });
    const refusalText = await refusal.getText();
    assert.match(refusalText, /invalid|bad request|422|400/i, refusalText);
    assert.equal((await browser.$$('[data-testid="silence-matcher-name"]')).length, names.length + 1);
    assert.equal(await (await browser.$('[data-testid="silence-comment"]')).getValue(), "e2e: looking into latency");
    await screenshot(browser, "alerts-silence-refused");
    const removers = await browser.$$('[data-testid="silence-matcher-remove"]');
    await removers[removers.length - 1].click();
    await screenshot(browser, "alerts-silence-dialog");
    await (await browser.$('[data-testid="silence-submit"]')).click();
    const message = await browser.$('[data-testid="alerts-action-message"]');
    const id = await waitFor(
      "the silence created",
      async () => (await message.isExisting()) && (await message.getText()).match(/Silence (\S+) created/)?.[1],
      { timeoutMs: 15_000 },
    );

    const silence = async () => {
      const response = await fetch(`${am}/api/v2/silences`);
      return (await response.json()).find((s) => s.id === id);
    };
    const created = await silence();
    assert.ok(created, "Alertmanager has the silence");
    assert.equal(created.status.state, "active");
    assert.equal(created.comment, "e2e: looking into latency");
    assert.equal(created.createdBy, createdBy);
    assert.ok(created.matchers.some((m) => m.name === "alertname" && m.value === "HighLatency" && m.isEqual));

    // The silence matches exactly this alert's labels: it turns silenced, its siblings do not.
    await waitFor(
      "the alert silenced on the board",
      async () =>
        (await browser.$(`[data-testid="alert-row"][data-fingerprint="${fingerprint}"]`).getAttribute("data-state")) ===
        "silenced",
      { timeoutMs: 30_000 },
    );
    await screenshot(browser, "alerts-board-silenced");

    await (await browser.$('[data-testid="alerts-tab-silences"]')).click();
    const silenceRow = await browser.$(`[data-testid="silence-row"][data-silence-id="${id}"]`);
    await silenceRow.waitForDisplayed({ timeout: 15_000 });
    assert.match(await silenceRow.getText(), /e2e: looking into latency/);
    await screenshot(browser, "alerts-silences-list");
    await (await silenceRow.$('[data-testid="silence-expire"]')).click();
    await waitFor("the silence expired on Alertmanager", async () => (await silence())?.status.state === "expired", {
      timeoutMs: 15_000,
    });
    await waitFor("the expired silence gone from the list", async () =>
      (await browser.$$(`[data-testid="silence-row"][data-silence-id="${id}"]`)).length === 0,
    );
    await (await browser.$('[data-testid="silences-show-expired"]')).click();
    const expiredRow = await browser.$(`[data-testid="silence-row"][data-silence-id="${id}"]`);
    await expiredRow.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await expiredRow.getAttribute("data-state"), "expired");
    await screenshot(browser, "alerts-silence-expired");
  });

  it("lists every rule of the Prometheus with its health", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="alerts-tab-rules"]')).click();
    const rule = await browser.$('[data-testid="rule-row"][data-rule="HighErrorRate"]');
    await rule.waitForDisplayed({ timeout: 15_000 });
    assert.equal(await rule.getAttribute("data-health"), "ok");
    await screenshot(browser, "alerts-rules");
  });

  it("shows the route tree and which receiver each alert group goes to", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="alerts-tab-routing"]')).click();
    const watchdog = await browser.$('[data-testid="routing-group"][data-alertname="Watchdog"]');
    await watchdog.waitForDisplayed({ timeout: 15_000 });
    assert.equal(await watchdog.getAttribute("data-receiver"), "watchdog");
    const errors = await browser.$('[data-testid="routing-group"][data-alertname="HighErrorRate"]');
    assert.equal(await errors.getAttribute("data-receiver"), "team-dataset");
    assert.ok((await browser.$$('[data-testid="routing-receiver"]')).length >= 2);
    await screenshot(browser, "alerts-routing");
  });

  it("creates an incident from a group and acknowledges a group with a short silence", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="alerts-tab-board"]')).click();
    const row = await browser.$('[data-testid="alert-row"][data-alertname="HighErrorRate"]');
    await row.waitForDisplayed({ timeout: 10_000 });
    await row.click();
    await (await browser.$('[data-testid="alert-create-incident"]')).click();
    const message = await browser.$('[data-testid="alerts-action-message"]');
    await waitFor("the incident created", async () => /Incident \S+ created/.test(await message.getText()), {
      timeoutMs: 15_000,
    });

    await (await browser.$('[data-testid="alert-acknowledge"]')).click();
    await waitFor("the acknowledgement", async () => /Acknowledged: silence/.test(await message.getText()), {
      timeoutMs: 15_000,
    });
    const silences = await (await fetch(`${stack.url("alertmanager")}/api/v2/silences`)).json();
    const ack = silences.find((s) => s.comment === "Acknowledged in Hinomi" && s.status.state === "active");
    assert.ok(ack, JSON.stringify(silences));
    assert.deepEqual(
      ack.matchers.map((m) => `${m.name}=${m.value}`).sort(),
      ["alertname=HighErrorRate", "severity=critical"],
    );
    await waitFor("every HighErrorRate alert silenced", async () =>
      (await boardStates(browser, "HighErrorRate")).every((state) => state === "silenced"),
      { timeoutMs: 30_000 },
    );
    await screenshot(browser, "alerts-acknowledged");
  });
});
