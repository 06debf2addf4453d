// The content security policy and the IPC capabilities are in force in the real WebView, not
// only written in tauri.conf.json / capabilities/main.json; and an alert annotation written as
// markup reaches a notification server that reads body markup escaped, as text.
// Run under `dbus-run-session` (the recording notification server needs a session bus).
// Each refusal is paired with a control
// that shows the same thing does work where it is allowed (the script runs, the page sets a flag
// directly, the Prometheus answers Node, an own command answers), so an assertion can only pass
// because the policy refused.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { startStack, startApp, settingsFor, screenshot, waitFor, sleep } from "../lib/harness.mjs";
import { startNotificationServer } from "../lib/notifications.mjs";

/** An annotation an attacker (or a careless rule author) wrote as notification markup. */
const HOSTILE_SUMMARY = `<img src=x onerror="window.__pwnedNotify=1"> <a href="https://evil.example/">open</a> & <b>bold</b>`;

/**
 * Starts `fetch(...args)` or `__TAURI_INTERNALS__.invoke(...args)` in the page and waits for it
 * to settle: `{ ok, value }` or `{ ok: false, reason }` (not `error`: WebdriverIO takes a
 * returned object with an `error` field for a WebDriver error).
 */
async function settle(browser, what, args) {
  const key = `__e2eOutcome${Math.random().toString(36).slice(2)}`;
  await browser.execute(
    (what, args, key) => {
      const started =
        what === "fetch"
          ? fetch(...args).then((r) => r.status)
          : window.__TAURI_INTERNALS__.invoke(...args).then((v) => JSON.stringify(v)?.slice(0, 200));
      started.then(
        (value) => (window[key] = { ok: true, value }),
        (error) => (window[key] = { ok: false, reason: String(error?.message ?? error), code: error?.code ?? null }),
      );
    },
    what,
    args,
    key,
  );
  return waitFor(`the page's ${what} to settle`, () => browser.execute((key) => window[key] ?? null, key), {
    timeoutMs: 15_000,
  });
}

describe("Security: CSP and capabilities in the real WebView", () => {
  let stack;
  let app;
  let notifications;

  before(async () => {
    notifications = await startNotificationServer({ bodyMarkup: true });
    stack = await startStack({});
    app = await startApp({ settingsToml: settingsFor(stack) });
    const { browser } = app;
    await (await browser.$('[data-testid="nav-targets"]')).waitForDisplayed({ timeout: 30_000 });
    // Record every CSP violation the page reports, to name the directive that refused.
    await browser.execute(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__violations.push({ directive: e.effectiveDirective || e.violatedDirective, uri: e.blockedURI }),
      );
    });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    notifications?.stop();
  });

  const violations = async (browser) => browser.execute(() => window.__violations.slice());

  it("runs WebDriver scripts and lets the page set a flag (the controls)", async () => {
    const { browser } = app;
    assert.equal(await browser.execute(() => 1 + 1), 2);
    await browser.execute(() => {
      window.__control = true;
    });
    assert.equal(await browser.execute(() => window.__control === true), true);
  });

  it("refuses eval and new Function", async () => {
    const { browser } = app;
    const evalOutcome = await browser.execute(() => {
      try {
        // biome-ignore lint: this is the point of the test.
        return { ran: true, value: window.eval("1+1") };
      } catch (e) {
        return { ran: false, name: e.name, message: e.message };
      }
    });
    assert.equal(evalOutcome.ran, false, `eval ran: ${JSON.stringify(evalOutcome)}`);
    assert.equal(evalOutcome.name, "EvalError");

    const functionOutcome = await browser.execute(() => {
      try {
        return { ran: true, value: new Function("return 1+1")() };
      } catch (e) {
        return { ran: false, name: e.name, message: e.message };
      }
    });
    assert.equal(functionOutcome.ran, false, `new Function ran: ${JSON.stringify(functionOutcome)}`);
    assert.equal(functionOutcome.name, "EvalError");

    const timerOutcome = await browser.executeAsync((done) => {
      window.__pwnedTimer = false;
      try {
        setTimeout("window.__pwnedTimer = true", 0);
      } catch {
        // Refused outright is as good as refused later.
      }
      setTimeout(() => done(window.__pwnedTimer), 300);
    });
    assert.equal(timerOutcome, false, "setTimeout with a string ran");
  });

  it("does not run an inline <script> inserted into the DOM", async () => {
    const { browser } = app;
    await browser.execute(() => {
      const script = document.createElement("script");
      script.textContent = "window.__pwnedInline = true;";
      document.body.appendChild(script);
      const html = document.createElement("div");
      html.innerHTML = "<img src=x onerror=\"window.__pwnedInnerHtml = true\">";
      document.body.appendChild(html);
    });
    await sleep(500);
    const flags = await browser.execute(() => ({
      inline: window.__pwnedInline ?? null,
      innerHtml: window.__pwnedInnerHtml ?? null,
    }));
    assert.deepEqual(flags, { inline: null, innerHtml: null });
    const seen = await violations(browser);
    assert.ok(
      seen.some((v) => /script-src/.test(v.directive)),
      `no script-src violation reported: ${JSON.stringify(seen)}`,
    );
  });

  it("does not run inline event handler attributes", async () => {
    const { browser } = app;
    await browser.execute(() => {
      const button = document.createElement("button");
      button.setAttribute("onclick", "window.__pwnedHandler = true");
      button.setAttribute("data-testid", "e2e-hostile-button");
      button.textContent = "hostile";
      document.body.appendChild(button);
      button.click();
      const img = document.createElement("img");
      img.setAttribute("onerror", "window.__pwnedOnerror = true");
      img.src = "data:image/png;base64,bm90IGFuIGltYWdl";
      document.body.appendChild(img);
    });
    await sleep(500);
    const flags = await browser.execute(() => ({
      handler: window.__pwnedHandler ?? null,
      onerror: window.__pwnedOnerror ?? null,
    }));
    assert.deepEqual(flags, { handler: null, onerror: null });
  });

  it("does not run a javascript: URL", async () => {
    const { browser } = app;
    const before = await browser.getUrl();
    await browser.execute(() => {
      const a = document.createElement("a");
      a.href = "javascript:window.__pwnedLink = true; void 0";
      a.textContent = "hostile link";
      document.body.appendChild(a);
      a.click();
    });
    await sleep(300);
    await browser.execute(() => {
      try {
        window.location.href = "javascript:window.__pwnedLocation = true; void 0";
      } catch {
        // Refused outright.
      }
    });
    await sleep(500);
    const flags = await browser.execute(() => ({
      link: window.__pwnedLink ?? null,
      location: window.__pwnedLocation ?? null,
    }));
    assert.deepEqual(flags, { link: null, location: null });
    // Still the same page, the app still answering.
    assert.equal(await browser.getUrl(), before);
    assert.equal(await browser.execute(() => window.__control === true), true);
  });

  it("refuses a fetch to another origin (connect-src)", async (t) => {
    const { browser } = app;
    const target = `${stack.url("prometheus")}/-/healthy`;
    // The control: the Prometheus answers anyone who may ask.
    const direct = await fetch(target, { signal: AbortSignal.timeout(10_000) });
    assert.equal(direct.status, 200);

    // no-cors: without connect-src, this resolves (an opaque answer) whatever the CORS headers.
    const outcome = await settle(browser, "fetch", [target, { mode: "no-cors" }]);
    assert.equal(outcome.ok, false, `the page fetched ${target}: ${JSON.stringify(outcome)}`);
    const seen = await violations(browser);
    t.diagnostic(`violations: ${JSON.stringify(seen)}`);
    assert.ok(
      seen.some((v) => /connect-src/.test(v.directive) && v.uri.startsWith(stack.url("prometheus"))),
      `no connect-src violation for ${target}: ${JSON.stringify(seen)}`,
    );
  });

  it("lets the page invoke its own commands, and refuses plugin commands not granted", async (t) => {
    const { browser } = app;
    const call = (cmd, args) => settle(browser, "invoke", [cmd, args]);

    // The control: the same path reaches an own command.
    const own = await call("get_settings", {});
    assert.equal(own.ok, true, `get_settings was refused: ${JSON.stringify(own)}`);

    for (const [cmd, args] of [
      ["plugin:dialog|open", { options: { directory: false, multiple: false } }],
      ["plugin:dialog|save", { options: {} }],
      ["plugin:dialog|message", { message: "pwned", title: "pwned" }],
      ["plugin:fs|read_file", { path: "/etc/passwd" }],
      ["plugin:shell|execute", { program: "sh", args: ["-c", "true"] }],
      ["plugin:app|version", {}],
      ["plugin:window|close", { label: "main" }],
    ]) {
      const outcome = await call(cmd, args);
      assert.equal(outcome.ok, false, `${cmd} was allowed: ${JSON.stringify(outcome)}`);
      t.diagnostic(`${cmd}: ${outcome.reason}`);
      assert.match(outcome.reason, /not allowed|not found|denied/i, `${cmd}: ${outcome.reason}`);
    }
    // No dialog opened, the window is still there and answering.
    assert.equal(await browser.execute(() => window.__control === true), true);
    assert.equal(await (await browser.$('[data-testid="nav-targets"]')).isDisplayed(), true);
    await screenshot(browser, "security-csp-refusals");
  });

  it("refuses file paths the page names outside the exports folder that no dialog chose", async (t) => {
    const { browser } = app;
    const call = (cmd, args) => settle(browser, "invoke", [cmd, args]);
    const exportsFolder = await browser.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("incident_defaults", {}).then((d) => done(d.export_dir), () => done(null));
    });
    assert.ok(exportsFolder, "the exports folder is known");
    // The control: the same command writes into Hinomi's exports folder.
    const control = `${exportsFolder}/e2e-security-${process.pid}.sqlite`;
    const own = await call("backup_incident_store", { path: control });
    assert.equal(own.ok, true, `a backup into the exports folder was refused: ${JSON.stringify(own)}`);
    rmSync(control, { force: true });

    for (const [cmd, args] of [
      ["backup_incident_store", { path: "~/.ssh/authorized_keys" }],
      ["backup_incident_store", { path: `${exportsFolder}/../../../../.bashrc` }],
      ["export_incidents_file", { ids: [], path: "/etc/passwd" }],
      ["export_incidents_file", { ids: [], path: "~/.bashrc" }],
      ["export_incident_report", { id: "INC-1", format: "markdown", language: "en", dir: "~/.ssh" }],
      ["import_incidents_file", { path: "/etc/passwd" }],
      ["import_incidents_file", { path: "~/.ssh/id_ed25519" }],
    ]) {
      const outcome = await call(cmd, args);
      t.diagnostic(`${cmd} ${JSON.stringify(args)}: ${outcome.code} ${outcome.reason}`);
      assert.equal(outcome.ok, false, `${cmd} ${JSON.stringify(args)} was allowed`);
      assert.equal(outcome.code, "path_refused", `${cmd}: ${outcome.reason}`);
      assert.match(outcome.reason, /^Hinomi does not (write to|read) /);
    }
  });

  it("escapes an annotation's markup for a notification server that reads body markup", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="nav-alerts"]')).click();
    await (await browser.$('[data-testid="alerts-tab-watch"]')).click();
    const editor = await browser.$('[data-testid="watch-rules-text"]');
    await editor.waitForDisplayed({ timeout: 10_000 });
    // A watch rule firing at once on the demo Prometheus's own `up`, its summary in markup.
    const yaml = `groups:
- name: e2e-hostile
  rules:
  - alert: E2EHostileMarkup
    expr: up{job="prometheus"} == 1
    for: 0s
    labels:
      severity: warning
    annotations:
      summary: '${HOSTILE_SUMMARY}'
`;
    await browser.execute((value) => {
      const el = document.querySelector('[data-testid="watch-rules-text"]');
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, yaml);
    const save = await browser.$('[data-testid="watch-rules-save"]');
    await waitFor("the rules checked valid", async () => await save.isEnabled(), { timeoutMs: 10_000 });
    await save.click();

    await (await browser.$('[data-testid="alerts-tab-board"]')).click();
    const row = await browser.$('[data-testid="alert-row"][data-alertname="E2EHostileMarkup"]');
    await row.waitForDisplayed({ timeout: 20_000 });
    // On the board it is text too.
    assert.ok((await row.getText()).includes('<a href="https://evil.example/">open</a>'), await row.getText());

    // One notification after the seed route's group_wait (30 s).
    const told = await waitFor(
      "the hostile rule's notification",
      async () => notifications.records().find((r) => r.summary.startsWith("E2EHostileMarkup")) ?? null,
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    assert.equal(
      told.body,
      "&lt;img src=x onerror=&quot;window.__pwnedNotify=1&quot;&gt; " +
        "&lt;a href=&quot;https://evil.example/&quot;&gt;open&lt;/a&gt; &amp; &lt;b&gt;bold&lt;/b&gt;",
    );
    assert.ok(!/<(a|img|b)\b/.test(told.body), told.body);
    assert.equal(await browser.execute(() => window.__pwnedNotify ?? null), null);
    await screenshot(browser, "security-hostile-annotation-on-board");
  });
});
