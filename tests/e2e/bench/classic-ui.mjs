// The third baseline of big-query.mjs: Prometheus's own classic UI (Debian's prometheus 2.42
// serves it at /classic/graph from /usr/share/prometheus/web) drawing the same query in headless
// Chromium (Debian's `chromium`, scripts/install-bench-deps), driven by playwright-core with no
// browser download. Chromium may reach loopback only: its background services are switched off
// and every host name but 127.0.0.1 resolves to nothing.
//
// Measured per run, in the page: the Execute click → the animation frame after Rickshaw drew
// every series' SVG path (and the frame after that, once Chromium laid out and painted it). The page is loaded fresh before each run with the graph tab, range, end
// time and step already in its URL and an empty expression, so the run times the query alone,
// not the page's scripts loading; the expression is typed in, then Execute is clicked.

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const chromiumBinary = process.env.HINOMI_BENCH_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Loopback only. Playwright already passes most of these; they are repeated here so the bench
 * says what it relies on. `--metrics-recording-only` records usage metrics locally and never
 * uploads them; the resolver rule fails every host name except 127.0.0.1 (the Prometheus URL is an
 * IP address), so a service these flags miss still cannot reach the internet.
 */
const loopbackOnlyArgs = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-domain-reliability",
  "--disable-client-side-phishing-detection",
  "--disable-breakpad",
  "--safebrowsing-disable-auto-update",
  "--no-first-run",
  "--no-default-browser-check",
  "--no-pings",
  "--metrics-recording-only",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/** `YYYY-MM-DD HH:mm` in UTC: the classic UI's end-time field (its date picker runs in UTC). */
function endInput(secs) {
  return new Date(secs * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/**
 * Launches Chromium, or resolves `{ skipped: reason }` when it or playwright-core is missing
 * (the bench then prints its other columns). `extraArgs` go to Chromium as well (e.g. a net log).
 */
export async function startClassicUi(info, { extraArgs = [] } = {}) {
  if (!existsSync(chromiumBinary)) {
    return { skipped: `${chromiumBinary} not found (Debian's chromium: scripts/install-bench-deps)` };
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (err) {
    return { skipped: `playwright-core not installed (npm ci in tests/e2e): ${err.message}` };
  }
  if (info.end_secs % 60 !== 0) throw new Error(`the classic UI's end field has minutes only; end ${info.end_secs} is not on a minute`);
  const browser = await chromium.launch({ executablePath: chromiumBinary, headless: true, args: [...loopbackOnlyArgs, ...extraArgs] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const rangeSecs = info.end_secs - info.start_secs;
  // g0.tab=0 is the Graph tab. The range is the backfill's own (1,439 minutes: 1,440 points), so
  // start = end - range is the start big-query.mjs's other columns ask for.
  const pageUrl =
    `${info.url}/classic/graph?g0.expr=&g0.tab=0&g0.stacked=0` +
    `&g0.range_input=${rangeSecs}s&g0.end_input=${encodeURIComponent(endInput(info.end_secs))}&g0.step_input=${info.step_secs}`;

  /** One run: fresh page, expression typed, Execute clicked, timed in the page. */
  async function measure() {
    await page.goto(pageUrl);
    const expr = page.locator("#graph_wrapper0 textarea[name=expr]");
    await expr.waitFor({ timeout: 30_000 });
    await expr.fill(info.metric);
    const timing = await page.evaluate(
      ({ series }) =>
        new Promise((resolve, reject) => {
          const wrapper = document.querySelector("#graph_wrapper0");
          const area = wrapper.querySelector(".graph_area");
          const error = wrapper.querySelector(".error");
          const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
          let clickedAt;
          let drawn = false;
          const timeout = setTimeout(() => {
            observer.disconnect();
            reject(new Error(`no graph within 180 s; ${area.querySelectorAll(".graph svg path.path").length} paths`));
          }, 180_000);
          const observer = new MutationObserver(() => {
            if (drawn) return;
            if (error.textContent.trim() !== "") {
              observer.disconnect();
              clearTimeout(timeout);
              reject(new Error(`the classic UI showed an error: ${error.textContent.trim()}`));
              return;
            }
            // Rickshaw's line renderer draws one <path class="path"> per series into .graph's
            // <svg> (and an empty path.stroke per series for its highlight behaviour).
            const paths = [...area.querySelectorAll(".graph svg path.path")].filter((p) => p.getAttribute("d")).length;
            if (paths < series) return;
            drawn = true;
            const drawnAt = performance.now();
            observer.disconnect();
            // Hinomi's panel is timed the same way (uPlot drew, then one frame). Rickshaw's SVG is
            // laid out and painted by Chromium after that frame's callbacks, so the frame after
            // it is recorded as well.
            nextFrame()
              .then((paintedAt) => nextFrame().then((nextFrameAt) => [paintedAt, nextFrameAt]))
              .then(([paintedAt, nextFrameAt]) => {
                clearTimeout(timeout);
                const query = performance
                  .getEntriesByType("resource")
                  .filter((e) => e.name.includes("/api/v1/query_range") && e.startTime >= clickedAt)
                  .at(-1);
                const params = query ? new URL(query.name).searchParams : new URLSearchParams();
                resolve({
                  painted: paintedAt - clickedAt,
                  nextFrame: nextFrameAt - clickedAt,
                  drawn: drawnAt - clickedAt,
                  // The browser's own request: request start → last byte of the body (no parse).
                  fetched: query ? query.responseEnd - clickedAt : NaN,
                  bodyBytes: query?.decodedBodySize ?? 0,
                  paths,
                  legendRows: wrapper.querySelectorAll(".legend li").length,
                  loadTimeText: wrapper.querySelector(".eval_stats").innerText.replace(/\s+/g, " ").trim(),
                  warning: wrapper.querySelector(".warning").textContent.trim(),
                  start: Number(params.get("start")),
                  end: Number(params.get("end")),
                  step: Number(params.get("step")),
                });
              });
          });
          observer.observe(wrapper, { subtree: true, childList: true, characterData: true });
          clickedAt = performance.now();
          wrapper.querySelector(".execute_btn").click();
        }),
      { series: info.series },
    );
    const loadTime = /Load time: (\d+)ms/.exec(timing.loadTimeText);
    timing.loadTimeMs = loadTime ? Number(loadTime[1]) : NaN;
    if (timing.start !== info.start_secs || timing.end !== info.end_secs || timing.step !== info.step_secs) {
      throw new Error(`the classic UI asked for start ${timing.start}, end ${timing.end}, step ${timing.step}; the bench's query is ${info.start_secs}, ${info.end_secs}, ${info.step_secs}`);
    }
    if (timing.paths !== info.series) throw new Error(`the classic UI drew ${timing.paths} paths for ${info.series} series`);
    return timing;
  }

  async function screenshot(dir, name) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  return { measure, screenshot, version: browser.version(), stop: () => browser.close() };
}
