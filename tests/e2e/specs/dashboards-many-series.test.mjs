// A panel with more series than the series limit, against a real Prometheus backfilled with
// 1,200 series × 180 points (`hinomi-demo backfill`), as issue 14 asks ("draw it all"):
// - the Settings' limit (1,000 by default, then 250) cuts the panel and the panel says
//   "Showing N of 1,200";
// - the panel's own limit (the panel editor) lifts it, and all 1,200 are drawn;
// - hovering lists the highest values at the cursor with their exact numbers (checked against
//   Prometheus's own answer), and how many more;
// - the legend's filter finds one series among 1,200 (the chart keeps its size) and a click
//   isolates it;
// - a drag across the chart narrows the dashboard's range and every series is fetched again;
// - two queries of one panel on different steps (the second's min step four times the first's)
//   are drawn as two unbroken lines: the times of one that the other has no point at are
//   another query's, not gaps (ui/src/lib/charts/align.ts).

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startApp, screenshot, waitFor } from "../lib/harness.mjs";
import { appHomeWith, backfillDashboard, backfillSettings, startBackfill } from "../lib/backfill.mjs";

const SERIES = 1_200;
const POINTS = 180;
const UID = "e2e-many-series";
const MIXED_UID = "e2e-mixed-steps";
const MIXED_TITLE = "E2E mixed steps";
/** Rows the tooltip lists before it counts the rest ("+N", TimeSeriesChart.svelte). */
const TOOLTIP_ROWS = 12;

describe("Dashboards: a panel of 1,200 series", () => {
  let backfill;
  let app;

  before(async () => {
    backfill = await startBackfill({ series: SERIES, points: POINTS });
    // Values shown with the three decimals the backfill wrote; series named by their label.
    const dashboard = backfillDashboard(backfill.info, {
      uid: UID,
      title: "E2E many series",
      panel: { gridPos: { x: 0, y: 0, w: 24, h: 16 }, fieldConfig: { defaults: { decimals: 3 }, overrides: [] } },
      target: { legendFormat: "{{series}}" },
    });
    // One series at the backfill's step and one at four times it, in one panel.
    const datasource = { type: "prometheus", uid: "bench-prometheus" };
    const query = (refId, series, interval) => ({ refId, datasource, expr: `${backfill.info.metric}{series="${series}"}`, legendFormat: "{{series}}", interval });
    const mixed = backfillDashboard(backfill.info, {
      uid: MIXED_UID,
      title: MIXED_TITLE,
      panel: { targets: [query("A", "0000", `${backfill.info.step_secs}s`), query("B", "0001", `${4 * backfill.info.step_secs}s`)] },
    });
    const home = appHomeWith(dashboard, mixed);
    app = await startApp({ settingsToml: backfillSettings(backfill.info), home });
  });

  after(async () => {
    await app?.stop();
    await backfill?.stop();
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = () => app.browser.$('[data-testid="dashboard-panel"][data-panel-id="1"]');
  const chart = async () => (await panel()).$('[data-testid="timeseries-chart"]');

  /** What the panel shows once a load newer than `generation` has painted. */
  async function drawnAfter(generation, what) {
    return waitFor(
      what,
      async () => {
        const state = await app.browser.execute(() => {
          const p = document.querySelector('[data-testid="dashboard-panel"][data-panel-id="1"]');
          const c = p?.querySelector('[data-testid="timeseries-chart"]');
          if (!p || !c || p.dataset.state !== "loaded" || !p.dataset.paintedAt) return null;
          return {
            generation: Number(p.dataset.generation),
            paintedAt: Number(p.dataset.paintedAt),
            series: Number(c.dataset.seriesCount),
            longest: Number(c.dataset.longestSeries),
            raster: c.dataset.raster === "true",
            truncated: p.querySelector('[data-testid="panel-truncated"]')?.textContent?.trim() ?? null,
            legendRows: p.querySelectorAll('[data-testid="panel-legend-item"]').length,
            legendMore: p.querySelector('[data-testid="panel-legend-more"]')?.textContent?.trim() ?? null,
          };
        });
        return state && state.generation > generation && state.series > 0 ? state : null;
      },
      { timeoutMs: 60_000 },
    );
  }
  const generation = async () => Number((await (await panel()).getAttribute("data-generation")) || 0);

  /** For each colour the legend's swatches show, how many of the plot's pixels carry exactly it
   * and in how many of the canvas's columns (`width` of them) they are: lines drawn in their
   * legend colours, not a blank or one-colour plot. */
  const legendColourPaint = () =>
    app.browser.execute(() => {
      const p = document.querySelector('[data-testid="dashboard-panel"][data-panel-id="1"]');
      const rgb = (css) => css.match(/\d+/g).slice(0, 3).map(Number).join(",");
      const legend = new Set([...p.querySelectorAll('[data-testid="panel-legend-item"] .swatch')].map((s) => rgb(getComputedStyle(s).backgroundColor)));
      const canvas = p.querySelector('[data-testid="timeseries-chart"] canvas');
      const { data, width } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      const counts = Object.fromEntries([...legend].map((c) => [c, 0]));
      const columns = Object.fromEntries([...legend].map((c) => [c, new Set()]));
      for (let i = 0; i < data.length; i += 4) {
        const c = `${data[i]},${data[i + 1]},${data[i + 2]}`;
        if (!(c in counts)) continue;
        counts[c]++;
        columns[c].add((i / 4) % width);
      }
      return { width, colours: Object.fromEntries([...legend].map((c) => [c, { pixels: counts[c], columns: columns[c].size }])) };
    });

  /** Opens a dashboard (the many-series one unless told) from the list. */
  async function openFromList(uid = UID) {
    await (await $("nav-dashboards")).click();
    const back = await $("dashboard-back");
    if (await back.isExisting()) await back.click();
    const item = await app.browser.$(`[data-testid="dashboard-item"][data-uid="${uid}"]`);
    await item.waitForExist({ timeout: 20_000 });
    await (await item.$('[data-testid="dashboard-open"]')).click();
  }

  it("draws the Settings' series limit and says how many it left out", async () => {
    await openFromList();
    const drawn = await drawnAfter(0, "the panel drawn");
    assert.equal(drawn.series, 1_000, "the default limit of 1,000 series");
    assert.equal(drawn.longest, POINTS, "every point of a series, not a downsampled few");
    assert.equal(drawn.raster, true, "180,000 points are rasterised");
    assert.equal(drawn.truncated, "Showing 1,000 of 1,200 series (the series limit; change it in Settings or the panel editor).");
    // The legend offers a filter and renders a page of rows, counting the rest.
    assert.ok(await (await $("panel-legend-filter")).isExisting(), "a legend filter for 1,000 rows");
    assert.equal(drawn.legendRows, 100);
    assert.match(drawn.legendMore, /900 more/);
    const { colours } = await legendColourPaint();
    assert.ok(Object.keys(colours).length >= 12, `the legend's palette: ${JSON.stringify(colours)}`);
    for (const [colour, { pixels }] of Object.entries(colours)) assert.ok(pixels > 500, `lines in ${colour} painted: ${pixels} px`);
    await screenshot(app.browser, "dashboards-many-series-limited");
  });

  it("applies a lower limit from Settings to a panel without its own", async () => {
    await (await $("nav-settings")).click();
    const limit = await $("settings-series-limit");
    await limit.waitForExist({ timeout: 5_000 });
    await limit.setValue("250");
    await (await $("settings-save")).click();
    await waitFor("the limit saved to disk", async () => /^series_limit = 250$/m.test(readFileSync(join(app.configDir, "settings.toml"), "utf8")));
    // Open dashboards keep what they drew; opening it again runs its queries under the new limit.
    await openFromList();
    const drawn = await drawnAfter(0, "the panel drawn again");
    assert.equal(drawn.series, 250);
    assert.match(drawn.truncated, /^Showing 250 of 1,200 series/);
  });

  it("draws every series once the panel's own limit allows them", async () => {
    const before = await generation();
    await (await (await panel()).$('[data-testid="panel-menu"]')).click();
    await (await (await panel()).$('[data-testid="panel-edit"]')).click();
    const limit = await $("panel-editor-series-limit");
    await limit.waitForExist({ timeout: 5_000 });
    await limit.setValue(String(SERIES));
    await screenshot(app.browser, "dashboards-many-series-editor");
    await (await $("panel-editor-save")).click();
    const drawn = await drawnAfter(before, "the panel drawn with its own limit");
    assert.equal(drawn.series, SERIES, "all 1,200 series, over the Settings' 250");
    assert.equal(drawn.truncated, null, "no 'Showing N of M' when nothing is left out");
    assert.match(drawn.legendMore, /1,100 more/);
    await screenshot(app.browser, "dashboards-many-series-all");
  });

  it("lists the highest values under the cursor, exactly as Prometheus has them", async () => {
    const { info } = backfill;
    const area = await $("timeseries-chart-area");
    const size = await area.getSize();
    // WebDriver's offsets are from the element's centre: 40 % of the way across, half-way up.
    await area.moveTo({ xOffset: Math.round(-size.width * 0.1), yOffset: 0 });
    const tooltip = await waitFor("the tooltip", async () => {
      const shown = await app.browser.execute(() => {
        const t = document.querySelector('[data-testid="chart-tooltip"]');
        if (!t) return null;
        return {
          time: t.querySelector(".time").textContent,
          rows: [...t.querySelectorAll('[data-testid="chart-tooltip-row"]')].map((r) => ({ name: r.querySelector(".name").textContent, value: r.querySelector(".value").textContent })),
          more: t.querySelector(".more")?.textContent ?? null,
        };
      });
      return shown && shown.rows.length > 0 ? shown : null;
    });
    assert.equal(tooltip.rows.length, TOOLTIP_ROWS);
    assert.equal(tooltip.more, `+${SERIES - TOOLTIP_ROWS}`, "every other series counted");

    // Prometheus's own answer for the same query: at one of its timestamps the twelve highest
    // values must be the tooltip's, name for name and to the third decimal.
    const url = `${info.url}/api/v1/query_range?query=${info.metric}&start=${info.start_secs}&end=${info.end_secs}&step=${info.step_secs}`;
    const answer = await (await fetch(url)).json();
    assert.equal(answer.data.result.length, SERIES);
    const shown = tooltip.rows.map((r) => `${r.name}=${r.value}`);
    const matches = [];
    for (let i = 0; i < POINTS; i++) {
      const top = answer.data.result
        .map((s) => ({ name: s.metric.series, value: Number(s.values[i][1]), time: s.values[i][0] }))
        .sort((a, b) => b.value - a.value)
        .slice(0, TOOLTIP_ROWS);
      if (top.every((t, k) => shown[k] === `${t.name}=${t.value.toFixed(3)}`)) matches.push(top[0].time);
    }
    assert.equal(matches.length, 1, `the tooltip's rows are Prometheus's top twelve at one time: ${shown.join(", ")}`);
    const whenShown = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" }).format(matches[0] * 1000);
    const spaces = (s) => s.replace(/\s+/g, " ");
    assert.equal(spaces(tooltip.time), spaces(whenShown), "the tooltip's time is that sample's");
    await screenshot(app.browser, "dashboards-many-series-tooltip");
  });

  it("finds one series among 1,200 with the legend filter and isolates it", async () => {
    const filter = await $("panel-legend-filter");
    const chartSize = await (await chart()).getSize();
    await filter.setValue("0042");
    await waitFor("one legend row", async () => (await (await panel()).$$('[data-testid="panel-legend-item"]')).length === 1);
    // The legend keeps its height while filtered: the chart neither jumps nor redraws per key.
    assert.deepEqual(await (await chart()).getSize(), chartSize, "the chart's size while the legend is filtered");
    const row = (await (await panel()).$$('[data-testid="panel-legend-item"]'))[0];
    assert.equal(await row.getText(), "0042");
    assert.equal(await (await $("panel-legend-more")).isExisting(), false, "nothing more matches");
    const before = Number(await (await chart()).getAttribute("data-series-count"));
    assert.equal(before, SERIES, "the filter narrows the legend, not the chart");
    await (await row.$("button")).click();
    await waitFor("only series 0042 drawn", async () => Number(await (await chart()).getAttribute("data-series-count")) === 1);
    assert.equal(await (await chart()).getAttribute("data-raster"), "false", "180 points are drawn by uPlot itself");
    // uPlot's own hover dots are off for 1,200 series; the chart draws one for the series left.
    await (await $("timeseries-chart-area")).moveTo();
    await waitFor("one hover dot, on the isolated series", async () => (await (await panel()).$$('[data-testid="chart-hover-dot"]')).length === 1);
    await screenshot(app.browser, "dashboards-many-series-isolated");
    await (await $("dashboard-title")).moveTo();
    await (await row.$("button")).click();
    await waitFor("every series drawn again", async () => Number(await (await chart()).getAttribute("data-series-count")) === SERIES);
    // Emptied with the input event a person's edit fires (WebDriver's clear fires none).
    await app.browser.execute((el) => {
      el.value = "";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, filter);
    await waitFor("the legend's first page again", async () => (await (await panel()).$$('[data-testid="panel-legend-item"]')).length === 100);
  });

  it("narrows the range by dragging across the chart and fetches every series again", async () => {
    const { info } = backfill;
    // Away from the legend and the tooltip's rows: the pointer leaves the chart first.
    await (await $("dashboard-title")).moveTo();
    const area = await $("timeseries-chart-area");
    const rect = await app.browser.execute((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    }, area);
    const y = Math.round(rect.top + rect.height / 2);
    const x = (fraction) => Math.round(rect.left + rect.width * fraction);
    const before = await generation();
    await app.browser
      .action("pointer", { parameters: { pointerType: "mouse" } })
      .move({ x: x(0.25), y, origin: "viewport" })
      .down({ button: 0 })
      .move({ x: x(0.4), y, origin: "viewport", duration: 100 })
      .move({ x: x(0.5), y, origin: "viewport", duration: 100 })
      .up({ button: 0 })
      .perform();
    const drawn = await drawnAfter(before, "the narrowed range drawn");
    assert.equal(await (await $("dashboard-range")).getValue(), "absolute", "the picker shows the dragged window");
    assert.equal(drawn.series, SERIES, "every series fetched again for the narrower window");
    // A quarter of the day's 180 points, give or take the pixel the drag ends on.
    const expected = (POINTS - 1) / 4;
    assert.ok(Math.abs(drawn.longest - expected) <= 3, `about ${expected.toFixed(0)} points per series: ${drawn.longest}`);
    assert.ok(drawn.longest < POINTS && info.points === POINTS);
    await screenshot(app.browser, "dashboards-many-series-zoomed");
  });

  it("draws two queries on different steps as two unbroken lines", async () => {
    await openFromList(MIXED_UID);
    const drawn = await waitFor(
      "the mixed-step panel drawn",
      () =>
        app.browser.execute((title) => {
          if (document.querySelector('[data-testid="dashboard-title"]')?.textContent?.trim() !== title) return null;
          const p = document.querySelector('[data-testid="dashboard-panel"][data-panel-id="1"]');
          const c = p?.querySelector('[data-testid="timeseries-chart"]');
          if (!p || !c || p.dataset.state !== "loaded" || !p.dataset.paintedAt || c.dataset.seriesCount !== "2") return null;
          return { points: Number(c.dataset.points), longest: Number(c.dataset.longestSeries) };
        }, MIXED_TITLE),
      { timeoutMs: 60_000 },
    );
    // The step-4 query has a quarter of the other's points (the shorter one is the rest).
    const shorter = drawn.points - drawn.longest;
    assert.ok(shorter > 0 && Math.abs(drawn.longest / shorter - 4) < 0.5, `points per query: ${drawn.longest} and ${shorter}`);
    await screenshot(app.browser, "dashboards-mixed-steps");
    // Each legend colour's line, by the plot columns where it has a pixel of exactly that colour
    // (the rest of a slanted antialiased line is blended): the step-4 line crosses a good share of
    // what the other does. Drawn with gaps at the other query's times it would have no segment
    // at all (every point alone between two gaps), so no column.
    const paint = await legendColourPaint();
    const columns = { width: paint.width, crossed: Object.values(paint.colours).map((c) => c.columns) };
    assert.equal(columns.crossed.length, 2, "two legend colours");
    const [a, b] = columns.crossed;
    assert.ok(Math.max(a, b) > columns.width / 2, `a line across the ${columns.width} px canvas: ${a} and ${b} columns`);
    assert.ok(Math.min(a, b) > Math.max(a, b) / 2, `both lines drawn across: ${a} and ${b} columns`);
  });
});
