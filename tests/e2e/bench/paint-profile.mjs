// PROFILE (temporary): the start's marks and animation frames, per run.
import { startStack, startApp, settingsFor, sleep } from "../lib/harness.mjs";
const runs = Number(process.argv[2] ?? 3);
const painted = '[data-testid="target-row"][data-health="up"]';
const stack = await startStack({ scrapeInterval: "2s" });
try {
  for (let i = 0; i < runs; i++) {
    const app = await startApp({ settingsToml: settingsFor(stack), env: JSON.parse(process.env.PROF_ENV ?? '{}') });
    for (;;) {
      const rows = await app.browser.$$(painted);
      if (rows.length >= 3) break;
      await sleep(20);
    }
    await sleep(Number(process.env.PROF_WAIT ?? 2500));
    const page = await app.browser.execute(() => ({
      marks: performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime)]),
      paint: performance.getEntriesByType("paint").map((m) => [m.name, Math.round(m.startTime)]),
      nav: performance.getEntriesByType("navigation").map((n) => ({ dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) })),
      ticks: window.__ticks, vis: window.__vis.map(([t, v, f]) => [Math.round(t), v, f]), frames: window.__frames.slice(0, 40).map(([t, n]) => Math.round(n)),
    }));
    console.log(JSON.stringify(page));
    await app.stop();
    await sleep(500);
  }
} finally {
  await stack.stop();
}
if (process.env.PROF_DASH) {
  const stack2 = await startStack({ scrapeInterval: "2s" });
  await sleep(15000);
  const app = await startApp({ settingsToml: settingsFor(stack2), env: JSON.parse(process.env.PROF_ENV ?? '{}') });
  const { openUntilPainted, SEED_DASHBOARDS } = await import("./lib/dashboards.mjs");
  for (let round = 0; round < 3; round++) for (const uid of SEED_DASHBOARDS) {
    await app.browser.execute(() => { window.__chartProf = []; window.__sizes = []; });
    await openUntilPainted(app.browser, uid);
    await sleep(500);
    const r = await app.browser.execute(() => ({
      panels: [...document.querySelectorAll('[data-testid="dashboard-panel"]')].filter((p) => p.dataset.loadStartedAt).map((p) => [p.dataset.panelType, Math.round(p.dataset.answeredAt), Math.round(p.dataset.paintedAt)]),
      charts: window.__chartProf.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.isArray(v) ? v : Math.round(v)]))),
      sizes: window.__sizes,
    }));
    console.log(uid, JSON.stringify(r));
  }
  await app.stop();
  await stack2.stop();
}
