// Offline start: Hinomi sees the demo stack once (a dashboard panel, firing alerts, an incident
// made from one of them), then the whole stack is shut down — Prometheus, Alertmanager,
// node-exporter and the demo API — and the app is started again on the same app-data dir. It
// must start and be useful: the dashboard shows its last data marked stale, the board shows the
// alerts restored from the local history as "last known at HH:MM" (not firing now under a fresh
// "Updated" time), the incident opens, the report is exported and local log files are searched.
// The first launch also finds a damaged alert-history file placed before it started: the board
// says it was moved aside and recreated, and alerting goes on (the second launch restores the
// alerts from the recreated history). One stack, two app launches. OpenSearch is not started in this suite (its start alone costs
// tens of seconds); the logs come from the Local files source, which needs no server.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { localFilesDatasource, wallTime } from "../lib/logs.mjs";

const NONCE = Date.now().toString(36);
const PROBE = "OfflineProbe";
const LOG_TOKEN = `offline${NONCE}`;

/** HH:MM as the app shows it in English. */
const clock = (ms) => new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" }).format(ms);

describe("Offline start: every backend down, the app started again", () => {
  let stack;
  let app;
  let work;
  let home;
  let dataDir;
  let incidentId;
  let lastPollBefore;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "hinomi-e2e-offline-"));
    const logs = join(work, "logs");
    mkdirSync(logs);
    const now = Date.now();
    const lines = [];
    for (let i = 0; i < 12; i++) {
      const level = i % 4 === 0 ? "ERROR" : "INFO";
      lines.push(JSON.stringify({ timestamp: wallTime(now - 5 * 60_000 + i * 1000), level, service: "dataset-management", message: `${LOG_TOKEN} step ${i}`, context: { request_id: `req-${i}` } }));
    }
    writeFileSync(join(logs, "dataset-management.log"), lines.join("\n") + "\n");
    stack = await startStack({ scrapeInterval: "2s" });
    const files = localFilesDatasource({ id: "offline-log-files", name: "Offline log files", paths: [logs] });
    // A damaged alert history waits for the first launch (where the harness keeps app data).
    const keepRoot = process.env.HINOMI_E2E_KEEP_APP_DATA || null;
    if (keepRoot) mkdirSync(keepRoot, { recursive: true });
    home = mkdtempSync(join(keepRoot ?? tmpdir(), "hinomi-e2e-app-"));
    dataDir = join(home, "data", "app.hinomi.console");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "alerts-history.sqlite"), "this is not an SQLite database\n".repeat(200));
    app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: files }), home });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = (id) => app.browser.$(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);
  const groupNames = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="alert-group"]')].map((g) => g.getAttribute("data-alertname")),
    );

  async function openSystemOverview() {
    await (await $("nav-dashboards")).click();
    const item = await app.browser.$('[data-testid="dashboard-item"][data-uid="hinomi-system-overview"]');
    await item.waitForExist({ timeout: 20_000 });
    await (await item.$('[data-testid="dashboard-open"]')).click();
    await (await panel(1)).waitForExist({ timeout: 20_000 });
  }

  it("sees the stack once: a dashboard panel, firing alerts, an incident", async () => {
    const { browser } = app;
    const posted = await fetch(`${stack.url("alertmanager")}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          labels: { alertname: PROBE, severity: "critical", instance: "api-1" },
          annotations: { summary: "Posted before the stack goes down" },
          // Both times: with only endsAt, Alertmanager takes it as the start too.
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
      ]),
    });
    assert.ok(posted.ok, `Alertmanager refused the alert: ${posted.status}`);

    await openSystemOverview();
    await (await $("dashboard-range")).selectByAttribute("value", "15m");
    let clicked = Date.now();
    await waitFor("panel 1 to draw the request rates", async () => {
      // A fresh stack may not have two samples yet: press Refresh now and then, as a person would.
      if (Date.now() - clicked > 6_000) {
        clicked = Date.now();
        await (await $("dashboard-refresh")).click();
      }
      const chart = await (await panel(1)).$('[data-testid="timeseries-chart"]');
      if (!(await chart.isExisting())) return false;
      return Number(await chart.getAttribute("data-series-count")) > 0 && Number(await chart.getAttribute("data-longest-series")) > 1;
    }, { timeoutMs: 60_000 });
    await screenshot(browser, "offline-1-dashboard-online");

    await (await $("nav-alerts")).click();
    await waitFor("the Watchdog and the posted alert on the board", async () => {
      const names = await groupNames();
      return names.includes("Watchdog") && names.includes(PROBE);
    }, { timeoutMs: 60_000 });
    assert.equal(await (await $("alerts-stale")).isExisting(), false, "nothing is stale while the stack runs");
    // The damaged history: moved aside, a new one started, the user told on the board.
    const notice = await (await $("alerts-monitoring-notice")).getText();
    assert.match(notice, /The alert history file was damaged; it was moved aside to \S+alerts-history\S* and a new one was started/, notice);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith("alerts-history") && name !== "alerts-history.sqlite" && !/-(wal|shm)$/.test(name));
    assert.equal(aside.length, 1, `the damaged file kept beside the new one: ${readdirSync(dataDir)}`);
    assert.match(readFileSync(join(dataDir, aside[0]), "utf8"), /^this is not an SQLite database/, "moved, not rewritten");
    assert.equal(await (await $("alert-group-stale")).isExisting(), false);

    const row = await browser.$(`[data-testid="alert-row"][data-alertname="${PROBE}"]`);
    await row.click();
    await (await $("alert-create-incident")).click();
    const message = await $("alerts-action-message");
    await waitFor("the incident created", async () => /Incident \S+ created/.test(await message.getText()), { timeoutMs: 15_000 });
    incidentId = (await message.getText()).match(/Incident (\S+) created/)[1];
    await screenshot(browser, "offline-2-alerts-online");
  });

  it("starts with every backend down and is useful", async () => {
    assert.ok(incidentId, "the first launch made an incident");
    lastPollBefore = Date.now();
    await app.stop({ keepHome: true });
    app = null;
    // The whole stack goes: Prometheus, Alertmanager, node-exporter, the demo API.
    const urls = ["prometheus", "alertmanager", "node-exporter", "demo-api"].map((name) => stack.url(name));
    await stack.stop();
    stack = null;
    for (const url of urls) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(3_000) }), `${url} still answers`);
    }

    app = await startApp({ home });
    const { browser } = app;

    // The board: the alerts restored from the history, marked with when they were last known.
    await (await $("nav-alerts")).click();
    const badge = await waitFor("the posted alert's group marked as last known", async () => {
      const group = await browser.$(`[data-testid="alert-group"][data-alertname="${PROBE}"]`);
      if (!(await group.isExisting())) return null;
      const mark = await group.$('[data-testid="alert-group-stale"]');
      return (await mark.isExisting()) ? mark : null;
    }, { timeoutMs: 30_000 });
    // The first launch's last poll that reached the stack, not now.
    const text = await badge.getText();
    const expected = [lastPollBefore - 10_000, lastPollBefore].map((ms) => `last known at ${clock(ms)}`);
    assert.ok(expected.includes(text), `${text}, expected one of ${expected}`);
    const names = await groupNames();
    assert.ok(names.includes("Watchdog"), `Prometheus's alert is restored too: ${names}`);
    // Each source is found unreachable on its own (after its own retries), so the marks may
    // come a poll apart; within a few polls every group carries one.
    const counts = () =>
      browser.execute(() => [
        document.querySelectorAll('[data-testid="alert-group"]').length,
        document.querySelectorAll('[data-testid="alert-group-stale"]').length,
      ]);
    await waitFor(
      "every group marked (no source can be reached)",
      async () => {
        const [groups, marked] = await counts();
        return groups > 0 && marked === groups;
      },
      { timeoutMs: 20_000 },
    ).catch(async (err) => {
      const [groups, marked] = await counts();
      assert.fail(`every group is marked: no source can be reached (${marked} of ${groups}): ${err.message}`);
    });
    const header = await (await $("alerts-stale")).getText();
    assert.match(header, /^2 unreachable source\(s\): their alerts are last known at /, header);
    await screenshot(browser, "offline-3-alerts-last-known");

    // The dashboard: its last data from the disk cache, marked stale with the error.
    await openSystemOverview();
    const stale = await waitFor("panel 1 marked stale", async () => {
      const b = await (await panel(1)).$('[data-testid="panel-stale"]');
      return (await b.isExisting()) ? b : null;
    }, { timeoutMs: 30_000 });
    assert.match(await stale.getText(), /^stale since \d{1,2}:\d{2}/);
    const error = await (await panel(1)).$('[data-testid="panel-stale-error"]');
    assert.equal(await error.getAttribute("data-code"), "unreachable");
    const chart = await (await panel(1)).$('[data-testid="timeseries-chart"]');
    assert.ok(Number(await chart.getAttribute("data-series-count")) > 0, "the last lines are drawn");
    await screenshot(browser, "offline-4-dashboard-stale");

    // The incident opens, with the alert it was made from.
    await (await $("nav-incidents")).click();
    const incident = await browser.$(`[data-testid="incident-row"][data-id="${incidentId}"]`);
    await incident.waitForExist({ timeout: 20_000 });
    await incident.click();
    await waitFor("the incident's detail", async () => (await (await $("detail-title")).getText()).includes(PROBE), { timeoutMs: 10_000 });
    await screenshot(browser, "offline-5-incident");

    // The report exports with nothing to reach, into a folder under the exports folder the
    // view offers (the path policy refuses folders no dialog chose elsewhere).
    await (await $("detail-tab-export")).click();
    const dir = await $("export-dir");
    await dir.waitForExist({ timeout: 5_000 });
    const exportDir = join(await dir.getValue(), `e2e-offline-${process.pid}`);
    await dir.setValue(exportDir);
    await (await $("export-markdown")).click();
    await browser.$('[data-testid="export-done"][data-format="markdown"]').waitForExist({ timeout: 30_000 });
    const reports = readdirSync(exportDir);
    assert.equal(reports.length, 1, `one report: ${reports}`);
    assert.ok(readFileSync(join(exportDir, reports[0]), "utf8").includes(PROBE), "the report names the alert");
    rmSync(exportDir, { recursive: true, force: true });
    await screenshot(browser, "offline-6-report-exported");

    // Local log files are searched by the embedded index.
    await (await $("nav-logs")).click();
    await (await $("view-logs")).waitForExist({ timeout: 20_000 });
    const generation = async () => {
      const summary = await $("logs-summary");
      return (await summary.isExisting()) ? Number(await summary.getAttribute("data-generation")) : -1;
    };
    await waitFor("the first search", async () => (await generation()) >= 1, { timeoutMs: 30_000 });
    await (await $("logs-range")).selectByAttribute("value", "15m");
    const hits = await waitFor("the ERROR lines of the file", async () => {
      const before = await generation();
      await (await $("logs-query")).setValue(`${LOG_TOKEN} AND level:ERROR`);
      await browser.keys(["Enter"]);
      await waitFor("the search to answer", async () => (await generation()) > before, { timeoutMs: 15_000 });
      const shown = Number(await (await $("logs-hits")).getAttribute("data-value"));
      return shown > 0 ? shown : null;
    }, { timeoutMs: 40_000, intervalMs: 1000 });
    assert.equal(hits, 3, "the three ERROR lines of the file");
    await screenshot(browser, "offline-7-local-logs");
  });
});
