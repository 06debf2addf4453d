// What the dashboard specs share: importing a Grafana dashboard's JSON through the UI's dialog,
// and opening a dashboard over a range.

import assert from "node:assert/strict";
import { waitFor } from "./harness.mjs";

/**
 * Opens the import dialog from the dashboard list, puts `json` into its text area in one step
 * (a dashboard's JSON can be hundreds of KB; no typing key by key) and runs the import. The
 * caller waits for what the import should show.
 */
export async function importDashboardJson(browser, json) {
  const $ = (sel) => browser.$(`[data-testid="${sel}"]`);
  await (await $("dashboards-import-open")).click();
  const area = await $("dashboards-import-text");
  await area.waitForExist({ timeout: 5_000 });
  await browser.execute(
    (el, value) => {
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    area,
    json,
  );
  await (await $("dashboards-import-run")).click();
}

/** Opens the dashboard `uid` from the list (reached through the navigation) over `range`. */
export async function openDashboard(browser, uid, range) {
  const $ = (sel) => browser.$(`[data-testid="${sel}"]`);
  await (await $("nav-dashboards")).click();
  const item = await browser.$(`[data-testid="dashboard-item"][data-uid="${uid}"]`);
  await item.waitForExist({ timeout: 20_000 });
  await (await item.$('[data-testid="dashboard-open"]')).click();
  const picker = await $("dashboard-range");
  await picker.selectByAttribute("value", range);
  // Still the chosen range once the dashboard has loaded (its saved default must not win).
  await waitFor("the dashboard loaded", async () => (await (await $("dashboard-title")).getText()) !== "", { timeoutMs: 20_000 });
  assert.equal(await picker.getValue(), range, "the picked range survives the dashboard's load");
}
