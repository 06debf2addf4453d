// Desktop notifications follow the live route of the Alertmanager that reported the alert, not
// fixed seed timings. The demo stack runs with a TEST-ONLY fast top-level route
// (`hinomi-demo up --fast-routes`: group_wait 1s, group_interval 5s, repeat_interval 30s) and the
// seed's rules with `for: 10s`. An error burst makes HighErrorRate fire; its notification must
// come about 1s after Alertmanager has it (the seed's route would wait 30s), and the unchanged
// group must be told again after about 30s (the seed's route: after 4h), never sooner.
// Run under `dbus-run-session` (the notification server needs a session bus).

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { startNotificationServer } from "../lib/notifications.mjs";

const run = promisify(execFile);
const demoApiBin = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target", "debug", "hinomi-demo-api");

describe("Notifications follow the Alertmanager's route", () => {
  let stack;
  let app;
  let notifications;

  before(async () => {
    notifications = await startNotificationServer();
    stack = await startStack({ scrapeInterval: "2s", extraArgs: ["--rule-for", "10s", "--fast-routes"] });
    app = await startApp({ settingsToml: settingsFor(stack) });
    await (await app.browser.$('[data-testid="nav-alerts"]')).click();
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    notifications?.stop();
  });

  it("notifies at the route's group_wait and repeats at its repeat_interval", async () => {
    const { browser } = app;
    await run(demoApiBin, ["fault", "error-burst", "--api", stack.url("demo-api"), "--duration", "10m"]);
    // Each notification with the time it was first seen; the board's first firing row likewise.
    const seenAt = new Map();
    let firingAt = null;
    await waitFor(
      "a HighErrorRate notification told again unchanged",
      async () => {
        const now = Date.now();
        if (firingAt === null) {
          const states = await browser.execute(() =>
            [...document.querySelectorAll('[data-testid="alert-row"][data-alertname="HighErrorRate"]')].map((row) =>
              row.getAttribute("data-state"),
            ),
          );
          if (states.includes("firing")) firingAt = now;
        }
        for (const record of notifications.records()) {
          if (record.summary.startsWith("HighErrorRate") && !seenAt.has(record.id)) seenAt.set(record.id, now);
        }
        const summaries = notifications
          .records()
          .filter((r) => seenAt.has(r.id))
          .map((r) => r.summary);
        return summaries.some((summary, i) => i > 0 && summary === summaries[i - 1]);
      },
      { timeoutMs: 240_000, intervalMs: 250 },
    );
    await screenshot(browser, "alerts-routes-firing");
    const told = notifications
      .records()
      .filter((r) => seenAt.has(r.id))
      .map((r) => ({ summary: r.summary, at: seenAt.get(r.id) }));
    const report = JSON.stringify(told.map((t) => ({ ...t, after: (t.at - told[0].at) / 1000 })));
    assert.ok(firingAt !== null, `the board showed HighErrorRate firing (${report})`);
    // The board shows firing when Prometheus does, which is when it sends the alert to
    // Alertmanager: with the route's 1s group_wait the notification follows within a few polls;
    // the seed's 30s group_wait could not.
    const firstDelay = (told[0].at - firingAt) / 1000;
    console.log(`first notification ${firstDelay.toFixed(1)}s after the board showed firing; ${report}`);
    assert.ok(firstDelay < 15, `told ${firstDelay}s after firing: ${report}`);
    // More alerts of the group fire one by one (one series per endpoint): each change is told.
    // Repeats of an unchanged group: never before the route's 30s repeat_interval, and then
    // at the next 5s group_interval flush (the seed's route repeats after 4h).
    const gaps = [];
    for (let i = 1; i < told.length; i += 1) {
      if (told[i].summary === told[i - 1].summary) gaps.push((told[i].at - told[i - 1].at) / 1000);
    }
    assert.ok(gaps.length >= 1, `an unchanged group was told again: ${report}`);
    for (const gap of gaps) assert.ok(gap >= 28 && gap <= 45, `repeat after ${gap}s: ${report}`);
  });

  it("shows which route's timings apply to the group in the routing panel", async () => {
    const { browser } = app;
    await (await browser.$('[data-testid="alerts-tab-routing"]')).click();
    const group = await browser.$('[data-testid="routing-group"][data-alertname="HighErrorRate"]');
    await group.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await group.getAttribute("data-receiver"), "team-dataset");
    assert.match(await group.getText(), /root\s*1s \/ 5s \/ 30s/);
    await screenshot(browser, "alerts-routes-fast-route");
  });
});
