// A hung Prometheus holds up nobody: the demo stack's real Prometheus is stopped with SIGSTOP
// (it keeps accepting connections and never answers), and a new alert posted to the real
// Alertmanager still reaches the board within about one poll interval. Prometheus's timeout is
// set to 30 s here, so a poll round that waited for it would take the alert 30 s or more.
// Prometheus is resumed (SIGCONT) at the end, whatever happened.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";

async function groupNames(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="alert-group"]')].map((g) => g.getAttribute("data-alertname")),
  );
}

describe("Alerts with a hung Prometheus", () => {
  let stack;
  let app;
  let prometheusPid = null;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    // Prometheus is the first datasource; only its timeout changes.
    const settings = settingsFor(stack).replace("timeout_ms = 3000", "timeout_ms = 30000");
    app = await startApp({ settingsToml: settings });
    await (await app.browser.$('[data-testid="nav-alerts"]')).click();
  });

  after(async () => {
    if (prometheusPid) process.kill(prometheusPid, "SIGCONT");
    await app?.stop();
    await stack?.stop();
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

    const posted = await fetch(`${stack.url("alertmanager")}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          labels: { alertname: "PostedWhilePrometheusHangs", severity: "warning", instance: "db-1" },
          annotations: { summary: "Prometheus is stopped; Alertmanager is not" },
        },
      ]),
    });
    assert.ok(posted.ok, `Alertmanager refused the alert: ${posted.status}`);
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
});
