// Dashboards against the real demo stack: the built-in System overview draws real request
// lines and an error-rate number; node-exporter-full (imported through the UI) draws real
// node-exporter data; changing the time range or a variable reloads the panels.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { importDashboardJson } from "../lib/dashboards.mjs";

const NODE_EXPORTER_FULL = join(repoRoot, "crates/hinomi-dashboards/tests/fixtures/node-exporter-full.json");
const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");

describe("Dashboards", () => {
  let stack;
  let app;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    // 5xx answers, so the error-rate gauge has a number to show (without them it says "No data").
    execFileSync(DEMO_API_BIN, ["fault", "error-burst", "--duration", "10m", "--api", stack.url("demo-api")]);
    app = await startApp({ settingsToml: settingsFor(stack) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = (id) => app.browser.$(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);

  /**
   * Waits until panel `id` (answering after generation `after`) has drawn a chart whose longest
   * series has more than `minPoints` points: with 2 or more, a line, not a dot.
   */
  async function chartDrawn(id, after = -1, minPoints = 1) {
    try {
      return await chartDrawnOrThrow(id, after, minPoints);
    } catch (err) {
      const p = await panel(id);
      const state = (await p.isExisting()) ? `${await p.getAttribute("data-state")}: ${await p.getText()}` : "no panel";
      throw new Error(`${err.message}; panel ${id} is ${state}`);
    }
  }

  async function chartDrawnOrThrow(id, after, minPoints) {
    let clicked = Date.now();
    return waitFor(`panel ${id} to draw real lines`, async () => {
      // A fresh stack may not have two samples yet: press Refresh now and then, as a person would.
      if (Date.now() - clicked > 8_000) {
        clicked = Date.now();
        await (await $("dashboard-refresh")).click();
      }
      const p = await panel(id);
      if (!(await p.isExisting())) return null;
      const generation = Number(await p.getAttribute("data-generation"));
      if (generation <= after) return null;
      if ((await p.getAttribute("data-state")) !== "loaded") return null;
      const chart = await p.$('[data-testid="timeseries-chart"]');
      if (!(await chart.isExisting())) return null;
      const series = Number(await chart.getAttribute("data-series-count"));
      const points = Number(await chart.getAttribute("data-longest-series"));
      return series > 0 && points > minPoints ? { series, points, generation } : null;
    }, { timeoutMs: 60_000 });
  }

  async function valueShown(id) {
    try {
      let clicked = Date.now();
      return await waitFor(`panel ${id} to show a number`, async () => {
        // An instant rate() on a stack seconds old can answer "no data" (N/A); a person presses
        // Refresh, and so does this.
        if (Date.now() - clicked > 8_000) {
          clicked = Date.now();
          await (await $("dashboard-refresh")).click();
        }
        const value = await (await panel(id)).$('[data-testid="panel-value"]');
        if (!(await value.isExisting())) return null;
        const raw = await value.getAttribute("data-value");
        return raw !== "" && Number.isFinite(Number(raw)) ? { raw: Number(raw), text: await value.getText() } : null;
      }, { timeoutMs: 60_000 });
    } catch (err) {
      const p = await panel(id);
      const state = (await p.isExisting())
        ? `${await p.getAttribute("data-state")} (generation ${await p.getAttribute("data-generation")}): ${await p.getText()}`
        : "no panel";
      await screenshot(app.browser, `dashboards-panel-${id}-no-number`);
      throw new Error(`${err.message}; panel ${id} is ${state}`);
    }
  }

  it("opens the built-in System overview and draws real request rates and the error rate", async () => {
    const { browser } = app;
    await (await $("nav-dashboards")).click();
    const item = await browser.$('[data-testid="dashboard-item"][data-uid="hinomi-system-overview"]');
    await item.waitForExist({ timeout: 20_000 });
    assert.match(await item.getText(), /システム概要/);
    await screenshot(browser, "dashboards-list");
    await (await item.$('[data-testid="dashboard-open"]')).click();
    // The dashboard opens on its saved range (6 h); the fresh demo stack has a minute of data,
    // so look at the last 15 minutes, as a person would.
    const first = await chartDrawn(1, -1, 0);
    await (await $("dashboard-range")).selectByAttribute("value", "15m");
    const drawn = await chartDrawn(1, first.generation);
    assert.ok(drawn.series >= 1, `request-rate series: ${JSON.stringify(drawn)}`);
    const legend = await (await panel(1)).$('[data-testid="panel-legend"]');
    assert.match(await legend.getText(), /GET|POST/, "series are named by the legend format (method endpoint)");
    const gauge = await valueShown(2);
    assert.match(gauge.text, /%$/, `the error-rate gauge is a percentage: ${gauge.text}`);
    await screenshot(browser, "dashboards-system-overview");

    // The legend is a table of the calcs the panel asks for (min, max, mean, last *), each a
    // request rate; clicking a series shows only it, clicking it again shows all.
    const items = await (await panel(1)).$$('[data-testid="panel-legend-item"]');
    assert.equal(items.length, drawn.series, "one legend row per series");
    const stats = await items[0].$$('[data-testid="panel-legend-stat"]');
    assert.equal(stats.length, 4, "min, max, mean and last");
    for (const stat of stats) assert.match(await stat.getText(), /\d/, "a number in every calc cell");
    const chart = await (await panel(1)).$('[data-testid="timeseries-chart"]');
    await (await items[0].$("button")).click();
    await waitFor("only the clicked series drawn", async () => Number(await chart.getAttribute("data-series-count")) === 1);
    assert.equal(await items[1].getAttribute("data-hidden"), "true");
    await screenshot(browser, "dashboards-legend-isolated");
    await (await items[0].$("button")).click();
    await waitFor("every series drawn again", async () => Number(await chart.getAttribute("data-series-count")) === drawn.series);

    // Hovering one chart shows its values at that time, and the other charts of the dashboard
    // show theirs at the same time (shared crosshair and tooltip).
    await chart.moveTo({ xOffset: 0, yOffset: 0 });
    const tooltip = await waitFor("the hovered chart's tooltip", async () => {
      const t = await (await panel(1)).$('[data-testid="chart-tooltip"]');
      return (await t.isExisting()) ? t : null;
    });
    const rows = await tooltip.$$('[data-testid="chart-tooltip-row"]');
    assert.ok(rows.length >= 1, "at least one series has a value under the cursor");
    assert.match(await rows[0].getText(), /req\/s/, `a request rate: ${await rows[0].getText()}`);
    const shared = await (await panel(5)).$('[data-testid="chart-tooltip"]');
    await waitFor("the other chart's tooltip at the same time", async () => shared.isExisting());
    await screenshot(browser, "dashboards-shared-tooltip");
  });

  it("reloads the panels when the time range or a variable changes", async () => {
    const { browser } = app;
    const before = Number(await (await panel(1)).getAttribute("data-generation"));
    await (await $("dashboard-range")).selectByAttribute("value", "5m");
    await chartDrawn(1, before);
    await screenshot(browser, "dashboards-system-overview-5m");

    const afterRange = Number(await (await panel(1)).getAttribute("data-generation"));
    const job = await browser.$('[data-testid="dashboard-variable"][data-name="job"] [data-testid="dashboard-variable-select"]');
    await job.waitForExist({ timeout: 10_000 });
    const values = await browser.execute(
      (el) => [...el.options].map((o) => o.value),
      job,
    );
    assert.ok(values.includes("dataset-management-api"), `job options come from Prometheus: ${values}`);
    // A multi-value select: choose exactly the demo API's job.
    await browser.execute((el) => {
      for (const o of el.options) o.selected = o.value === "dataset-management-api";
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }, job);
    const drawn = await chartDrawn(1, afterRange);
    assert.ok(drawn.series >= 1);
    await screenshot(browser, "dashboards-system-overview-job");
  });

  it("imports node-exporter-full and shows real node-exporter data", async () => {
    const { browser } = app;
    await (await $("dashboard-back")).click();
    await importDashboardJson(browser, readFileSync(NODE_EXPORTER_FULL, "utf8"));
    await waitFor("node-exporter-full to open", async () =>
      /Node Exporter Full/.test(await (await $("dashboard-title")).getText()),
    );
    // CPU Busy gauge and the CPU Basic chart read node_cpu_seconds_total of the demo's node-exporter.
    const busy = await valueShown(20);
    assert.ok(busy.raw >= 0 && busy.raw <= 100, `CPU busy is a percentage: ${busy.raw}`);
    // Saved range 24 h: on a stack a minute old its aligned steps hold nothing yet; look at the
    // last 15 minutes, as a person would.
    const opened = await waitFor("panel 77 to answer", async () => {
      const p = await panel(77);
      return (await p.isExisting()) && (await p.getAttribute("data-state")) !== "loading"
        ? Number(await p.getAttribute("data-generation"))
        : null;
    });
    await (await $("dashboard-range")).selectByAttribute("value", "15m");
    const cpu = await chartDrawn(77, opened);
    assert.ok(cpu.series >= 1, `CPU Basic series: ${JSON.stringify(cpu)}`);
    const memory = await chartDrawn(78, opened);
    assert.ok(memory.series >= 1);
    const node = await browser.$('[data-testid="dashboard-variable"][data-name="node"] [data-testid="dashboard-variable-select"]');
    assert.match(await node.getValue(), /127\.0\.0\.1:\d+/, "the node variable is the demo's node-exporter");
    await screenshot(browser, "dashboards-node-exporter-full");

    const before = Number(await (await panel(77)).getAttribute("data-generation"));
    await (await $("dashboard-range")).selectByAttribute("value", "5m");
    await chartDrawn(77, before);
    await screenshot(browser, "dashboards-node-exporter-full-5m");
  });

  it("keeps showing the last answer, marked stale with the error, when Prometheus is down", async () => {
    const { browser } = app;
    await stack.stopComponent("prometheus");
    try {
      await (await $("dashboard-refresh")).click();
      const badge = await waitFor("panel 77 to say its data is stale", async () => {
        const b = await (await panel(77)).$('[data-testid="panel-stale"]');
        return (await b.isExisting()) ? b : null;
      }, { timeoutMs: 30_000 });
      assert.match(await badge.getText(), /^stale since \d{1,2}:\d{2}/);
      const error = await (await panel(77)).$('[data-testid="panel-stale-error"]');
      assert.equal(await error.getAttribute("data-code"), "unreachable");
      assert.match(await error.getAttribute("title"), /Cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range/, "the endpoint's error is shown");
      const chart = await (await panel(77)).$('[data-testid="timeseries-chart"]');
      assert.ok(Number(await chart.getAttribute("data-series-count")) > 0, "the last lines are still drawn");
      await screenshot(browser, "dashboards-node-exporter-full-stale");
    } finally {
      await stack.startComponent("prometheus");
    }
  });
});
