// A hung Prometheus holds up nobody: the demo stack's real Prometheus is stopped with SIGSTOP
// (it keeps accepting connections and never answers), and a new alert posted to the real
// Alertmanager still reaches the board within about one poll interval. Prometheus's timeout is
// set to 30 s here, so a poll round that waited for it would take the alert 30 s or more.
// Prometheus is resumed (SIGCONT) at the end, whatever happened.
//
// Then the poll loop itself panics (the debug build's test hook, HINOMI_TEST_PANIC_NEXT_POLL: a
// file that makes the next round panic once): the board and a desktop notification (recorded by
// the test's notification server) say monitoring stopped and was restarted, and a new alert
// still reaches the board afterwards.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { startNotificationServer } from "../lib/notifications.mjs";

async function groupNames(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="alert-group"]')].map((g) => g.getAttribute("data-alertname")),
  );
}

async function postAlert(stack, alertname, summary) {
  const posted = await fetch(`${stack.url("alertmanager")}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ labels: { alertname, severity: "warning", instance: "db-1" }, annotations: { summary } }]),
  });
  assert.ok(posted.ok, `Alertmanager refused the alert: ${posted.status}`);
}

describe("Alerts with a hung Prometheus, and a poller that panics", () => {
  let stack;
  let app;
  let notifications;
  let prometheusPid = null;
  const hooks = mkdtempSync(join(tmpdir(), "hinomi-e2e-panic-"));
  const panicTrigger = join(hooks, "panic-next-poll");

  before(async () => {
    notifications = await startNotificationServer();
    stack = await startStack({ scrapeInterval: "2s" });
    // Prometheus is the first datasource; only its timeout changes.
    const settings = settingsFor(stack).replace("timeout_ms = 3000", "timeout_ms = 30000");
    app = await startApp({ settingsToml: settings, env: { HINOMI_TEST_PANIC_NEXT_POLL: panicTrigger } });
    await (await app.browser.$('[data-testid="nav-alerts"]')).click();
  });

  after(async () => {
    if (prometheusPid) process.kill(prometheusPid, "SIGCONT");
    await app?.stop();
    await stack?.stop();
    notifications?.stop();
    rmSync(hooks, { recursive: true, force: true });
  });

  it("shows Alertmanager's new alert while Prometheus hangs", async () => {
    const { browser } = app;
    await waitFor("the Watchdog group", async () => (await groupNames(browser)).includes("Watchdog"), {
      timeoutMs: 60_000,
    });
    const prometheus = stack.stack.components.find((c) => c.name === "prometheus");
    assert.ok(prometheus?.pid, `no Prometheus pid in stack.json: ${JSON.stringify(stack.stack.components)}`);
    prometheusPid = prometheus.pid;
    process.kill(prometheusPid, "SIGSTOP");
    // Let at least one round start its (hanging) request to the stopped Prometheus.
    await new Promise((r) => setTimeout(r, 3_000));

    await postAlert(stack, "PostedWhilePrometheusHangs", "Prometheus is stopped; Alertmanager is not");
    const postedAt = Date.now();
    // Interval 2 s, round budget 1.2 s, plus the UI's refresh: well under Prometheus's 30 s.
    await waitFor(
      "the posted alert on the board",
      async () => (await groupNames(browser)).includes("PostedWhilePrometheusHangs"),
      { timeoutMs: 10_000 },
    );
    const took = Date.now() - postedAt;
    assert.ok(took < 10_000, `the alert took ${took} ms`);
    // Prometheus's own alerts keep their place (its last answer), not resolved.
    assert.ok((await groupNames(browser)).includes("Watchdog"));
    await screenshot(browser, "alerts-hung-prometheus");
  });

  it("says so when the poll loop panics, restarts it, and the board keeps updating", async () => {
    const { browser } = app;
    if (prometheusPid) process.kill(prometheusPid, "SIGCONT");
    prometheusPid = null;
    writeFileSync(panicTrigger, "");
    const notice = await browser.$('[data-testid="alerts-monitoring-notice"]');
    await waitFor("the restart notice on the board", async () =>
      /Alert monitoring stopped on an internal error and was restarted \(restart 1\)/.test(
        (await notice.isExisting()) ? await notice.getText() : "",
      ),
    { timeoutMs: 20_000 });
    const told = await waitFor("the restart as a desktop notification", async () =>
      notifications.records().find((n) => /Alert monitoring stopped/.test(n.body)),
    );
    assert.equal(told.summary, "Hinomi");

    await postAlert(stack, "PostedAfterTheRestart", "the restarted poller still polls");
    await waitFor("an alert posted after the restart on the board", async () =>
      (await groupNames(browser)).includes("PostedAfterTheRestart"),
    { timeoutMs: 15_000 });
    await screenshot(browser, "alerts-monitoring-restarted");
  });
});
