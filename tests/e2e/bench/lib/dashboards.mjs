// Opening the seed dashboards in the benchmarks, and knowing when they are drawn.

import { sleep } from "../../lib/harness.mjs";

export const SEED_DASHBOARDS = ["hinomi-system-overview", "hinomi-business-metrics", "hinomi-infrastructure"];

/** Goes to the dashboard list (from wherever the app is) and clicks `uid`'s "open". */
export async function clickOpen(browser, uid) {
  await (await browser.$('[data-testid="nav-dashboards"]')).click();
  const back = await browser.$('[data-testid="dashboard-back"]');
  if (await back.isExisting()) await back.click();
  const item = await browser.$(`[data-testid="dashboard-item"][data-uid="${uid}"]`);
  await item.waitForExist({ timeout: 20_000 });
  await (await item.$('[data-testid="dashboard-open"]')).click();
}

/** Opens a dashboard from the list and waits until every querying panel has painted. */
export async function openUntilPainted(browser, uid) {
  await clickOpen(browser, uid);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const done = await browser.execute(() => {
      const panels = [...document.querySelectorAll('[data-testid="dashboard-panel"]')].filter((p) => p.dataset.loadStartedAt);
      return panels.length > 0 && panels.every((p) => p.dataset.paintedAt);
    });
    if (done) return;
    await sleep(50);
  }
  throw new Error(`${uid} did not finish painting`);
}
