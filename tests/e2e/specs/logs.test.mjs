// Over 400 lines: one person's Discover walkthrough, each step building on the last.
// Log search (Discover) against the demo stack's real OpenSearch: the demo API's JSON lines,
// shipped by rsyslog into `dataset-management-YYYY.MM.DD` while an error burst makes ERROR lines.
// A person searches `level:ERROR`, narrows the window on the histogram, filters by a field's top
// value, opens a line and the lines around it, exports NDJSON, pins lines to an incident, tails
// new lines, and opens Discover from a dashboard panel. Hostile lines written straight into the
// index by `_bulk` must show as text without breaking the table.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { openDashboard } from "../lib/dashboards.mjs";
import { discover } from "../lib/logs.mjs";

const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");
const NONCE = Date.now().toString(36);
const TAIL_USER = `e2e-tail-${NONCE}`;
const HOSTILE_REQUEST = `e2e-hostile-${NONCE}`;
const LONG_LINE = `long line ${"0123456789abcdef".repeat(12_500)}`; // 200 KB
const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\u001b[31mred ANSI\u001b[0m \u001b[1;5mblink\u001b[0m",
  "invoice\u202Etxt.exe right-to-left override",
  "NUL\u0000in the middle",
  LONG_LINE,
];

/** The daily index the shipper writes today's lines to (UTC day, as Filebeat names it). */
function todaysIndex(now = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `dataset-management-${now.getUTCFullYear()}.${p(now.getUTCMonth() + 1)}.${p(now.getUTCDate())}`;
}

describe("Logs against the demo stack's OpenSearch", () => {
  let stack;
  let app;
  let search;
  let work;
  let burstAt;

  /** Documents matching a Lucene query in the demo indices, straight from OpenSearch. */
  async function count(q) {
    const response = await fetch(`${search}/dataset-management-*/_count?q=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return 0;
    return (await response.json()).count;
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "hinomi-e2e-logs-"));
    stack = await startStack({ scrapeInterval: "2s", logSearch: true });
    search = stack.searchUrl();
    burstAt = Date.now();
    execFileSync(DEMO_API_BIN, ["fault", "error-burst", "--duration", "10m", "--api", stack.url("demo-api")]);
    // The demo API's own traffic (5 req/s, 60% failing in the burst) shipped by rsyslog.
    // Older than 20 s: the histogram test narrows to a window ending 15 s before the search,
    // and a fast machine would otherwise search before any ERROR line is that old.
    await waitFor("ERROR lines shipped into OpenSearch", async () => (await count("level:ERROR AND @timestamp:<now-20s")) >= 30, { timeoutMs: 120_000, intervalMs: 1000 });

    const now = new Date();
    const body = HOSTILE.map((message, i) => {
      const at = new Date(now.getTime() - (HOSTILE.length - i) * 1000);
      const doc = {
        "@timestamp": at.toISOString(),
        timestamp: at.toISOString().slice(0, 19).replace("T", " "),
        level: "INFO",
        service: "dataset-management",
        message,
        context: { request_id: HOSTILE_REQUEST, user_id: "mallory", action: "create_dataset" },
      };
      return `${JSON.stringify({ index: { _index: todaysIndex(at) } })}\n${JSON.stringify(doc)}\n`;
    }).join("");
    const bulk = await fetch(`${search}/_bulk?refresh=wait_for`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const answer = await bulk.json();
    assert.equal(answer.errors, false, `_bulk: ${JSON.stringify(answer).slice(0, 500)}`);

    const opensearch = `
[[datasources]]
id = "demo-opensearch"
name = "Demo OpenSearch"
kind = "elasticsearch"
url = "${search}"
timeout_ms = 10000

[datasources.logs]
index_pattern = "dataset-management-*"
time_field = "@timestamp"
`;
    app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: opensearch }) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const { $, generation, searched, runQuery } = discover(() => app.browser);
  const rowLevels = () =>
    app.browser.execute(() => [...document.querySelectorAll('[data-testid="logs-table"] [data-testid="logs-row"]')].map((r) => r.getAttribute("data-level")));
  const histogram = async () => {
    const h = await $("logs-histogram");
    return {
      buckets: Number(await h.getAttribute("data-buckets")),
      total: Number(await h.getAttribute("data-total")),
      fromMs: Number(await h.getAttribute("data-from-ms")),
      toMs: Number(await h.getAttribute("data-to-ms")),
    };
  };

  let errorsShown;
  let lastGeneration = -1;

  it("searches level:ERROR and shows real lines and the hits histogram", async () => {
    const { browser } = app;
    await (await $("nav-logs")).click();
    await (await $("view-logs")).waitForExist({ timeout: 20_000 });
    // The view searches on open (the last hour); look at the last 5 minutes, then ask for errors.
    await waitFor("the first search", async () => (await generation()) >= 1, { timeoutMs: 30_000 });
    const opened = await generation();
    await (await $("logs-range")).selectByAttribute("value", "5m");
    await searched(opened);
    const shown = await runQuery("level:ERROR");
    assert.ok(shown.total >= 30, `ERROR hits: ${shown.text}`);
    assert.ok(shown.exact, "fewer than 10,000 hits are counted exactly");
    errorsShown = shown.total;
    const levels = await waitFor("rows", async () => {
      const l = await rowLevels();
      return l.length > 0 ? l : null;
    });
    assert.ok(levels.every((l) => l === "error"), `only ERROR rows: ${levels}`);
    const message = await (await browser.$('[data-testid="logs-row"] [data-testid="logs-cell"][data-column="message"]')).getText();
    assert.match(message, /error_burst|-> 5\d\d/, `a real demo API line: ${message}`);
    const h = await histogram();
    assert.ok(h.buckets > 10, `histogram buckets: ${h.buckets}`);
    assert.equal(h.total, shown.total, "the histogram counts the hits");
    assert.ok(Math.abs(h.toMs - h.fromMs - 5 * 60_000) < 1000, "the histogram spans the last 5 minutes");
    await screenshot(browser, "logs-errors");
  });

  it("narrows the window by dragging across the histogram", async () => {
    const { browser } = app;
    const h = await histogram();
    const area = await $("logs-histogram-area");
    const rect = await browser.execute((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    }, area);
    // From a little before the burst to 15 s before the search: lines still on their way from
    // the shipper cannot change the narrowed window's count afterwards. (`before` waited until
    // ERROR lines older than 20 s were indexed, so this window holds some.)
    const fromMs = Math.max(h.fromMs, burstAt - 10_000);
    const toMs = h.toMs - 15_000;
    assert.ok(toMs - fromMs > 10_000, `a window worth narrowing to: ${fromMs}..${toMs}`);
    const x = (ms) => Math.round(rect.left + ((ms - h.fromMs) / (h.toMs - h.fromMs)) * rect.width);
    const y = Math.round(rect.top + rect.height / 2);
    const before = await generation();
    await browser
      .action("pointer", { parameters: { pointerType: "mouse" } })
      .move({ x: x(fromMs), y, origin: "viewport" })
      .down({ button: 0 })
      .move({ x: Math.round((x(fromMs) + x(toMs)) / 2), y, origin: "viewport", duration: 100 })
      .move({ x: x(toMs), y, origin: "viewport", duration: 100 })
      .up({ button: 0 })
      .perform();
    const narrowed = await searched(before);
    assert.equal(await (await $("logs-range")).getValue(), "absolute", "the picker shows the chosen window");
    const after = await histogram();
    const slack = ((h.toMs - h.fromMs) / rect.width) * 4;
    assert.ok(Math.abs(after.fromMs - fromMs) < slack && Math.abs(after.toMs - toMs) < slack, `narrowed to ${after.fromMs}..${after.toMs}, dragged ${fromMs}..${toMs}`);
    assert.ok(narrowed.total > 0 && narrowed.total <= errorsShown, `${narrowed.total} of ${errorsShown} hits in the narrowed window`);
    assert.equal(after.total, narrowed.total);
    errorsShown = narrowed.total;
    await screenshot(browser, "logs-narrowed");
  });

  it("adds a filter from a field's top values in the sidebar", async () => {
    const { browser } = app;
    const field = await browser.$('[data-testid="logs-field"][data-field="context.action"]');
    await field.waitForExist({ timeout: 10_000 });
    await (await field.$('[data-testid="logs-field-name"]')).click();
    const top = await field.$('[data-testid="logs-top-value"]');
    await top.waitForExist({ timeout: 10_000 });
    const value = await top.getAttribute("data-value");
    assert.ok(value, "a top value of context.action");
    await screenshot(browser, "logs-field-top-values");
    const before = await generation();
    await (await top.$('[data-testid="logs-top-filter-for"]')).click();
    const filtered = await searched(before);
    const pill = await browser.$('[data-testid="logs-filter-pill"][data-field="context.action"]');
    await pill.waitForExist({ timeout: 5_000 });
    assert.match(await pill.getText(), new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(await pill.getAttribute("data-negate"), "false");
    assert.ok(filtered.total > 0 && filtered.total <= errorsShown, `${filtered.total} of ${errorsShown}`);
    const expected = await count(`level:ERROR AND context.action:${value}`);
    assert.ok(filtered.total <= expected, `the narrowed window holds at most all such lines (${expected})`);
    await screenshot(browser, "logs-filtered");
  });

  it("opens a line and the lines around it", async () => {
    const { browser } = app;
    // The third hit when there are that many: the filter above may leave only a few, depending
    // on how the burst's requests fell among the actions.
    const shown = Number(await (await $("logs-hits")).getAttribute("data-value"));
    assert.ok(shown > 0, "hits to open");
    const row = await browser.$(`[data-testid="logs-table"] [data-testid="logs-row"][data-index="${Math.min(2, shown - 1)}"]`);
    await row.waitForExist({ timeout: 5_000 });
    const id = await row.getAttribute("data-id");
    await (await row.$('[data-testid="logs-row-expand"]')).click();
    const detail = await $("logs-detail");
    await detail.waitForExist({ timeout: 5_000 });
    assert.equal(await detail.getAttribute("data-id"), id);
    const level = await browser.$('[data-testid="logs-detail-field"][data-field="level"]');
    assert.match(await level.getText(), /ERROR/);
    await (await $("logs-surrounding-show")).click();
    await waitFor("the surrounding lines", async () => {
      const where = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="logs-surrounding-line"]')].map((l) => l.getAttribute("data-where")),
      );
      return where.includes("anchor") && where.includes("before") && where.includes("after");
    }, { timeoutMs: 15_000 });
    const around = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="logs-surrounding-line"]')].map((l) => l.getAttribute("data-level")),
    );
    assert.ok(around.length >= 3, `lines around the hit: ${around}`);
    await (await $("logs-surrounding")).scrollIntoView({ block: "center" });
    await screenshot(browser, "logs-document-surrounding");
    await (await $("logs-detail-close")).click();
  });

  it("exports the shown hits to NDJSON, one line per hit", async () => {
    const { browser } = app;
    const shown = Number(await (await $("logs-hits")).getAttribute("data-value"));
    await (await $("logs-export")).click();
    await (await $("logs-export-dialog")).waitForExist({ timeout: 5_000 });
    await (await $("logs-export-ndjson")).click();
    // The offered path, in the exports folder: written without a dialog (elsewhere needs Choose…).
    const pathField = await $("logs-export-path");
    await waitFor("the offered export path", async () => (await pathField.getValue()).endsWith(".ndjson"));
    const file = await pathField.getValue();
    await (await $("logs-export-start")).click();
    await (await $("logs-export-done")).waitForExist({ timeout: 30_000 });
    await screenshot(browser, "logs-export-done");
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
    assert.equal(lines.length, shown, "one NDJSON line per hit shown");
    rmSync(file);
    for (const line of lines) assert.equal(JSON.parse(line).level, "ERROR");
    await (await $("logs-export-close")).click();
  });

  it("pins two lines to an incident and shows them on its timeline", async () => {
    const { browser } = app;
    await (await $("nav-incidents")).click();
    await (await $("incidents-new")).click();
    await (await $("incidents-new-title")).setValue("決済APIの5xx増加 (logs)");
    await (await $("incidents-new-submit")).click();
    const incident = await $("incident-row");
    await incident.waitForExist({ timeout: 10_000 });
    const incidentId = await incident.getAttribute("data-id");

    await (await $("nav-logs")).click();
    const rows = await browser.$$('[data-testid="logs-table"] [data-testid="logs-row"]');
    assert.ok(rows.length >= 2, "the result is still there after switching views");
    const messages = [];
    for (const row of rows.slice(0, 2)) {
      await (await row.$('[data-testid="logs-row-select"]')).click();
      messages.push(await (await row.$('[data-testid="logs-cell"][data-column="message"]')).getText());
    }
    await (await $("logs-pin")).click();
    const choice = await $("pin-incident");
    await choice.waitForExist({ timeout: 10_000 });
    await choice.selectByAttribute("value", incidentId);
    await (await $("pin-confirm")).click();
    await (await $("pin-done")).waitForExist({ timeout: 10_000 });
    await (await $("pin-close")).click();

    await (await $("nav-incidents")).click();
    await (await browser.$(`[data-testid="incident-row"][data-id="${incidentId}"]`)).click();
    const pinned = await browser.$('[data-testid="timeline-entry"][data-kind="evidence_pinned"]');
    await pinned.waitForExist({ timeout: 10_000 });
    await pinned.click();
    const logs = await browser.$('[data-testid="timeline-entry-detail"] [data-testid="evidence-logs"]');
    await logs.waitForExist({ timeout: 10_000 });
    const text = await logs.getText();
    for (const message of messages) assert.ok(text.includes(message.replace(/…$/, "")), `pinned: ${message}\nin: ${text}`);
    await logs.scrollIntoView({ block: "end" });
    await screenshot(browser, "logs-pinned-on-incident");
  });

  it("tails new lines as they arrive", async () => {
    const { browser } = app;
    await (await $("nav-logs")).click();
    await (await $("view-logs")).waitForExist({ timeout: 10_000 });
    // The user id as a column, from the sidebar's column chooser.
    const field = await browser.$('[data-testid="logs-field"][data-field="context.user_id"]');
    await field.waitForExist({ timeout: 10_000 });
    await (await field.$('[data-testid="logs-field-add"]')).click();
    await (await $("logs-filter-remove")).click();
    await (await $("logs-query")).setValue(`level:ERROR OR context.user_id:"${TAIL_USER}"`);
    await (await $("logs-tail-toggle")).click();
    await (await $("logs-tail-bar")).waitForExist({ timeout: 10_000 });
    await waitFor("the newest lines", async () => Number(await (await $("logs-tail-table")).getAttribute("data-rows")) > 0, { timeoutMs: 20_000 });
    const mine = `[data-testid="logs-tail-table"] [data-testid="logs-cell"][data-column="context.user_id"]`;
    const seen = () => browser.execute((sel, user) => [...document.querySelectorAll(sel)].some((c) => c.textContent === user), mine, TAIL_USER);
    assert.equal(await seen(), false);
    // A request of ours to the demo API: its log line goes file -> rsyslog -> OpenSearch -> here.
    let sent = 0;
    await waitFor("our request's line in the tail", async () => {
      if (sent < 10) {
        sent++;
        await fetch(`${stack.url("demo-api")}/api/v1/datasets`, { headers: { "x-user-id": TAIL_USER }, signal: AbortSignal.timeout(10_000) });
      }
      return seen();
    }, { timeoutMs: 45_000, intervalMs: 1000 });
    await screenshot(browser, "logs-live-tail");
    await (await $("logs-tail-toggle")).click();
    await waitFor("the tail stopped", async () => !(await (await $("logs-tail-bar")).isExisting()));
    lastGeneration = await generation();
  });

  it("opens Discover on a dashboard panel's window with Show logs", async () => {
    const { browser } = app;
    await openDashboard(browser, "hinomi-system-overview", "15m");
    const panel = await browser.$('[data-testid="dashboard-panel"][data-panel-id="1"]');
    await waitFor("panel 1 answered", async () => (await panel.getAttribute("data-state")) === "loaded", { timeoutMs: 30_000 });
    await (await panel.$('[data-testid="panel-menu"]')).click();
    await (await panel.$('[data-testid="panel-show-logs"]')).click();
    await (await $("view-logs")).waitForExist({ timeout: 10_000 });
    const shown = await searched(lastGeneration);
    assert.equal(await (await $("logs-range")).getValue(), "15m", "Discover has the panel's range");
    const h = await histogram();
    assert.ok(Math.abs(h.toMs - h.fromMs - 15 * 60_000) < 1000, `the last 15 minutes: ${h.fromMs}..${h.toMs}`);
    assert.equal(await (await $("logs-query")).getValue(), "", "every line of the window");
    assert.ok(shown.total > errorsShown, `all levels: ${shown.text}`);
    await screenshot(browser, "logs-from-dashboard-panel");
  });

  it("shows hostile lines as text without breaking the table or the page", async () => {
    const { browser } = app;
    const shown = await runQuery(`context.request_id:"${HOSTILE_REQUEST}"`);
    assert.equal(shown.total, HOSTILE.length);
    await waitFor("every hostile row", async () => (await rowLevels()).length === HOSTILE.length);
    const page = await browser.execute(() => {
      const view = document.querySelector('[data-testid="view-logs"]');
      const rows = [...document.querySelectorAll('[data-testid="logs-table"] [data-testid="logs-row"]')];
      const messages = rows.map((r) => r.querySelector('[data-testid="logs-cell"][data-column="message"]').textContent);
      return {
        injected: view.querySelectorAll("script, img, iframe, object").length,
        heights: [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))],
        pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        viewOverflow: view.scrollWidth - view.clientWidth,
        messages,
      };
    });
    assert.equal(page.injected, 0, "no element made from a line");
    assert.ok(page.heights.length === 1 && page.heights[0] <= 26, `every row one line high: ${page.heights}`);
    assert.ok(page.pageOverflow <= 0, `the page does not scroll sideways (${page.pageOverflow}px)`);
    assert.ok(page.viewOverflow <= 0, `the view does not overflow (${page.viewOverflow}px)`);
    const all = page.messages.join("\n");
    assert.ok(all.includes("<script>alert(1)</script>"), all.slice(0, 400));
    assert.ok(all.includes("<img src=x onerror=alert(1)>"));
    assert.ok(all.includes("\u241b[31mred ANSI"), "ANSI escapes are shown as ␛, not interpreted");
    assert.ok(all.includes("NUL\u2400in the middle"), "NUL is shown as ␀");
    assert.ok(all.includes("invoice\u27e8U+202E\u27e9txt.exe"), "the right-to-left override is shown, not obeyed");
    await assert.rejects(browser.getAlertText(), "no alert() ran");
    await screenshot(browser, "logs-hostile-lines");

    // The 200 KB line opened beside the table: the document view wraps it in its own pane.
    const long = await browser.$('[data-testid="logs-table"] [data-testid="logs-row"][data-index="0"]');
    await (await long.$('[data-testid="logs-row-expand"]')).click();
    const detail = await $("logs-detail");
    await detail.waitForExist({ timeout: 5_000 });
    const widths = await browser.execute(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      detail: document.querySelector('[data-testid="logs-detail"]').getBoundingClientRect().right,
      window: window.innerWidth,
      heights: [...new Set([...document.querySelectorAll('[data-testid="logs-table"] [data-testid="logs-row"]')].map((r) => Math.round(r.getBoundingClientRect().height)))],
    }));
    assert.ok(widths.page <= 0, `no sideways scroll with the long line open (${widths.page}px)`);
    assert.ok(widths.detail <= widths.window + 1, `the document view stays in the window (${widths.detail} > ${widths.window})`);
    assert.ok(widths.heights.length === 1 && widths.heights[0] <= 26, `rows: ${widths.heights}`);
    await screenshot(browser, "logs-hostile-long-line-open");
    await (await $("logs-detail-close")).click();
  });

  it("draws a log-volume lane under a dashboard time series, on its time axis and crosshair", async () => {
    const { browser } = app;
    await (await $("nav-dashboards")).click();
    const panel = await browser.$('[data-testid="dashboard-panel"][data-panel-id="1"]');
    await panel.waitForExist({ timeout: 20_000 });
    await waitFor("panel 1 answered", async () => (await panel.getAttribute("data-state")) === "loaded", { timeoutMs: 30_000 });
    await (await panel.$('[data-testid="panel-menu"]')).click();
    await (await panel.$('[data-testid="panel-log-volume-toggle"]')).click();
    const lane = await panel.$('[data-testid="panel-log-volume"]');
    await lane.waitForExist({ timeout: 10_000 });
    await waitFor("the lane counted", async () => (await lane.getAttribute("data-state")) === "loaded", { timeoutMs: 20_000 });
    assert.equal(await (await lane.$('[data-testid="panel-log-volume-query"]')).getValue(), "level:ERROR", "errors by default");
    const total = Number(await lane.getAttribute("data-total"));
    const h = await lane.$('[data-testid="panel-log-volume-histogram"]');
    const from = Number(await h.getAttribute("data-from-ms"));
    const to = Number(await h.getAttribute("data-to-ms"));
    assert.ok(Math.abs(to - from - 15 * 60_000) < 1000, "the panel's 15 minutes");
    const expected = await count(`level:ERROR AND @timestamp:[${from} TO ${to}]`);
    assert.ok(total > 0 && total <= expected, `lane ${total} ERROR lines, OpenSearch has ${expected} in the window now`);

    // The lane's plotting area sits exactly under the chart's: one time axis.
    const boxes = await browser.execute((p) => {
      const box = (sel) => {
        const r = p.querySelector(sel).getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, height: r.height };
      };
      return { chart: box('[data-testid="timeseries-chart-area"]'), lane: box('[data-testid="panel-log-volume-histogram-area"]') };
    }, panel);
    assert.ok(Math.abs(boxes.chart.left - boxes.lane.left) <= 1 && Math.abs(boxes.chart.right - boxes.lane.right) <= 1, `aligned: ${JSON.stringify(boxes)}`);

    // Hovering the lane moves the dashboard's crosshair: the chart above shows its values there.
    const area = await lane.$('[data-testid="panel-log-volume-histogram-area"]');
    // (Offsets from the element's centre: near the right end, where the burst is.)
    // Hovered again on every try: a pointer move that lands while the lane is still being
    // redrawn (its answer arriving) is lost, as it would be for a person, who moves again.
    const xOffset = Math.round((boxes.lane.right - boxes.lane.left) / 2 - 20);
    await waitFor("the chart's tooltip from the lane's cursor", async () => {
      await area.moveTo({ xOffset: xOffset - 1, yOffset: 0 });
      await area.moveTo({ xOffset, yOffset: 0 });
      return (await panel.$('[data-testid="chart-tooltip"]')).isExisting();
    }, { timeoutMs: 10_000 });
    await screenshot(browser, "dashboards-log-volume-lane");

    // The query is editable in place, and the lane is remembered for the panel.
    const query = await lane.$('[data-testid="panel-log-volume-query"]');
    await query.setValue("level:(ERROR OR INFO)");
    await browser.keys(["Enter"]);
    await waitFor("ERROR and INFO lines counted", async () => Number(await lane.getAttribute("data-total")) > total, { timeoutMs: 20_000 });
    const stored = await browser.execute(() => localStorage.getItem("hinomi.dashboards.logVolume"));
    assert.match(stored, /"hinomi-system-overview\/1":"level:\(ERROR OR INFO\)"/);
  });
});
