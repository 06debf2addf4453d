// The demo's PostgreSQL on the built-in Infrastructure dashboard: the four database panels of
// seed §3.2 (connections, mean query time, cache hit ratio, replication lag) draw real
// postgres-exporter data from the demo's primary and replica, and the replication-lag panel
// rises when the demo API's replica-lag fault pauses WAL replay on the replica.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";

const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");
const CONNECTIONS = 21;
const QUERY_TIME = 22;
const CACHE_HIT = 23;
const REPLICATION_LAG = 24;

/** Seconds in a value the dashboard formatted with the unit "s" ("850 ms", "12.5 s", "1.2 min"). */
function seconds(text) {
  const match = /(-?[\d.,]+)\s*(ms|µs|ns|s|min|m|h)\b/.exec(text);
  if (!match) return null;
  const value = Number(match[1].replace(/,/g, ""));
  const factor = { ns: 1e-9, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 }[match[2]];
  return value * factor;
}

describe("Database panels", () => {
  let stack;
  let app;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    app = await startApp({ settingsToml: settingsFor(stack) });
  });

  after(async () => {
    try {
      execFileSync(DEMO_API_BIN, ["fault", "clear", "--api", stack.url("demo-api")]);
    } catch {
      // The stack may already be gone.
    }
    await app?.stop();
    await stack?.stop();
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = (id) => app.browser.$(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);

  async function describePanel(id) {
    const p = await panel(id);
    return (await p.isExisting()) ? `${await p.getAttribute("data-state")}: ${await p.getText()}` : "no panel";
  }

  /** Refreshes now and then until panel `id` draws a line (more than one point). */
  async function chartDrawn(id) {
    let clicked = Date.now();
    try {
      return await waitFor(`panel ${id} to draw real lines`, async () => {
        if (Date.now() - clicked > 6_000) {
          clicked = Date.now();
          await (await $("dashboard-refresh")).click();
        }
        const p = await panel(id);
        if (!(await p.isExisting()) || (await p.getAttribute("data-state")) !== "loaded") return null;
        const chart = await p.$('[data-testid="timeseries-chart"]');
        if (!(await chart.isExisting())) return null;
        const series = Number(await chart.getAttribute("data-series-count"));
        const points = Number(await chart.getAttribute("data-longest-series"));
        return series > 0 && points > 1 ? { series, points, chart } : null;
      }, { timeoutMs: 90_000 });
    } catch (err) {
      throw new Error(`${err.message}; panel ${id} is ${await describePanel(id)}`);
    }
  }

  /**
   * Waits until Prometheus holds a finite lag for both servers now, 30 s and 60 s ago: the
   * columns the tooltip is read at. The replica's query reads NULL (NaN once exported) until it
   * has replayed a transaction, and the chart leaves a NaN out of the tooltip, so one row was
   * seen when the chart was read too early.
   */
  async function bothServersHaveLag() {
    const finite = (offset) => `(pg_replication_lag${offset} >= 0)`;
    const expr = `count(${finite("")} and ${finite(" offset 30s")} and ${finite(" offset 60s")})`;
    let last = null;
    await waitFor("both servers to have had a finite replication lag for a minute", async () => {
      const url = `${stack.url("prometheus")}/api/v1/query?query=${encodeURIComponent(expr)}`;
      last = await (await fetch(url)).json();
      return Number(last.data?.result?.[0]?.value?.[1] ?? 0) >= 2;
    }, { timeoutMs: 120_000 }).catch(async (err) => {
      const url = `${stack.url("prometheus")}/api/v1/query?query=pg_replication_lag`;
      const now = await (await fetch(url)).json();
      throw new Error(`${err.message}; ${expr} gave ${JSON.stringify(last?.data)}, pg_replication_lag is ${JSON.stringify(now.data)}`);
    });
  }

  /** The values the lag chart's tooltip shows near its right edge (the newest samples). */
  async function newestLags() {
    await bothServersHaveLag();
    // Drawn from an answer asked for after the wait, so its newest columns hold both servers.
    await (await $("dashboard-refresh")).click();
    await chartDrawn(REPLICATION_LAG);
    const area = await (await panel(REPLICATION_LAG)).$('[data-testid="timeseries-chart-area"]');
    // The lag panel is the last of the dashboard, below the window's fold.
    await area.scrollIntoView({ block: "center" });
    const { width } = await area.getSize();
    // Offsets from the element's centre, 20, 40 or 60 px from the right end: the two servers'
    // exporters are scraped at different moments, so the newest column can hold one server's
    // sample and not yet the other's (then the tooltip lists one row). Hovered again on every
    // try: a move that lands while the chart is being redrawn is lost, as for a person.
    let best = [];
    const deadline = Date.now() + 15_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const xOffset = Math.round(width / 2 - 20 - 20 * (attempt % 3));
      await area.moveTo({ xOffset: xOffset - 1, yOffset: 0 });
      await area.moveTo({ xOffset, yOffset: 0 });
      const tooltip = await (await panel(REPLICATION_LAG)).$('[data-testid="chart-tooltip"]');
      if (!(await tooltip.isExisting())) continue;
      const texts = [];
      for (const row of await tooltip.$$('[data-testid="chart-tooltip-row"]')) texts.push(await row.getText());
      if (texts.length > best.length) best = texts;
      if (best.length >= 2) break;
    }
    assert.ok(best.length > 0, "the lag chart shows a tooltip when hovered");
    return best.map((text) => ({ text, seconds: seconds(text) }));
  }

  it("draws the four database panels from the demo's PostgreSQL", async () => {
    const { browser } = app;
    await (await $("nav-dashboards")).click();
    const item = await browser.$('[data-testid="dashboard-item"][data-uid="hinomi-infrastructure"]');
    await item.waitForExist({ timeout: 20_000 });
    await (await item.$('[data-testid="dashboard-open"]')).click();
    await (await panel(CONNECTIONS)).waitForExist({ timeout: 20_000 });
    // A fresh stack has a minute of data; the saved 6 h range would show a dot.
    await (await $("dashboard-range")).selectByAttribute("value", "15m");

    const connections = await chartDrawn(CONNECTIONS);
    const legend = await (await panel(CONNECTIONS)).$('[data-testid="panel-legend"]');
    assert.match(await legend.getText(), /postgres/, "connections are per database, the demo's included");
    assert.ok(connections.series >= 1);
    const queryTime = await chartDrawn(QUERY_TIME);
    assert.ok(queryTime.series >= 1, "mean statement time from pg_stat_statements");
    const lag = await chartDrawn(REPLICATION_LAG);
    assert.equal(lag.series, 2, "one lag series per server (the primary reads 0)");

    let clicked = Date.now();
    const ratio = await waitFor("the cache hit ratio to show a number", async () => {
      if (Date.now() - clicked > 6_000) {
        clicked = Date.now();
        await (await $("dashboard-refresh")).click();
      }
      const value = await (await panel(CACHE_HIT)).$('[data-testid="panel-value"]');
      if (!(await value.isExisting())) return null;
      const raw = Number(await value.getAttribute("data-value"));
      return (await value.getAttribute("data-value")) !== "" && Number.isFinite(raw) ? { raw, text: await value.getText() } : null;
    }, { timeoutMs: 90_000 }).catch(async (err) => {
      throw new Error(`${err.message}; panel ${CACHE_HIT} is ${await describePanel(CACHE_HIT)}`);
    });
    assert.ok(ratio.raw > 0 && ratio.raw <= 1, `a ratio: ${JSON.stringify(ratio)}`);
    assert.match(ratio.text, /%$/);

    const before = await newestLags();
    assert.ok(before.length === 2 && before.every((l) => l.seconds !== null && l.seconds < 5),
      `replication keeps up before the fault: ${JSON.stringify(before)}`);
    await (await panel(CONNECTIONS)).scrollIntoView();
    await screenshot(browser, "database-panels");
  });

  it("shows the replication lag rising while replay is paused on the replica", async () => {
    const { browser } = app;
    execFileSync(DEMO_API_BIN, ["fault", "replica-lag", "--duration", "5m", "--api", stack.url("demo-api")]);
    const rising = await waitFor("the replication-lag panel to rise above 10 s", async () => {
      await (await $("dashboard-refresh")).click();
      const lags = await newestLags();
      return lags.some((l) => l.seconds !== null && l.seconds > 10) ? lags : null;
    }, { timeoutMs: 90_000, intervalMs: 3_000 });
    assert.ok(rising.some((l) => l.seconds < 1), `the primary still reads 0: ${JSON.stringify(rising)}`);
    await (await panel(REPLICATION_LAG)).scrollIntoView();
    await screenshot(browser, "database-replication-lag-rising");
  });
});
