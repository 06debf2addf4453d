// First run with nothing configured (issue 15): from an empty config directory Hinomi opens its
// welcome, not Targets; no view shows an error; the Prometheus and Alertmanager typed there pass
// "Test connection" and, once saved, Targets shows the stack's targets up. A second first run
// (another empty directory, in Japanese) opens the demo: the demo datasources are saved and
// Targets opens on them.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startStack, startApp, screenshot, waitFor } from "../lib/harness.mjs";

const SEED_JOBS = ["dataset-management-api", "node-exporter", "postgres-exporter", "prometheus"];
/** The views reachable from the nav besides the welcome. */
const OTHER_VIEWS = ["targets", "dashboards", "explore", "logs", "alerts", "incidents", "settings"];

const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** The texts of every error notice on screen (ErrorNotice is role="alert"). */
async function errorNotices(browser) {
  return browser.execute(() => [...document.querySelectorAll('[role="alert"]')].map((e) => e.textContent.trim()));
}

async function healthByJob(browser) {
  const rows = await browser.$$('[data-testid="target-row"]');
  const health = {};
  for (const row of rows) health[await row.getAttribute("data-job")] = await row.getAttribute("data-health");
  return health;
}

/** Adds a datasource of `kind` on the welcome, types its URL and tests it; the card's id. */
async function addAndTest(browser, kind, url) {
  await (await byTestId(browser, `welcome-add-${kind}`)).click();
  const card = await browser.$(`[data-testid="welcome-step-${kind}"] [data-testid="ds-card"]`);
  await card.waitForExist({ timeout: 5_000 });
  const id = await card.getAttribute("data-datasource-id");
  await (await byTestId(browser, `ds-url-${id}`)).setValue(url);
  await (await byTestId(browser, `ds-test-${id}`)).click();
  const result = await byTestId(browser, `ds-test-result-${id}`);
  await result.waitForExist({ timeout: 15_000 });
  assert.equal(await result.getAttribute("data-status"), "ok", await result.getText());
  return id;
}

describe("First run with nothing configured", () => {
  let stack;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
  });

  after(async () => {
    await stack?.stop();
  });

  describe("setting up Prometheus and Alertmanager", () => {
    let app;

    before(async () => {
      app = await startApp();
    });

    after(async () => {
      await app?.stop();
    });

    it("opens on the welcome, with no settings file and no error", async () => {
      const { browser, configDir } = app;
      await (await byTestId(browser, "view-welcome")).waitForExist({ timeout: 30_000 });
      assert.equal(await (await byTestId(browser, "nav-welcome")).getAttribute("aria-current"), "page");
      assert.ok(!existsSync(join(configDir, "settings.toml")), "nothing saved before the person chooses");
      assert.deepEqual(await errorNotices(browser), []);
      await screenshot(browser, "welcome-first-run-en");
    });

    it("shows every other view calmly, without an error wall", async () => {
      const { browser } = app;
      for (const view of OTHER_VIEWS) {
        await (await byTestId(browser, `nav-${view}`)).click();
        await (await byTestId(browser, `view-${view}`)).waitForExist({ timeout: 10_000 });
        // Give the view's first fetches time to answer (they ask nothing: no datasources).
        await browser.pause(1_500);
        assert.deepEqual(await errorNotices(browser), [], `${view} shows an error`);
        if (view === "targets") {
          assert.ok(await (await byTestId(browser, "targets-no-datasources")).isExisting());
          assert.ok(await (await byTestId(browser, "targets-open-welcome")).isExisting(), "Targets links to the welcome");
        }
        await screenshot(browser, `welcome-empty-${view}`);
      }
      await (await byTestId(browser, "nav-welcome")).click();
      await (await byTestId(browser, "view-welcome")).waitForExist({ timeout: 5_000 });
    });

    it("tests the stack's Prometheus and Alertmanager, saves, and shows the targets up", async () => {
      const { browser, configDir } = app;
      await addAndTest(browser, "prometheus", stack.url("prometheus"));
      await addAndTest(browser, "alertmanager", stack.url("alertmanager"));
      await screenshot(browser, "welcome-tested");
      await (await byTestId(browser, "welcome-start")).click();

      await (await byTestId(browser, "view-targets")).waitForExist({ timeout: 10_000 });
      const health = await waitFor("the seed's jobs up", async () => {
        const h = await healthByJob(browser);
        return SEED_JOBS.every((job) => h[job] === "up") ? h : null;
      });
      assert.deepEqual(Object.keys(health).sort(), SEED_JOBS);
      assert.deepEqual(await errorNotices(browser), []);
      // The welcome has done its job: it leaves the nav.
      assert.equal(await (await byTestId(browser, "nav-welcome")).isExisting(), false);

      const saved = readFileSync(join(configDir, "settings.toml"), "utf8");
      assert.ok(saved.includes(stack.url("prometheus")), saved);
      assert.ok(saved.includes(stack.url("alertmanager")), saved);
      await screenshot(browser, "welcome-saved-targets");
    });
  });

  describe("opening the demo, in Japanese", () => {
    let app;

    before(async () => {
      app = await startApp();
    });

    after(async () => {
      await app?.stop();
    });

    it("switches the welcome to Japanese", async () => {
      const { browser } = app;
      await (await byTestId(browser, "view-welcome")).waitForExist({ timeout: 30_000 });
      await (await byTestId(browser, "welcome-language")).selectByAttribute("value", "ja");
      await waitFor("the welcome in Japanese", async () =>
        (await (await byTestId(browser, "welcome-open-demo")).getText()).includes("デモを開く"),
      );
      assert.match(await (await browser.$('[data-testid="view-welcome"] h2')).getText(), /Hinomi へようこそ/);
      assert.match(await (await byTestId(browser, "welcome-start")).getText(), /監視を開始/);
      assert.deepEqual(await errorNotices(browser), []);
      await screenshot(browser, "welcome-first-run-ja");
    });

    it("opens the demo: the demo datasources are saved and Targets opens on them", async () => {
      const { browser, configDir } = app;
      await (await byTestId(browser, "welcome-open-demo")).click();
      await (await byTestId(browser, "view-targets")).waitForExist({ timeout: 10_000 });
      const section = await browser.$('[data-testid="targets-datasource"][data-datasource-id="demo-prometheus"]');
      await section.waitForExist({ timeout: 15_000 });

      const saved = readFileSync(join(configDir, "settings.toml"), "utf8");
      for (const id of ["demo-prometheus", "demo-alertmanager", "demo-opensearch", "demo-log-files"]) {
        assert.ok(saved.includes(`id = "${id}"`), `${id} saved:\n${saved}`);
      }
      assert.ok(saved.includes("http://127.0.0.1:19090"), saved);
      assert.match(saved, /language = "ja"/);
      await screenshot(browser, "welcome-demo-targets-ja");
    });
  });
});
