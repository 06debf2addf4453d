// Annotations on dashboards against the demo stack (a TEST copy of the seed's rules with `for:
// 10s`, so HighErrorRate fires within the test after an error burst):
// - the alert's fired → resolved region is drawn on the time series whose queries share its
//   job/instance labels, and the dashboard bar has a toggle for it that is remembered;
// - a Prometheus annotation query in an imported Grafana dashboard is drawn as a region;
// - the incident made from the alert shows its "detected" marker, and a panel pinned to it keeps
//   the markers: the exported HTML report draws them on the chart, the PDF lists them;
// - one imported Grafana dashboard with everything issue 17 names at once: titles with
//   variables, a panel repeated by job, a heatmap, state timelines, a Prometheus annotation
//   query and the firing alert drawn on its time series.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, screenshotDir, waitFor, repoRoot } from "../lib/harness.mjs";
import { importDashboardJson, openDashboard } from "../lib/dashboards.mjs";

const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");

/** A Grafana dashboard with the built-in entry and one Prometheus annotation query. */
const WITH_QUERY = {
  uid: "e2e-annotations",
  title: "E2E annotations",
  time: { from: "now-15m", to: "now" },
  annotations: {
    list: [
      {
        builtIn: 1,
        datasource: { type: "grafana", uid: "-- Grafana --" },
        enable: true,
        hide: false,
        iconColor: "rgba(0, 211, 255, 1)",
        name: "Annotations & Alerts",
        type: "dashboard",
      },
      {
        datasource: { type: "prometheus", uid: "some-grafana-uid" },
        enable: true,
        expr: 'sum by (endpoint) (rate(api_requests_total{status=~"5.."}[1m])) > 0',
        step: "10s",
        titleFormat: "5xx on {{endpoint}}",
        textFormat: "errors seen",
        tagKeys: "endpoint",
        name: "5xx seen",
        iconColor: "purple",
      },
    ],
  },
  panels: [
    {
      id: 1,
      type: "timeseries",
      title: "Requests by status",
      gridPos: { h: 10, w: 24, x: 0, y: 0 },
      targets: [{ refId: "A", expr: "sum by (status) (rate(api_requests_total[1m]))", legendFormat: "{{status}}" }],
    },
  ],
};

/** Every dashboard feature of issue 17 in one Grafana dashboard. */
const EVERYTHING = {
  uid: "e2e-grafana-features",
  title: "E2E Grafana features",
  time: { from: "now-15m", to: "now" },
  templating: {
    list: [
      {
        type: "query",
        name: "job",
        query: { query: "label_values(up, job)", refId: "A" },
        definition: "label_values(up, job)",
        refresh: 1,
        multi: true,
        includeAll: true,
        current: { text: ["All"], value: ["$__all"] },
      },
      {
        type: "custom",
        name: "quantile",
        query: "0.5,0.99",
        current: { text: "0.99", value: "0.99" },
        options: [
          { text: "0.5", value: "0.5", selected: false },
          { text: "0.99", value: "0.99", selected: true },
        ],
      },
    ],
  },
  annotations: WITH_QUERY.annotations,
  panels: [
    {
      id: 1,
      type: "timeseries",
      title: "p$quantile latency, jobs: ${job}",
      gridPos: { h: 8, w: 12, x: 0, y: 0 },
      targets: [{ refId: "A", expr: "histogram_quantile($quantile, sum by (le) (rate(api_request_duration_seconds_bucket[1m])))", legendFormat: "p$quantile" }],
      fieldConfig: { defaults: { unit: "s" }, overrides: [] },
    },
    {
      id: 2,
      type: "heatmap",
      title: "Latency buckets",
      gridPos: { h: 8, w: 12, x: 12, y: 0 },
      targets: [{ refId: "A", expr: "sum by (le) (rate(api_request_duration_seconds_bucket[1m]))", format: "heatmap", legendFormat: "{{le}}" }],
      options: { calculate: false, color: { mode: "scheme", scheme: "Oranges" }, yAxis: { unit: "s" } },
    },
    {
      id: 3,
      type: "state-timeline",
      title: "Up: $job",
      repeat: "job",
      repeatDirection: "h",
      maxPerRow: 2,
      gridPos: { h: 5, w: 12, x: 0, y: 8 },
      targets: [{ refId: "A", expr: 'up{job=~"$job"}', legendFormat: "{{instance}}" }],
      fieldConfig: {
        defaults: {
          mappings: [{ type: "value", options: { 0: { text: "DOWN", color: "red" }, 1: { text: "UP", color: "green" } } }],
        },
        overrides: [],
      },
    },
  ],
};

describe("Annotations on dashboards", () => {
  let stack;
  let app;
  let incidentId;
  const cleanup = [];

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s", extraArgs: ["--rule-for", "10s"] });
    execFileSync(DEMO_API_BIN, ["fault", "error-burst", "--api", stack.url("demo-api"), "--duration", "10m"]);
    app = await startApp({ settingsToml: settingsFor(stack) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);
  const panel = (id) => app.browser.$(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);
  /** The annotations drawn on panel `id`'s chart: [source, title, region]. */
  const drawn = (id) =>
    app.browser.execute(
      (panelId) =>
        [...document.querySelectorAll(`[data-testid="dashboard-panel"][data-panel-id="${panelId}"] [data-testid="chart-annotation"]`)].map((el) => [
          el.getAttribute("data-source"),
          el.getAttribute("data-title"),
          el.getAttribute("data-region"),
        ]),
      id,
    );
  /** Waits until panel `id` draws an annotation `matching`, refreshing now and then. */
  async function waitForDrawn(what, id, matching, timeoutMs = 90_000) {
    let refreshed = Date.now();
    return waitFor(
      what,
      async () => {
        if (Date.now() - refreshed > 6_000) {
          refreshed = Date.now();
          await (await $("dashboard-refresh")).click();
        }
        return (await drawn(id)).some(matching);
      },
      { timeoutMs },
    );
  }

  it("draws HighErrorRate's region on the time series sharing its labels", async () => {
    const { browser } = app;
    await (await $("nav-alerts")).click();
    const row = await browser.$('[data-testid="alert-row"][data-alertname="HighErrorRate"][data-state="firing"]');
    await row.waitForExist({ timeout: 150_000, interval: 1000 });
    // The Watchdog heartbeat (severity "none") fires all along, so it is in the history too...
    const watchdog = await browser.$('[data-testid="alert-row"][data-alertname="Watchdog"][data-state="firing"]');
    await watchdog.waitForExist({ timeout: 30_000, interval: 1000 });
    await openDashboard(browser, "hinomi-system-overview", "15m");
    await waitForDrawn("the alert region on panel 1", 1, ([source, title, region]) => source === "hinomi:alerts" && title === "HighErrorRate" && region === "true");
    // ...but a heartbeat's region would cover every chart and say nothing: it is not drawn.
    assert.deepEqual(
      (await drawn(1)).filter(([, title]) => title === "Watchdog"),
      [],
    );
    const toggle = await browser.$('[data-testid="dashboard-annotation-toggle"][data-source="hinomi:alerts"]');
    assert.equal(await toggle.getAttribute("data-enabled"), "true");
    // The gauge is no time series: nothing is drawn on it.
    assert.equal((await (await panel(2)).$$('[data-testid="chart-annotation"]')).length, 0);
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(browser, "annotations-alert-region");
  });

  it("switches the alerts off and remembers it for this dashboard", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="dashboard-annotation-toggle"][data-source="hinomi:alerts"] input')).click();
    await waitFor("the alert region gone", async () => !(await drawn(1)).some(([source]) => source === "hinomi:alerts"));
    await screenshot(browser, "annotations-alerts-off");
    await (await $("dashboard-back")).click();
    await openDashboard(browser, "hinomi-system-overview", "15m");
    const toggle = await browser.$('[data-testid="dashboard-annotation-toggle"][data-source="hinomi:alerts"]');
    await toggle.waitForExist({ timeout: 20_000 });
    assert.equal(await toggle.getAttribute("data-enabled"), "false", "remembered when the dashboard is opened again");
    await (await toggle.$("input")).click();
    await waitForDrawn("the alert region back", 1, ([source]) => source === "hinomi:alerts");
  });

  it("draws a Prometheus annotation query of an imported Grafana dashboard", async () => {
    const { browser } = app;
    await (await $("dashboard-back")).click();
    await importDashboardJson(browser, JSON.stringify(WITH_QUERY));
    await waitFor("the imported dashboard open", async () => /E2E annotations/.test(await (await $("dashboard-title")).getText()), {
      timeoutMs: 20_000,
    });
    const picker = await $("dashboard-range");
    await picker.selectByAttribute("value", "15m");
    await waitForDrawn("the query's region", 1, ([source, title]) => source === "query:1" && /^5xx on \//.test(title));
    const toggles = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="dashboard-annotation-toggle"]')].map((el) => [el.getAttribute("data-source"), el.textContent.trim()]),
    );
    assert.deepEqual(
      toggles.map(([id]) => id),
      ["hinomi:alerts", "hinomi:incidents", "query:1"],
      "Grafana's built-in entry is Hinomi's alerts; the query has its own toggle",
    );
    assert.match(toggles[2][1], /5xx seen/);
    // Hover the region: the tooltip shows its title, text and tags.
    const region = await (await panel(1)).$('[data-testid="chart-annotation"][data-source="query:1"]');
    const area = await (await panel(1)).$('[data-testid="timeseries-chart-area"]');
    const box = await browser.execute((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, region);
    const areaBox = await browser.execute((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, area);
    await browser
      .action("pointer")
      .move({ x: Math.round(box.x), y: Math.round(areaBox.y) })
      .perform();
    await waitFor("the annotation in the tooltip", async () =>
      (await browser.execute(() => [...document.querySelectorAll('[data-testid="chart-tooltip-annotation"]')].map((e) => e.textContent).join(" "))).includes("errors seen"),
    );
    await screenshot(browser, "annotations-prometheus-query");
  });

  it("keeps the markers in a pinned panel and in the exported report", async () => {
    const { browser } = app;
    await (await $("nav-alerts")).click();
    const row = await browser.$('[data-testid="alert-row"][data-alertname="HighErrorRate"][data-state="firing"]');
    await row.waitForExist({ timeout: 30_000 });
    await row.click();
    await (await $("alert-create-incident")).click();
    const message = await $("alerts-action-message");
    await waitFor("the incident created", async () => /Incident \S+ created/.test(await message.getText()), { timeoutMs: 15_000 });
    incidentId = (await message.getText()).match(/Incident (\S+) created/)[1];

    // The imported dashboard is still open in the Dashboards view: back to the list first.
    await (await $("nav-dashboards")).click();
    await (await $("dashboard-back")).click();
    await openDashboard(browser, "hinomi-system-overview", "15m");
    await waitForDrawn("the incident's detected marker", 1, ([source, title, region]) => source === "hinomi:incidents" && title.startsWith(incidentId) && region === "false");
    await waitForDrawn("the alert region", 1, ([source]) => source === "hinomi:alerts");
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(browser, "annotations-incident-marker");
    const onChart = await drawn(1);

    const box = await panel(1);
    await (await box.$('[data-testid="panel-menu"]')).click();
    await (await box.$('[data-testid="panel-pin"]')).click();
    const choice = await $("pin-incident");
    await choice.waitForExist({ timeout: 10_000 });
    await choice.selectByAttribute("value", incidentId);
    await waitFor("the dialog painted", async () => !(await (await $("pin-dialog")).getText()).includes("Loading"));
    await (await $("pin-confirm")).click();
    await (await $("pin-done")).waitForExist({ timeout: 10_000 });
    await (await $("pin-close")).click();

    await (await $("nav-incidents")).click();
    await (await browser.$(`[data-testid="incident-row"][data-id="${incidentId}"]`)).click();
    const pinned = await browser.$('[data-testid="timeline-entry"][data-kind="evidence_pinned"]');
    await pinned.waitForExist({ timeout: 10_000 });
    await pinned.click();
    const chart = await browser.$('[data-testid="timeline-entry-detail"] [data-testid="evidence-chart"]');
    await chart.waitForExist({ timeout: 10_000 });
    const kept = await browser.execute(
      () => document.querySelectorAll('[data-testid="timeline-entry-detail"] [data-testid="evidence-annotation"]').length,
    );
    assert.equal(kept, onChart.length, `the pinned chart keeps the ${onChart.length} annotations the panel drew`);
    await chart.scrollIntoView({ block: "end" });
    await screenshot(browser, "annotations-pinned-chart");

    await (await $("detail-tab-export")).click();
    const reports = join(await (await $("export-dir")).getValue(), `e2e-annotations-${process.pid}`);
    cleanup.push(reports);
    await (await $("export-dir")).setValue(reports);
    for (const format of ["html", "pdf"]) {
      await (await $(`export-${format}`)).click();
      await browser.$(`[data-testid="export-done"][data-format="${format}"]`).waitForExist({ timeout: 30_000 });
    }
    const files = readdirSync(reports).sort();
    const stem = files[0].replace(/\.[a-z]+$/, "");
    const html = readFileSync(join(reports, `${stem}.html`), "utf8");
    const svg = (html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? []).find((s) => /class="annotation/.test(s));
    assert.ok(svg, "the pinned chart in the report has annotations");
    assert.match(svg, /<rect class="annotation region"[^>]*><title>[^<]*HighErrorRate/);
    assert.match(svg, /<g class="annotation marker"><title>[^<]*detected/);
    assert.match(html, /<ul class="annotations">/);
    const pdf = join(reports, `${stem}.pdf`);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /Annotations/);
    assert.match(text, /HighErrorRate/);
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "2", pdf, join(screenshotDir, "annotations-report-pdf")]);
  });

  it("draws one imported dashboard with every feature at once", async () => {
    const { browser } = app;
    const jobs = (await (await fetch(`${stack.url("prometheus")}/api/v1/label/job/values`)).json()).data.sort();
    assert.ok(jobs.length >= 3, `the demo stack has several jobs: ${jobs}`);
    await (await $("nav-dashboards")).click();
    await (await $("dashboard-back")).click();
    await importDashboardJson(browser, JSON.stringify(EVERYTHING));
    await waitFor("the imported dashboard open", async () => /E2E Grafana features/.test(await (await $("dashboard-title")).getText()), {
      timeoutMs: 20_000,
    });
    // Every option of these panels is one Hinomi draws: the import report names nothing.
    assert.equal((await browser.$$('[data-testid="dashboard-import-report-feature"]')).length, 0, "nothing ignored");
    const titles = () =>
      browser.execute(() => [...document.querySelectorAll('[data-testid="dashboard-panel"] [data-testid="panel-title"]')].map((t) => t.textContent.trim()));
    // Titles: Grafana's text format, so All reads "All".
    await waitFor("the interpolated title", async () => (await titles()).includes("p0.99 latency, jobs: All"), { timeoutMs: 20_000 });
    // The state timeline repeated once per job, each copy with its job bound.
    await waitFor("one state timeline per job", async () => {
      const copies = (await titles()).filter((t) => t.startsWith("Up: ")).sort();
      return JSON.stringify(copies) === JSON.stringify(jobs.map((j) => `Up: ${j}`).sort());
    });
    // Every copy draws its own job's targets, all UP.
    const lanes = await waitForLanes();
    for (const [title, states] of lanes) assert.ok(states.length >= 1 && states.every((st) => st === "UP"), `${title}: ${states}`);
    // The heatmap draws cells; the time series draws the query's and the alert's regions.
    await waitFor("heatmap cells", async () => {
      const canvas = await (await panel(2)).$('[data-testid="heatmap-chart"]');
      return (await canvas.isExisting()) && Number(await canvas.getAttribute("data-cells")) > 0;
    }, { timeoutMs: 60_000 });
    await waitForDrawn("the query region on the latency chart", 1, ([source]) => source === "query:1");
    await waitForDrawn("the alert on the latency chart", 1, ([source, title]) => source === "hinomi:alerts" && title === "HighErrorRate");
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(browser, "grafana-features-all");

    async function waitForLanes() {
      return waitFor("every copy with a lane", async () => {
        const found = await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="dashboard-panel"]')]
            .map((p) => [p.querySelector('[data-testid="panel-title"]')?.textContent.trim() ?? "", [...p.querySelectorAll('[data-testid="state-lane"]')].map((l) => l.getAttribute("data-states"))])
            .filter(([title]) => title.startsWith("Up: ")),
        );
        return found.length === jobs.length && found.every(([, states]) => states.length > 0) ? found : null;
      }, { timeoutMs: 60_000 });
    }
  });
});
