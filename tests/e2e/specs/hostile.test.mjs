// Hostile input never executes and never breaks the layout. The same payloads (markup that
// would run script, a javascript: link, ANSI escapes, a right-to-left override, NUL and a 1 MB
// string with no place to break) reach the real app through each door an outsider has: alert
// labels and annotations (posted to the demo stack's real Alertmanager), a dashboard file
// (imported through the UI: title, panel titles, descriptions, text panels, legend format),
// an incident title and note (typed into the UI) and log lines (a local-files source).
//
// Every payload that could run tries to set `window.__pwned` and to call the IPC bridge with a
// command named `pwned_ipc`; a spy on the bridge (proved to work by a control call) records any
// such call. After each door: the flag is unset, no call was made, the page was not reloaded,
// the payload is shown as text, the page is no wider than the window and still answers clicks.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, startApp, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";
import { importDashboardJson } from "../lib/dashboards.mjs";
import { localFilesDatasource, wallTime } from "../lib/logs.mjs";

const RUN = `window.__pwned=1;window.__TAURI_INTERNALS__.invoke('pwned_ipc')`;
const HUGE = "W".repeat(1_000_000);

/** The payloads, by name. `HUGE` is a megabyte without a space, the worst case for wrapping. */
const PAYLOADS = {
  script: `<script>${RUN}</script>`,
  img: `<img src=x onerror="${RUN}">`,
  link: `<a href="javascript:${RUN}">open</a> [open](javascript:${RUN})`,
  ansi: "\u001b[31mRED\u001b[0m\u001b]0;retitled\u0007\u001b[2J\u001b[1;1H",
  rtl: "invoice\u202Egpj.exe",
  nul: "before\u0000after",
  huge: HUGE,
};
/** How the UI shows the right-to-left override and NUL: visibly, so nothing is reordered or hidden. */
const RLO_SHOWN = "\u27e8U+202E\u27e9";
const NUL_SHOWN = "\u2400";
const SHORT = Object.entries(PAYLOADS)
  .filter(([name]) => name !== "huge")
  .map(([, value]) => value)
  .join(" | ");

describe("Hostile input never executes", () => {
  let stack;
  let app;
  let logDir;

  before(async () => {
    logDir = mkdtempSync(join(tmpdir(), "hinomi-e2e-hostile-logs-"));
    const now = Date.now();
    const lines = Object.entries(PAYLOADS).map(([name, value], i) =>
      JSON.stringify({ timestamp: wallTime(now - 60_000 + i * 1000), level: "ERROR", message: `hostile-${name} ${value}` }),
    );
    // A plain-text line carrying raw escapes and a NUL byte, not JSON-escaped ones.
    lines.push(`${wallTime(now - 30_000)} ERROR hostile-raw \u001b[31mred\u001b[0m nul:\u0000: ${PAYLOADS.script}`);
    writeFileSync(join(logDir, "hostile.log"), lines.join("\n") + "\n");

    stack = await startStack({});
    const files = localFilesDatasource({ id: "hostile-log-files", name: "Hostile log files", paths: [logDir] });
    app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: files }) });
    const { browser } = app;
    await (await browser.$('[data-testid="nav-targets"]')).waitForDisplayed({ timeout: 30_000 });
    await browser.execute(() => {
      window.__pageMarker = "hostile-e2e";
      window.__ipcSpy = [];
      // The bridge itself is read-only to the page (Tauri defines it non-writable); a call goes
      // out as a fetch of ipc://localhost/<command> (or, failing that, a WebKit message), so
      // those are what the spy wraps.
      const record = (what) => {
        if (String(what).includes("pwned")) window.__ipcSpy.push(String(what));
      };
      const fetchOriginal = window.fetch.bind(window);
      window.fetch = (input, ...rest) => {
        record(typeof input === "string" ? input : input?.url ?? input);
        return fetchOriginal(input, ...rest);
      };
      const handler = window.webkit?.messageHandlers?.ipc;
      if (handler) {
        const post = handler.postMessage.bind(handler);
        try {
          handler.postMessage = (message) => {
            record(typeof message === "string" ? message : JSON.stringify(message));
            return post(message);
          };
        } catch {
          // Read-only: the fetch route is the one Tauri takes first.
        }
      }
    });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  const $ = (sel) => app.browser.$(`[data-testid="${sel}"]`);

  /** What a payload would have left behind, and how the page is laid out. */
  const aftermath = () =>
    app.browser.execute(() => ({
      pwned: window.__pwned ?? null,
      ipc: window.__ipcSpy?.slice() ?? null,
      marker: window.__pageMarker ?? null,
      title: document.title,
      javascriptLinks: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]').length,
      injected: [...document.querySelectorAll("script, img[onerror], [onerror], [onclick]")].filter((e) =>
        (e.outerHTML ?? "").includes("pwned"),
      ).length,
      pageWidth: document.documentElement.scrollWidth,
      bodyWidth: document.body.scrollWidth,
      windowWidth: window.innerWidth,
    }));

  /** Nothing ran, no IPC call, same page, no wider than the window, and it still answers. */
  async function assertHeld(where) {
    const { browser } = app;
    // Give an onerror handler or a deferred script its chance to run.
    await browser.executeAsync((done) => setTimeout(done, 500));
    const seen = await aftermath();
    assert.equal(seen.pwned, null, `${where}: a payload ran`);
    assert.deepEqual(seen.ipc, [], `${where}: a payload called the IPC bridge`);
    assert.equal(seen.marker, "hostile-e2e", `${where}: the page was reloaded or replaced`);
    assert.equal(seen.javascriptLinks, 0, `${where}: a javascript: link is in the page`);
    assert.equal(seen.injected, 0, `${where}: payload markup became elements`);
    assert.ok(!seen.title.includes("retitled"), `${where}: an escape sequence set the title`);
    assert.ok(seen.pageWidth <= seen.windowWidth + 1, `${where}: the page is ${seen.pageWidth} px wide in a ${seen.windowWidth} px window`);
    assert.ok(seen.bodyWidth <= seen.windowWidth + 1, `${where}: the body is ${seen.bodyWidth} px wide in a ${seen.windowWidth} px window`);
    // Still responsive: a round trip and a click on the navigation answer quickly.
    const started = Date.now();
    await browser.execute(() => 1);
    assert.ok(Date.now() - started < 2_000, `${where}: a script round trip took ${Date.now() - started} ms`);
    await (await $("nav-targets")).click();
    await (await $("view-targets")).waitForDisplayed({ timeout: 10_000 });
  }

  it("records an IPC call made by a script on the page (the control for the spy)", async () => {
    const { browser } = app;
    await browser.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("pwned_control").catch(() => {}).finally(done);
    });
    const seen = await browser.execute(() => window.__ipcSpy.splice(0));
    assert.ok(seen.length >= 1 && seen.every((s) => s.includes("pwned_control")), `the spy saw: ${JSON.stringify(seen)}`);
    await assertHeld("start");
  });

  it("alert labels and annotations from Alertmanager stay text", async (t) => {
    const { browser } = app;
    const started = Date.now();
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const alerts = Object.entries(PAYLOADS).map(([name, value]) => ({
      labels: { alertname: `Hostile_${name}`, severity: "warning", payload: value },
      annotations: { summary: value, description: `${name}: ${value}`, runbook_url: `javascript:${RUN}` },
      startsAt,
      endsAt,
    }));
    const posted = await fetch(`${stack.url("alertmanager")}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(posted.status, 200, await posted.text());

    await (await $("nav-alerts")).click();
    for (const name of Object.keys(PAYLOADS)) {
      await browser.$(`[data-testid="alert-row"][data-alertname="Hostile_${name}"]`).waitForExist({ timeout: 30_000 });
    }
    t.diagnostic(`every alert on the board after ${Date.now() - started} ms`);
    const script = await browser.$('[data-testid="alert-row"][data-alertname="Hostile_script"]');
    assert.ok((await script.getText()).includes("<script>"), `the row shows the markup as text: ${await script.getText()}`);
    const rowText = (name) =>
      browser.execute((name) => document.querySelector(`[data-testid="alert-row"][data-alertname="${name}"]`).textContent, name);
    assert.ok((await rowText("Hostile_rtl")).includes(`invoice${RLO_SHOWN}gpj.exe`), await rowText("Hostile_rtl"));
    assert.ok((await rowText("Hostile_nul")).includes(`before${NUL_SHOWN}after`), await rowText("Hostile_nul"));
    // A one-line row keeps the start of a megabyte label, not all of it (layout stays cheap).
    const huge = await rowText("Hostile_huge");
    assert.ok(huge.length < 5_000 && huge.includes("WWWW") && huge.includes("\u2026"), `the 1 MB row holds ${huge.length} characters`);
    await screenshot(browser, "hostile-alerts-board");
    await assertHeld("alerts board");

    // The detail shows labels and annotations: the markup one, then the 1 MB one, and a look.
    await (await $("nav-alerts")).click();
    for (const name of ["script", "huge"]) {
      const row = await browser.$(`[data-testid="alert-row"][data-alertname="Hostile_${name}"]`);
      await row.waitForExist({ timeout: 10_000 });
      await row.click();
      // textContent, not WebDriver's getText: that lays out a megabyte of text on every poll.
      await waitFor(
        `the ${name} alert's detail`,
        async () =>
          browser.execute(
            (name) => document.querySelector('[data-testid="alert-detail-annotations"]')?.textContent.includes(`${name}:`) ?? false,
            name,
          ),
        { timeoutMs: 10_000 },
      );
    }
    // At first only the start of each megabyte value is drawn (laying one out whole froze the
    // window for 18 s), with a control that says how much there is.
    const annotationsLength = () =>
      browser.execute(() => document.querySelector('[data-testid="alert-detail-annotations"]').textContent.length);
    const preview = await annotationsLength();
    assert.ok(preview < 20_000, `the detail draws ${preview} characters of the 1 MB annotations before Show all`);
    const toggles = await browser.$$('[data-testid="alert-detail-annotations"] [data-testid="long-text-toggle"]');
    assert.equal(toggles.length, 2, "summary and description each have a Show all control");
    for (const toggle of toggles) {
      assert.equal(await toggle.getText(), "Show all (1.0 MB)");
      await toggle.click();
    }
    await waitFor(
      "both annotations shown whole",
      async () => browser.execute(() => document.querySelectorAll('[data-testid="alert-detail-annotations"] [data-testid="long-text-whole"]').length === 2),
      { timeoutMs: 10_000 },
    );
    const detail = await annotationsLength();
    assert.ok(detail > 2_000_000, `the 1 MB annotations are shown whole (${detail} characters)`);
    t.diagnostic(`details shown after ${Date.now() - started} ms`);
    await screenshot(browser, "hostile-alerts-detail-huge");
    await assertHeld("alert detail");
  });

  it("a dashboard file's title, panel titles, descriptions, text panels and legend stay text", async () => {
    const { browser } = app;
    const text = (content, mode) => ({ mode, content });
    const dashboard = {
      uid: "hostile-e2e",
      title: `Hostile ${SHORT}`,
      description: SHORT,
      schemaVersion: 39,
      time: { from: "now-15m", to: "now" },
      panels: [
        { id: 1, type: "text", title: PAYLOADS.script, description: PAYLOADS.img, gridPos: { x: 0, y: 0, w: 12, h: 8 }, options: text(`# Markdown\n\n${SHORT}`, "markdown") },
        { id: 2, type: "text", title: PAYLOADS.img, description: PAYLOADS.link, gridPos: { x: 12, y: 0, w: 12, h: 8 }, options: text(`${PAYLOADS.script}${PAYLOADS.img}${PAYLOADS.link}<iframe src="javascript:${RUN}"></iframe>`, "html") },
        { id: 3, type: "text", title: HUGE, description: HUGE, gridPos: { x: 0, y: 8, w: 12, h: 8 }, options: text(HUGE, "markdown") },
        {
          id: 4,
          type: "timeseries",
          title: `${PAYLOADS.rtl} ${PAYLOADS.ansi} ${PAYLOADS.nul}`,
          description: PAYLOADS.script,
          gridPos: { x: 12, y: 8, w: 12, h: 8 },
          targets: [{ refId: "A", expr: 'up{job="prometheus"}', legendFormat: `${PAYLOADS.script} {{job}}` }],
        },
      ],
    };
    // Panel 4's legend needs a series, and the stack is fresh. A range query is evaluated at
    // step-aligned times only, so a first sample newer than the last of them is not in the answer
    // (seen: a 360-byte answer without series, and with refresh off the legend never came). Wait
    // until Prometheus had a sample of itself 30 s ago, more than the panel's step.
    await waitFor(
      "Prometheus to have scraped itself 30 s ago",
      async () => {
        const query = encodeURIComponent('up{job="prometheus"} offset 30s');
        const answer = await (await fetch(`${stack.url("prometheus")}/api/v1/query?query=${query}`)).json();
        return answer.data?.result?.length > 0;
      },
      { timeoutMs: 60_000 },
    );
    await (await $("nav-dashboards")).click();
    await importDashboardJson(browser, JSON.stringify(dashboard));
    await waitFor(
      "the hostile dashboard to open",
      async () => browser.execute(() => document.querySelector('[data-testid="dashboard-title"]')?.textContent.startsWith("Hostile <script>")),
      { timeoutMs: 30_000 },
    );
    const panelText = async (id) =>
      browser.execute((id) => document.querySelector(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`)?.textContent ?? "", id);
    await waitFor("the text panels", async () => (await panelText(2)).includes("<iframe"), { timeoutMs: 15_000 });
    assert.ok((await panelText(1)).includes(PAYLOADS.script), "the markdown panel shows the script tag as text");
    assert.ok((await panelText(3)).length >= 1_000_000, "the 1 MB text panel is there (its content whole, its title cut)");
    await waitFor("the legend", async () => (await panelText(4)).includes("<script>"), { timeoutMs: 30_000 });
    assert.equal(await browser.execute(() => document.querySelectorAll("iframe").length), 0, "no iframe was made");
    const title = await browser.execute(() => document.querySelector('[data-testid="dashboard-title"]').textContent);
    assert.ok(title.includes(RLO_SHOWN), `the override is shown, not obeyed: ${title}`);
    assert.ok((await panelText(4)).includes(RLO_SHOWN), "in a panel title too");
    assert.ok((await panelText(1)).includes(`invoice${RLO_SHOWN}gpj.exe`), "and in a text panel (an HTML block shown as text)");
    await screenshot(browser, "hostile-dashboard");
    await assertHeld("dashboard");

    // The list shows the hostile title as text too.
    await (await $("nav-dashboards")).click();
    const back = await $("dashboard-back");
    if (await back.isExisting()) await back.click();
    const item = await browser.$('[data-testid="dashboard-item"][data-uid="hostile-e2e"]');
    await item.waitForExist({ timeout: 10_000 });
    assert.ok((await item.getText()).includes("<script>"));
    await screenshot(browser, "hostile-dashboard-list");
    await assertHeld("dashboard list");
  });

  it("an incident title and note stay text", async () => {
    const { browser } = app;
    await (await $("nav-incidents")).click();
    await (await $("view-incidents")).waitForExist({ timeout: 20_000 });
    await (await $("incidents-new")).click();
    const setValue = (el, value) =>
      browser.execute(
        (el, value) => {
          el.value = value;
          el.dispatchEvent(new Event("input", { bubbles: true }));
        },
        el,
        value,
      );
    await setValue(await $("incidents-new-title"), `Hostile ${SHORT}`);
    await (await $("incidents-new-submit")).click();
    await waitFor(
      "the incident's detail",
      async () => browser.execute(() => document.querySelector('[data-testid="detail-title"]')?.textContent.startsWith("Hostile <script>")),
      { timeoutMs: 10_000 },
    );
    const incidentTitle = await browser.execute(() => document.querySelector('[data-testid="detail-title"]').textContent);
    assert.ok(incidentTitle.includes(RLO_SHOWN) && incidentTitle.includes(`before${NUL_SHOWN}after`), incidentTitle);
    for (const [name, value] of Object.entries(PAYLOADS)) {
      await setValue(await $("note-input"), `note-${name} ${value}`);
      await (await $("note-add")).click();
      await waitFor(`the ${name} note`, async () =>
        browser.execute(
          (name) => [...document.querySelectorAll('[data-testid="timeline-entry"][data-kind="note"]')].some((e) => e.textContent.includes(`note-${name}`)),
          name,
        ),
      { timeoutMs: 30_000 }).catch(async (err) => {
        await screenshot(browser, `hostile-incident-${name}-missing`);
        throw err;
      });
    }
    const notes = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="timeline-entry"][data-kind="note"]')].map((e) => e.textContent),
    );
    // Markdown makes `__x__` bold, so look for the tags, not the whole payload.
    assert.ok(notes.some((n) => n.includes("note-script <script>") && n.includes("</script>")), "the script note is text");
    assert.ok(notes.some((n) => n.length >= 1_000_000 && n.includes("note-huge")), "the 1 MB note is there");
    assert.ok(notes.some((n) => n.includes(`note-rtl invoice${RLO_SHOWN}gpj.exe`)), "the override in a note is shown");
    await screenshot(browser, "hostile-incident");
    await assertHeld("incident");
  });

  it("log lines stay text", async () => {
    const { browser } = app;
    await (await $("nav-logs")).click();
    await (await $("view-logs")).waitForExist({ timeout: 20_000 });
    await (await $("logs-source")).selectByAttribute("value", "hostile-log-files");
    await waitFor("the hostile lines indexed", async () => {
      const status = await $("logs-local-status");
      return (await status.isExisting()) && Number(await status.getAttribute("data-lines")) >= 8;
    }, { timeoutMs: 30_000 });
    await (await $("logs-range")).selectByAttribute("value", "1h");
    const messages = async () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-testid="logs-row"] [data-testid="logs-cell"][data-column="message"]')].map((c) => c.textContent),
      );
    let refreshed = Date.now();
    try {
      await waitFor("the hostile lines", async () => {
        // The first search may have run before the index held the lines: press Refresh, as a person would.
        if (Date.now() - refreshed > 4_000) {
          refreshed = Date.now();
          await (await $("logs-run")).click();
        }
        return (await messages()).filter((m) => m.includes("hostile-")).length >= 8;
      }, { timeoutMs: 30_000 });
    } catch (err) {
      await screenshot(browser, "hostile-logs-missing");
      await (await $("logs-local-status")).click();
      const status = await browser.execute(() => document.querySelector('[data-testid="logs-local-status-panel"]')?.textContent ?? "");
      throw new Error(`${err.message}; rows: ${JSON.stringify((await messages()).map((m) => m.slice(0, 60)))}; status: ${status.slice(0, 2000)}`);
    }
    const shown = await messages();
    assert.ok(shown.some((m) => m.includes(PAYLOADS.script)), `the script line is text: ${shown.map((m) => m.slice(0, 80))}`);
    assert.ok(shown.some((m) => m.includes(`invoice${RLO_SHOWN}gpj.exe`)), "the override is shown");
    await screenshot(browser, "hostile-logs");
    await assertHeld("logs");
  });
});
