// The shell as a person uses it: command palette, settings, language, per-endpoint errors.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startStack, startApp, settingsFor, screenshot, waitFor, freePort } from "../lib/harness.mjs";
import { appLogLinesWith, logField, rangeQueryLines } from "../lib/app-log.mjs";
import { importDashboardJson } from "../lib/dashboards.mjs";

describe("Shell, settings and i18n", () => {
  let stack;
  let app;
  let deadPort;

  before(async () => {
    stack = await startStack({ scrapeInterval: "2s" });
    deadPort = await freePort();
    // A second Prometheus that nothing listens on: it must show its own error and not
    // block the demo Prometheus's targets.
    const dead = `
[[datasources]]
id = "dead-prometheus"
name = "Unreachable Prometheus"
kind = "prometheus"
url = "http://127.0.0.1:${deadPort}"
timeout_ms = 1000

[[datasources]]
id = "auth-prometheus"
name = "Prometheus with Basic auth"
kind = "prometheus"
url = "${stack.url("prometheus")}"
timeout_ms = 3000

[datasources.auth]
type = "basic"
username = "alice"
`;
    app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: dead }) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  // The limit is filled into the web context wry builds (src-tauri/src/web_memory.rs); the Rust
  // tests cannot build one without a display, so the running app's start-up line is the proof.
  it("gives its web process a memory limit WebKit acts on", async () => {
    const lines = appLogLinesWith(app.home, "web process memory limit");
    assert.equal(lines.length, 1, `one start-up line about the limit: ${JSON.stringify(lines)}`);
    assert.match(lines[0], /limit_mb: 140\b/);
    assert.equal(logField(lines[0], "contexts"), 1, lines[0]);
  });

  it("reports an unreachable Prometheus on that datasource while the other works", async () => {
    const { browser } = app;
    const dead = await browser.$('[data-testid="targets-datasource"][data-datasource-id="dead-prometheus"]');
    await dead.waitForExist({ timeout: 30_000 });
    const notice = await dead.$('[data-testid="error-notice"]');
    await waitFor("the dead datasource's error", async () => /127\.0\.0\.1/.test(await notice.getText()));
    await waitFor("live targets next to it", async () => {
      const rows = await browser.$$(
        '[data-testid="targets-datasource"][data-datasource-id="demo-prometheus"] [data-testid="target-row"][data-health="up"]',
      );
      return rows.length >= 3;
    });
    await screenshot(browser, "targets-one-datasource-unreachable");
  });

  it("reaches Settings through the command palette and tests a connection", async () => {
    const { browser } = app;
    await browser.keys(["Control", "k"]);
    const input = await browser.$('[data-testid="palette-input"]');
    await input.waitForDisplayed({ timeout: 5_000 });
    await input.setValue("settings");
    // The filter must have narrowed the list to the Settings view before Enter runs it.
    await waitFor("the palette filtered to Settings", async () => {
      const items = await browser.$$('[data-testid^="palette-item-"]');
      return items.length >= 1 && /settings/i.test(await items[0].getText());
    });
    assert.equal(await input.getValue(), "settings");
    await screenshot(browser, "palette-settings");
    await browser.keys("Enter");
    const settingsView = await browser.$('[data-testid="view-settings"]');
    await settingsView.waitForDisplayed({ timeout: 5_000 });
    // The Targets view's reads wrote each datasource's health: a dot per card. The one whose
    // password is not in the keyring was never asked, and says why rather than "not contacted".
    const dot = (id) => browser.$(`[data-testid="ds-health-${id}"]`);
    await waitFor("the health dots", async () => {
      const live = await (await dot("demo-prometheus")).getAttribute("data-state");
      const dead = await (await dot("dead-prometheus")).getAttribute("data-state");
      const locked = await (await dot("auth-prometheus")).getAttribute("data-state");
      return live === "ok" && dead === "failing" && locked === "failing";
    });
    assert.match(await (await dot("dead-prometheus")).getText(), /Failing since/);
    assert.match(await (await dot("auth-prometheus")).getText(), /\(secret\)/);
    assert.match(await (await dot("auth-prometheus")).getAttribute("title"), /keyring/);

    const testButton = await browser.$('[data-testid="ds-test-demo-prometheus"]');
    await testButton.click();
    const result = await browser.$('[data-testid="ds-test-result-demo-prometheus"]');
    await waitFor("connection test result", async () => /Prometheus 2\./.test(await result.getText()));

    const deadButton = await browser.$('[data-testid="ds-test-dead-prometheus"]');
    await deadButton.click();
    const deadResult = await browser.$('[data-testid="ds-test-result-dead-prometheus"]');
    await waitFor("the dead endpoint's error", async () => /reach|refused/i.test(await deadResult.getText()));
    await screenshot(browser, "settings-connection-tests");
  });

  it("switches to Japanese and back", async () => {
    const { browser } = app;
    const language = await browser.$('[data-testid="settings-language"]');
    await language.selectByAttribute("value", "ja");
    await browser.$('[data-testid="settings-save"]').click();
    const nav = await browser.$('[data-testid="nav-targets"]');
    await waitFor("Japanese navigation", async () => /[\u3040-\u30ff\u4e00-\u9fff]/.test(await nav.getText()));
    await nav.click();
    await screenshot(browser, "targets-japanese");
    const persisted = await waitFor("settings saved to disk", async () => {
      const { readFileSync } = await import("node:fs");
      const text = readFileSync(`${app.configDir}/settings.toml`, "utf8");
      return text.includes('language = "ja"') ? text : null;
    });
    assert.match(persisted, /dead-prometheus/, "saving keeps every datasource");

    // Errors Hinomi words itself come in Japanese too (the Rust side's message, not only the
    // UI's hint under it); the URL stays as it is.
    await browser.$('[data-testid="nav-settings"]').click();
    const deadButton = await browser.$('[data-testid="ds-test-dead-prometheus"]');
    await deadButton.waitForDisplayed({ timeout: 5_000 });
    await deadButton.scrollIntoView({ block: "center" });
    await deadButton.click();
    const deadMessage = await browser.$('[data-testid="ds-test-result-dead-prometheus"] [data-testid="error-message"]');
    const worded = await waitFor("the connection error in Japanese", async () => {
      const text = await deadMessage.getText();
      return text.includes("に接続できません") ? text : null;
    });
    assert.match(worded, /http:\/\/127\.0\.0\.1:\d+/, worded);
    assert.doesNotMatch(worded, /Cannot reach/);
    await screenshot(browser, "settings-error-japanese");

    // And back to English, as a person who only looked would.
    await (await browser.$('[data-testid="settings-language"]')).selectByAttribute("value", "en");
    await browser.$('[data-testid="settings-save"]').click();
    await waitFor("English navigation", async () => (await browser.$('[data-testid="nav-targets"]').getText()).includes("Targets"));
    await deadButton.click();
    await waitFor("the connection error in English again", async () => /Cannot reach/.test(await deadMessage.getText()));
  });

  it("stores a datasource password write-only and uses it", async () => {
    const { browser } = app;
    // Centred first: a card low in the list can sit under the sticky save bar.
    const click = async (testid) => {
      const el = await browser.$(`[data-testid="${testid}"]`);
      await el.waitForDisplayed({ timeout: 5_000 });
      await el.scrollIntoView({ block: "center" });
      await el.click();
    };
    await click("nav-settings");
    await click("ds-test-auth-prometheus");
    const result = await browser.$('[data-testid="ds-test-result-auth-prometheus"]');
    await waitFor("no password yet", async () => /keyring|キーリング/i.test(await result.getText()));

    await click("ds-edit-auth-prometheus");
    const secret = await browser.$('[data-testid="ds-secret-auth-prometheus"]');
    await secret.waitForDisplayed({ timeout: 5_000 });
    assert.equal(await secret.getAttribute("type"), "password");
    await secret.setValue("hinomi-test-secret-e2e");
    await click("ds-secret-store-auth-prometheus");
    await browser.$('[data-testid="ds-secret-stored-auth-prometheus"]').waitForDisplayed({ timeout: 5_000 });
    assert.equal(await secret.getValue(), "", "the field forgets the secret once stored");
    await screenshot(browser, "settings-secret-stored");

    // The demo Prometheus ignores the header, so the test now reaches it.
    await click("ds-test-auth-prometheus");
    await waitFor("connection with the stored password", async () => /Prometheus 2\./.test(await result.getText()));
    // The dot agrees with the test at once (the test writes the health; the poll would too).
    await waitFor("the dot turned green by the test", async () =>
      (await (await browser.$('[data-testid="ds-health-auth-prometheus"]')).getAttribute("data-state")) === "ok",
    );
    const { readFileSync } = await import("node:fs");
    const toml = readFileSync(`${app.configDir}/settings.toml`, "utf8");
    assert.ok(!toml.includes("hinomi-test-secret-e2e"), "the secret is not in settings.toml");

    await click("ds-secret-clear-auth-prometheus");
    await browser.$('[data-testid="ds-secret-missing-auth-prometheus"]').waitForDisplayed({ timeout: 5_000 });
  });

  it("shows the client certificate fields and warns while verification is skipped", async () => {
    const { browser } = app;
    const el = async (testid) => {
      const found = await browser.$(`[data-testid="${testid}"]`);
      await found.waitForDisplayed({ timeout: 5_000 });
      await found.scrollIntoView({ block: "center" });
      return found;
    };
    await el("ds-client-cert-auth-prometheus");
    await el("ds-client-key-auth-prometheus");
    assert.equal(await browser.$('[data-testid="ds-insecure-auth-prometheus"]').isExisting(), false);
    await (await el("ds-skip-verify-auth-prometheus")).click();
    const badge = await el("ds-insecure-auth-prometheus");
    assert.match(await badge.getText(), /TLS not verified|TLS 未検証/);
    assert.match(await (await el("ds-skip-verify-warning-auth-prometheus")).getText(), /anyone on the network path|通信経路上の誰もが/);
    await (await el("ds-skip-verify-auth-prometheus")).scrollIntoView({ block: "center" });
    await screenshot(browser, "settings-tls-skip-verify");
    // Turned off again unsaved: the badge goes with it.
    await (await el("ds-skip-verify-auth-prometheus")).click();
    await waitFor("the warning badge to go", async () => !(await browser.$('[data-testid="ds-insecure-auth-prometheus"]').isExisting()));
  });

  it("asks long range queries in halves until the datasource's switch is turned off", async () => {
    const { browser } = app;
    // A panel of 1,500 data points over 6 h plans a 15 s step, 1,441 points: two halves.
    const dashboard = {
      uid: "split-check",
      title: "Split check",
      time: { from: "now-6h", to: "now" },
      panels: [
        { id: 1, type: "timeseries", title: "up", gridPos: { x: 0, y: 0, w: 24, h: 8 }, maxDataPoints: 1500, targets: [{ refId: "A", expr: "up" }] },
      ],
    };
    await browser.$('[data-testid="nav-dashboards"]').click();
    await importDashboardJson(browser, JSON.stringify(dashboard));
    await waitFor("the imported dashboard to open", async () => /Split check/.test(await browser.$('[data-testid="dashboard-title"]').getText()));
    const halved = await waitFor("the imported panel's query asked in halves", async () => {
      const exprs = rangeQueryLines(app.home).filter((q) => q.parts === 2).map((q) => q.expr);
      return exprs.length > 0 ? new Set(exprs) : null;
    }).catch((err) => {
      throw new Error(`${err.message}; the range queries run: ${JSON.stringify(appLogLinesWith(app.home, "query_range").slice(-20))}`);
    });

    await browser.$('[data-testid="nav-settings"]').click();
    const edit = await browser.$('[data-testid="ds-edit-demo-prometheus"]');
    await edit.waitForDisplayed({ timeout: 5_000 });
    if ((await edit.getAttribute("aria-expanded")) !== "true") await edit.click();
    const split = await browser.$('[data-testid="ds-split-demo-prometheus"]');
    await split.waitForDisplayed({ timeout: 5_000 });
    await split.scrollIntoView({ block: "center" });
    assert.equal(await split.isSelected(), true, "on by default");
    await split.click();
    assert.equal(await split.isSelected(), false);
    await screenshot(browser, "settings-split-off");
    await browser.$('[data-testid="settings-save"]').click();
    await waitFor("the switch saved to disk", async () =>
      /split_range_queries = false/.test(readFileSync(`${app.configDir}/settings.toml`, "utf8")),
    );

    const before = rangeQueryLines(app.home).length;
    // Back to the dashboard, still open, and its panel run again.
    await browser.$('[data-testid="nav-dashboards"]').click();
    const refresh = await browser.$('[data-testid="dashboard-refresh"]');
    await refresh.waitForDisplayed({ timeout: 10_000 });
    await refresh.click();
    const again = await waitFor("the same queries asked again", async () => {
      const asked = rangeQueryLines(app.home).slice(before).filter((q) => halved.has(q.expr));
      return asked.length >= halved.size ? asked : null;
    });
    assert.deepEqual(
      again.map((q) => q.parts),
      again.map(() => 1),
      "asked whole once the switch is off",
    );
  });
});
