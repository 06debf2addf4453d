// Explore and panel editing against the real demo stack: a panel opens in Explore with its
// query and range and draws real lines; autocomplete offers the server's metric names and label
// values; Prometheus's syntax error is shown with its position; the table shows an instant
// vector; a panel's title and query are edited, saved, and the new data is drawn.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { openDashboard } from "../lib/dashboards.mjs";

describe("Explore and panel editing", () => {
  let stack;
  let app;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    app = await startApp({ settingsToml: settingsFor(stack) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = (id) => app.browser.$(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);

  async function typeQuery(text) {
    const area = await $("explore-query");
    await area.waitForExist({ timeout: 10_000 });
    await area.click();
    await app.browser.execute((el) => {
      el.value = "";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, area);
    await area.addValue(text);
  }

  /** Waits for Explore's chart to hold a line (2+ points) after generation `after`. */
  async function exploreChart(after, what) {
    let clicked = Date.now();
    return waitFor(what, async () => {
      // A fresh stack may not have two samples yet: run again now and then, as a person would.
      if (Date.now() - clicked > 6_000) {
        clicked = Date.now();
        await (await $("explore-run")).click();
      }
      const result = await $("explore-result");
      if (Number(await result.getAttribute("data-generation")) <= after) return null;
      const chart = await $("explore-chart");
      if (!(await chart.isExisting())) return null;
      const series = Number(await chart.getAttribute("data-series-count"));
      const points = Number(await chart.getAttribute("data-longest-series"));
      return series > 0 && points > 1 ? { series, points, generation: Number(await result.getAttribute("data-generation")) } : null;
    }, { timeoutMs: 60_000 });
  }

  it("opens a panel's query in Explore and draws real lines", async () => {
    const { browser } = app;
    await openDashboard(browser, "hinomi-system-overview", "15m");
    await waitFor("panel 1 to answer", async () => (await (await panel(1)).getAttribute("data-state")) === "loaded");
    await (await (await panel(1)).$('[data-testid="panel-menu"]')).click();
    await (await (await panel(1)).$('[data-testid="panel-open-explore"]')).click();
    await (await $("view-explore")).waitForExist({ timeout: 10_000 });
    const expr = await (await $("explore-query")).getValue();
    assert.match(expr, /api_requests_total/, `the panel's query: ${expr}`);
    assert.equal(await (await $("explore-range")).getValue(), "15m", "the dashboard's range came along");
    const drawn = await exploreChart(0, "Explore to draw the panel's query");
    assert.ok(drawn.series >= 1);
    await screenshot(browser, "explore-from-panel");
  });

  it("autocompletes metric names and label values from the server", async () => {
    const { browser } = app;
    await typeQuery("node_load");
    const suggestion = await browser.$('[data-testid="explore-suggestion"][data-text="node_load1"]');
    await suggestion.waitForExist({ timeout: 15_000 });
    await screenshot(browser, "explore-autocomplete-metric");
    await browser.keys("Tab");
    await waitFor("the metric to be inserted", async () => (await (await $("explore-query")).getValue()) === "node_load1");
    await (await $("explore-query")).addValue("{job=");
    await (await $("explore-query")).addValue('"');
    const value = await waitFor("job values", async () => {
      const items = await browser.$$('[data-testid="explore-suggestion"][data-kind="label_value"]');
      const texts = [];
      for (const i of items) texts.push(await i.getAttribute("data-text"));
      return texts.length > 0 ? texts : null;
    }, { timeoutMs: 15_000 });
    assert.ok(value.some((v) => /node/.test(v)), `job values of node_load1: ${value}`);
    await screenshot(browser, "explore-autocomplete-label-value");
  });

  it("shows Prometheus's syntax error with its position, then a table of an instant query", async () => {
    const { browser } = app;
    await typeQuery("sum(rate(api_requests_total[5m])");
    await browser.keys("Escape");
    await (await $("explore-run")).click();
    const error = await $("explore-query-error");
    await error.waitForExist({ timeout: 20_000 });
    assert.ok(Number(await error.getAttribute("data-column")) > 0, "Prometheus named a column");
    assert.match(await error.getText(), /parse error/);
    assert.match(await (await $("explore-error-caret")).getText(), /\^/);
    await screenshot(browser, "explore-syntax-error");

    await typeQuery("up");
    await browser.keys("Escape");
    await (await $("explore-mode-table")).click();
    const rows = await waitFor("the instant table", async () => {
      const r = await browser.$$('[data-testid="explore-table-row"]');
      return r.length > 0 ? r.length : null;
    }, { timeoutMs: 20_000 });
    assert.ok(rows >= 2, `up has a row per target: ${rows}`);
    const history = await browser.$$('[data-testid="explore-history-item"]');
    const texts = [];
    for (const h of history) texts.push(await h.getAttribute("title"));
    assert.equal(texts[0], "up");
    assert.ok(texts.includes("sum(rate(api_requests_total[5m])"), `history: ${texts}`);
    await screenshot(browser, "explore-table");
  });

  it("edits a panel's title and query and draws the new data", async () => {
    const { browser } = app;
    await (await $("nav-dashboards")).click();
    await waitFor("panel 1 to be shown", async () => (await panel(1)).isExisting());
    await (await (await panel(1)).$('[data-testid="panel-menu"]')).click();
    await (await (await panel(1)).$('[data-testid="panel-edit"]')).click();
    const title = await $("panel-editor-title");
    await title.waitForExist({ timeout: 5_000 });
    await title.setValue("Scrape health");
    const query = await browser.$('[data-testid="panel-editor-query"][data-ref-id="A"]');
    await browser.execute((el) => {
      el.value = "up";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, query);
    const legend = await browser.$('[data-testid="panel-editor-legend"][data-ref-id="A"]');
    await browser.execute((el) => {
      el.value = "{{job}}";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, legend);
    await screenshot(browser, "dashboards-panel-editor");
    await (await $("panel-editor-save")).click();
    await waitFor("the new title", async () => (await (await (await panel(1)).$('[data-testid="panel-title"]')).getProperty("textContent")) === "Scrape health");
    const names = await waitFor("the new query's series", async () => {
      const l = await (await panel(1)).$('[data-testid="panel-legend"]');
      if (!(await l.isExisting())) return null;
      const text = await l.getText();
      return /node/.test(text) && /prometheus|dataset-management-api/.test(text) ? text : null;
    }, { timeoutMs: 30_000 });
    assert.ok(names);
    await screenshot(browser, "dashboards-panel-edited");

    // Saved: opening the dashboard afresh shows the edit, and the export carries it.
    await (await $("dashboard-back")).click();
    const item = await browser.$('[data-testid="dashboard-item"][data-uid="hinomi-system-overview"]');
    await (await item.$('[data-testid="dashboard-open"]')).click();
    await waitFor("the saved title", async () => (await (await (await panel(1)).$('[data-testid="panel-title"]')).getProperty("textContent")) === "Scrape health");
    await (await $("dashboard-export")).click();
    const json = JSON.parse(await (await $("dashboard-export-json")).getValue());
    const exported = json.panels.find((p) => p.id === 1);
    assert.equal(exported.title, "Scrape health");
    assert.equal(exported.targets[0].expr, "up");
    assert.equal(exported.targets[0].legendFormat, "{{job}}");
  });
});
