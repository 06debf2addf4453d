// The heatmap and state-timeline panels of the built-in System overview against the real demo
// stack: the latency heatmap draws cells from api_request_duration_seconds_bucket (pixels on its
// canvas, more than one colour) and hovering a cell names its bucket and count; the state
// timeline has one lane per Prometheus scrape target, every one UP.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { openDashboard } from "../lib/dashboards.mjs";

const HEATMAP = 6;
const STATE_TIMELINE = 7;

describe("Dashboard panels: heatmap and state timeline", () => {
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

  /** Waits for `probe` to return something, pressing Refresh now and then (a fresh stack may not
   * have two samples for rate() yet, as a person would). */
  async function withRefresh(what, probe) {
    let clicked = Date.now();
    return waitFor(
      what,
      async () => {
        if (Date.now() - clicked > 8_000) {
          clicked = Date.now();
          await (await $("dashboard-refresh")).click();
        }
        return probe();
      },
      { timeoutMs: 90_000 },
    );
  }

  /** What the heatmap canvas has painted inside its plot area: painted pixels, distinct colours,
   * and the viewport position of one painted pixel (a cell) near the newest data. */
  const paintedCells = (canvas) =>
    app.browser.execute((el) => {
      // In view, so the position returned is one the pointer can reach (a refresh may scroll).
      el.scrollIntoView({ block: "center" });
      const ctx = el.getContext("2d");
      const ratio = el.width / el.clientWidth;
      const { data, width, height } = ctx.getImageData(0, 0, el.width, el.height);
      // The plot: right of the 58 px bucket axis, above the 18 px time axis.
      const x0 = Math.ceil(62 * ratio);
      const y1 = height - Math.ceil(22 * ratio);
      let painted = 0;
      const colours = new Set();
      let cell = null;
      for (let y = Math.ceil(6 * ratio); y < y1; y++) {
        for (let x = x0; x < width - 2; x++) {
          const i = (y * width + x) * 4;
          if (data[i + 3] === 0) continue;
          painted++;
          // Scheme colours are opaque; partly transparent pixels are anti-aliased cell edges.
          if (data[i + 3] === 255) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
          if (!cell || x > cell.x) cell = { x, y };
        }
      }
      const box = el.getBoundingClientRect();
      const at = cell && { x: Math.round(box.left + (cell.x - 1) / ratio), y: Math.round(box.top + cell.y / ratio + 1) };
      return { painted, colours: colours.size, at, cells: Number(el.dataset.cells), buckets: Number(el.dataset.buckets), columns: Number(el.dataset.columns) };
    }, canvas);

  it("draws the latency heatmap with cells, a colour legend and a tooltip naming bucket and count", async () => {
    const { browser } = app;
    await openDashboard(browser, "hinomi-system-overview", "15m");
    const heatmap = await panel(HEATMAP);
    await heatmap.scrollIntoView();
    const drawn = await withRefresh("the heatmap to draw cells", async () => {
      const canvas = await heatmap.$('[data-testid="heatmap-chart"]');
      if (!(await canvas.isExisting())) return null;
      const seen = await paintedCells(canvas);
      // A few steps of rate() (the first needs two scrapes): columns of cells, not one.
      return seen.columns >= 3 && seen.colours >= 2 && seen.at ? { canvas, seen } : null;
    });
    const { canvas, seen } = drawn;
    assert.ok(seen.buckets >= 3, `several le buckets: ${JSON.stringify(seen)}`);
    assert.ok(seen.painted > 50, `cells are painted, not a blank canvas: ${JSON.stringify(seen)}`);
    assert.ok(seen.colours >= 2, `counts span the colour scale: ${JSON.stringify(seen)}`);
    const legend = await heatmap.$('[data-testid="heatmap-legend"]');
    assert.ok(await legend.isExisting(), "the colour legend is shown");
    assert.match(await (await heatmap.$('[data-testid="heatmap-legend-max"]')).getText(), /\d/);
    await screenshot(browser, "dashboards-panels-heatmap");

    // Hover the newest painted cell (re-read, in case a refresh repainted it meanwhile).
    const at = (await paintedCells(canvas)).at ?? seen.at;
    await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: at.x, y: at.y, origin: "viewport" }).perform();
    const tooltip = await waitFor("the heatmap tooltip", async () => {
      const t = await heatmap.$('[data-testid="heatmap-tooltip"]');
      return (await t.isExisting()) ? t : null;
    });
    const bucket = await (await tooltip.$('[data-testid="heatmap-tooltip-bucket"]')).getText();
    const count = await (await tooltip.$('[data-testid="heatmap-tooltip-count"]')).getText();
    // "≤ 5 ms", "100 ms – 250 ms" or "> 10 s": bounds in the y axis unit (s).
    assert.match(bucket, /^Bucket\s*(≤ |> )?[\d.]+ ?(ms|s|µs)/, `a bucket range in seconds: ${bucket}`);
    assert.match(count, /^Count\s*[\d.]+/, `a count: ${count}`);
    await screenshot(browser, "dashboards-panels-heatmap-tooltip");
  });

  it("draws the state timeline with one lane per scrape target, all up", async () => {
    const { browser } = app;
    const targets = (await (await fetch(`${stack.url("prometheus")}/api/v1/targets?state=active`)).json()).data.activeTargets;
    assert.ok(targets.length >= 2, `the demo stack scrapes several targets: ${targets.length}`);
    const timeline = await panel(STATE_TIMELINE);
    await timeline.scrollIntoView();
    const lanes = await withRefresh("a lane per target", async () => {
      const found = Array.from(await timeline.$$('[data-testid="state-lane"]'));
      return found.length === targets.length ? found : null;
    });
    for (const lane of lanes) {
      const name = await lane.getAttribute("data-name");
      assert.equal(await lane.getAttribute("data-states"), "UP", `${name} is up the whole time`);
    }
    const names = [];
    for (const lane of lanes) names.push(await lane.getAttribute("data-name"));
    for (const t of targets) {
      assert.ok(names.includes(`${t.labels.job} ${t.labels.instance}`), `a lane for ${t.labels.job} ${t.labels.instance}: ${names}`);
    }
    const legend = [];
    for (const item of Array.from(await timeline.$$('[data-testid="state-legend-item"]'))) legend.push(await item.getText());
    assert.deepEqual(legend, ["DOWN", "UP"]);
    const canvas = await timeline.$('[data-testid="state-timeline"]');
    const greenPixels = () =>
      browser.execute((el) => {
        const { data } = el.getContext("2d").getImageData(0, 0, el.width, el.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i + 1] > data[i] + 40 && data[i + 1] > data[i + 2]) n++;
        return n;
      }, canvas);
    // Every lane has a bar at least a few pixels wide (the stack is young: its data is short).
    const green = await withRefresh("UP bars painted green", async () => {
      const n = await greenPixels();
      return n > 100 * lanes.length ? n : null;
    });
    assert.ok(green > 0);

    // Hover the first lane where its bar is painted (the newest green pixel on its middle row):
    // a young stack's data covers only the right end of the range.
    const at = await browser.execute(
      (el, lane) => {
        el.scrollIntoView({ block: "center" });
        const box = el.getBoundingClientRect();
        const ratio = el.width / el.clientWidth;
        const laneBox = lane.getBoundingClientRect();
        const y = Math.round((laneBox.top + laneBox.height / 2 - box.top) * ratio);
        const { data } = el.getContext("2d").getImageData(0, y, el.width, 1);
        for (let x = el.width - 1; x >= 0; x--) {
          const i = x * 4;
          if (data[i + 3] > 0 && data[i + 1] > data[i] + 40 && data[i + 1] > data[i + 2]) {
            return { x: Math.round(box.left + (x - 2) / ratio), y: Math.round(box.top + y / ratio) };
          }
        }
        return null;
      },
      canvas,
      lanes[0],
    );
    assert.ok(at, "the first lane has a painted bar");
    await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: at.x, y: at.y, origin: "viewport" }).perform();
    const state = await waitFor("the state tooltip", async () => {
      const t = await timeline.$('[data-testid="state-tooltip-state"]');
      return (await t.isExisting()) ? t.getText() : null;
    });
    assert.equal(state, "UP");
    await screenshot(browser, "dashboards-panels-state-timeline");
  });
});
