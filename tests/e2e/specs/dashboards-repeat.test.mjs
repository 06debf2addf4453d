// Grafana's repeats and titles with variables against the demo stack's Prometheus: an imported
// dashboard whose `job` variable (label_values(up, job): the demo's jobs, as its Prometheus lists them) drives a
// repeated stat panel, a repeated row and titles such as "Metric names of ${job}". Choosing
// other jobs changes the copies, each querying with its own job.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { importDashboardJson } from "../lib/dashboards.mjs";

const FIXTURE = join(repoRoot, "tests/e2e/fixtures/repeat-by-job.json");

describe("Dashboard repeats", () => {
  let stack;
  let app;
  /** The demo's jobs and how many targets they have, from its Prometheus. */
  let JOBS;
  let targetCount;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    const prometheus = stack.url("prometheus");
    JOBS = (await (await fetch(`${prometheus}/api/v1/label/job/values`)).json()).data.sort();
    targetCount = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()).data.activeTargets.length;
    assert.ok(JOBS.length >= 3 && JOBS.includes("node-exporter") && JOBS.includes("prometheus"), `the demo's jobs: ${JOBS}`);
    app = await startApp({ settingsToml: settingsFor(stack) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);

  /** Every drawn panel: its id, title, and the number it shows (null until it shows one). */
  async function panels() {
    return app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="dashboard-panel"]')].map((p) => {
        const value = p.querySelector('[data-testid="panel-value"]');
        const raw = value?.getAttribute("data-value") ?? "";
        return {
          id: Number(p.getAttribute("data-panel-id")),
          title: p.querySelector('[data-testid="panel-title"]')?.textContent ?? "",
          description: p.querySelector('[data-testid="panel-title"]')?.getAttribute("title") ?? null,
          state: p.getAttribute("data-state"),
          generation: Number(p.getAttribute("data-generation")),
          value: raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : null,
        };
      }),
    );
  }

  async function rowTitles() {
    return app.browser.execute(() => [...document.querySelectorAll('[data-testid="dashboard-row-title"]')].map((r) => r.textContent));
  }

  /**
   * Waits until the repeated stat shows one number per job in `jobs`, each answered after
   * generation `after` (a copy kept across a selection change shows its old number until its
   * new answer arrives), and returns the panels.
   */
  async function copiesFor(jobs, after = -1) {
    let clicked = Date.now();
    const want = jobs.map((job) => `Metric names of ${job}`);
    try {
      return await waitFor(`one copy per job (${jobs.join(", ")}) with a number`, async () => {
        // A stack seconds old may have no sample yet: press Refresh now and then, as a person would.
        if (Date.now() - clicked > 8_000) {
          clicked = Date.now();
          await (await $("dashboard-refresh")).click();
        }
        const all = await panels();
        const copies = all.filter((p) => p.title.startsWith("Metric names of "));
        if (JSON.stringify(copies.map((c) => c.title)) !== JSON.stringify(want)) return null;
        const answered = copies.every((c) => c.value !== null && c.state === "loaded" && c.generation > after);
        return answered ? { all, copies } : null;
      }, { timeoutMs: 60_000 });
    } catch (err) {
      await screenshot(app.browser, "dashboards-repeat-failed");
      throw new Error(`${err.message}; drawn: ${JSON.stringify(await panels())}`);
    }
  }

  async function selectJobs(values) {
    const select = await app.browser.$('[data-testid="dashboard-variable"][data-name="job"] [data-testid="dashboard-variable-select"]');
    await select.waitForExist({ timeout: 10_000 });
    await app.browser.execute(
      (el, wanted) => {
        for (const o of el.options) o.selected = wanted.includes(o.value);
        el.dispatchEvent(new Event("change", { bubbles: true }));
      },
      select,
      values,
    );
  }

  it("imports the dashboard: All repeats the panel and the row once per job, titles read the values", async () => {
    const { browser } = app;
    await (await $("nav-dashboards")).click();
    await (await $("dashboards-import-open")).waitForExist({ timeout: 20_000 });
    await importDashboardJson(browser, readFileSync(FIXTURE, "utf8"));
    await waitFor("the dashboard to open", async () => (await (await $("dashboard-title")).getText()) === "Repeat by job");

    const { all, copies } = await copiesFor(JOBS);
    // Each copy queried with its own job: the jobs expose different numbers of metrics.
    assert.equal(new Set(copies.map((c) => c.value)).size, JOBS.length, `one count per job: ${JSON.stringify(copies)}`);
    assert.ok(copies.every((c) => c.value > 0));
    const summary = all.find((p) => p.id === 1);
    // Titles use Grafana's text format (All reads "All"); descriptions its glob default,
    // here with an explicit csv.
    assert.equal(summary.title, "Targets up in All");
    assert.equal(summary.description, `Every target of ${JOBS.join(",")}`);
    await waitFor("the summary counts every job's target", async () => (await panels()).find((p) => p.id === 1)?.value === targetCount);
    assert.deepEqual(await rowTitles(), JOBS.map((job) => `Job ${job}`));
    const scrape = all.filter((p) => p.title.startsWith("Scrape duration of "));
    assert.deepEqual(scrape.map((p) => p.title), JOBS.map((job) => `Scrape duration of ${job}`), "the row's panel is copied with it");

    // The import report names what Hinomi ignores in this file.
    const features = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="dashboard-import-report-feature"]')].map((f) => f.textContent.replace(/\s+/g, " ").trim()),
    );
    assert.deepEqual(features, ["transformations: organize — Scrape duration of $job"]);
    await screenshot(browser, "dashboards-repeat-all");
    await (await $("dashboard-import-report-close")).click();
  });

  it("changing the selection changes the copies, each bound to its job", async () => {
    const { browser } = app;
    const before = await copiesFor(JOBS);
    const countOf = (job) => before.copies.find((c) => c.title === `Metric names of ${job}`).value;
    // A job's count of metric names can grow between two reads (Prometheus exposes new series
    // as it runs), so a copy is matched to the job whose earlier count is nearest its value: a
    // copy bound to another job lands on that job's count.
    const jobOfCount = (value) =>
      JOBS.reduce((best, job) => (Math.abs(countOf(job) - value) < Math.abs(countOf(best) - value) ? job : best));
    const generation = async () => Math.max(...(await panels()).map((p) => p.generation));

    let asked = await generation();
    await selectJobs(["node-exporter", "prometheus"]);
    const two = await copiesFor(["node-exporter", "prometheus"], asked);
    assert.deepEqual(two.copies.map((c) => jobOfCount(c.value)), ["node-exporter", "prometheus"], `each copy still counts its own job: ${JSON.stringify(two.copies)}`);
    assert.deepEqual(await rowTitles(), ["Job node-exporter", "Job prometheus"]);
    await waitFor("the summary title and count follow the selection", async () => {
      const summary = (await panels()).find((p) => p.id === 1);
      return summary.title === "Targets up in node-exporter + prometheus" && summary.value === 2;
    });
    await screenshot(browser, "dashboards-repeat-two");

    asked = await generation();
    await selectJobs(["dataset-management-api"]);
    const one = await copiesFor(["dataset-management-api"], asked);
    assert.equal(jobOfCount(one.copies[0].value), "dataset-management-api", JSON.stringify(one.copies));
    assert.equal(one.copies[0].id, 2, "the first copy is the saved panel itself");
    assert.deepEqual(await rowTitles(), ["Job dataset-management-api"]);
    await screenshot(browser, "dashboards-repeat-one");
  });
});
