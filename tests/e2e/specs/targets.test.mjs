// The Targets view against the real demo stack: the seed's jobs are up; stopping
// node-exporter turns its row down within a refresh; starting it turns it back up. The settings
// file was edited by hand with a quiet-hours time that is no time: the app must still start,
// alert with the default notification settings and say so on the alerts board.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";

const SEED_JOBS = ["dataset-management-api", "node-exporter", "postgres-exporter", "prometheus"];

async function rowHealth(browser) {
  const rows = await browser.$$('[data-testid="target-row"]');
  const health = {};
  for (const row of rows) {
    health[await row.getAttribute("data-job")] = await row.getAttribute("data-health");
  }
  return health;
}

describe("Targets view", () => {
  let stack;
  let app;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    const handEdited = `${settingsFor(stack)}
[alert_notifications]
quiet_hours_start = "25:00"
quiet_hours_end = "07:00"
`;
    app = await startApp({ settingsToml: handEdited });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("shows every seed job up", async () => {
    const { browser } = app;
    const health = await waitFor("all seed jobs up", async () => {
      const h = await rowHealth(browser);
      return SEED_JOBS.every((job) => h[job] === "up") ? h : null;
    });
    assert.deepEqual(Object.keys(health).sort(), SEED_JOBS);
    const section = await browser.$('[data-testid="targets-datasource"]');
    assert.equal(await section.getAttribute("data-datasource-id"), "demo-prometheus");
    assert.match(await section.getText(), /Demo Prometheus/);
    await screenshot(browser, "targets-all-up");
  });

  it("turns node-exporter down when it stops, and up when it starts", async () => {
    const { browser } = app;
    await stack.stopComponent("node-exporter");
    await waitFor("node-exporter down", async () => (await rowHealth(browser))["node-exporter"] === "down", {
      timeoutMs: 30_000,
    });
    const downRow = await browser.$('[data-testid="target-row"][data-job="node-exporter"]');
    assert.match(await downRow.getText(), /connection refused/i);
    const others = await rowHealth(browser);
    assert.equal(others["prometheus"], "up", "other targets stay up");
    await screenshot(browser, "targets-node-exporter-down");

    await stack.startComponent("node-exporter");
    await waitFor("node-exporter up again", async () => (await rowHealth(browser))["node-exporter"] === "up", {
      timeoutMs: 30_000,
    });
    await screenshot(browser, "targets-node-exporter-recovered");
  });

  it("starts despite notification settings it cannot use, and says so on the alerts board", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="nav-alerts"]')).click();
    const notice = await browser.$('[data-testid="alerts-monitoring-notice"]');
    await notice.waitForExist({ timeout: 20_000 });
    const text = await notice.getText();
    assert.match(text, /Notification settings not used/);
    assert.match(text, /"25:00"/);
    assert.match(text, /defaults apply/);
    await screenshot(browser, "alerts-unusable-notification-settings");
  });
});
