// Issue 10's Discover in the real app: the Logs view searching 1,000,000 documents in OpenSearch
// (histogram + first page + the open field's top values), from the search click to the last of
// the three painted. The documents are the seed's log-line format (the same generator as the
// Rust `log_bench` example, `crates/hinomi-logs/tests/it/suite/data.rs`, ported: same levels mix,
// messages, request ids, four hours from 2024-05-01 22:00 UTC over two daily indices), bulk-indexed
// into the OpenSearch of `hinomi-demo up --ports free` (127.0.0.1 only, the demo's index template).
//
// Measured per iteration, in the page's own clock (performance.now()): the absolute window's
// Apply click (it runs the search) → the animation frame after each of the histogram
// (`logs-histogram` data-painted-at), the table's first rows (`logs-table`) and the top values of
// `level` (`logs-field-top`) was painted for this search. The view asks for the top values once
// the search has answered (that is how the app works); the baseline sends all three at once.
// Baseline, same run: the three requests the search makes (histogram aggregation, the first 200
// hits sorted by time, the terms top values), sent raw in parallel with Node's fetch(), bodies read;
// second reference: three curls in parallel (the slowest one's time_total). The window ends 2 ms
// later at each app iteration and the raw one 1 ms after the app's, so no answer comes from the
// engine's request cache. Sides alternate which goes first; 2 warm-up iterations are not counted.
// Every loop is bounded.
//
// Run under Xvfb: `xvfb-run -a dbus-run-session -- node tests/e2e/bench/discover.mjs [iterations] [lines]`
// (defaults 9 and 1000000; HINOMI_APP_BIN=target/release/hinomi for a release build of the app).

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { appBinary, screenshot, settingsFor, sleep, startApp, startStack, waitFor } from "../lib/harness.mjs";

const iterations = Math.max(1, Number(process.argv[2] ?? 9));
const LINES = Math.max(1000, Number(process.argv[3] ?? 1_000_000));
const WARMUP = 2;
const DAY1 = "dataset-management-2024.05.01";
const DAY2 = "dataset-management-2024.05.02";
const PATTERN = "dataset-management-*";
const TIME_FIELD = "timestamp";
const START_MS = 1_714_600_800_000; // 2024-05-01 22:00:00 UTC
const SPAN_MS = 4 * 3_600_000;
const BULK_BATCH = 5_000;
const BULK_WORKERS = 3;
const SCREEN = 200; // results::FIRST_PAGE
const TOP_VALUES = 5; // the shell's TOP_VALUES
// The searched window: the four hours with an hour either side (6 h: 5-minute buckets).
const WINDOW_FROM = START_MS - 3_600_000;
const WINDOW_TO = START_MS + SPAN_MS + 3_600_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
};

// ---- the seed's lines (port of data.rs) -------------------------------------------------------

const ACTIONS = ["create_dataset", "delete_dataset", "list_datasets", "upload_file", "export_dataset"];
const MESSAGES = [
  ["INFO", "request completed"],
  ["INFO", "upload completed for dataset"],
  ["INFO", "データセットを作成しました"],
  ["DEBUG", "cache lookup finished"],
  ["WARN", "slow query on datasets table"],
  ["WARN", "ストレージ使用率が高くなっています"],
  ["ERROR", "データセットの作成に失敗しました: タイムアウト"],
  ["ERROR", "permission denied for user"],
];
const BY_LEVEL = Object.fromEntries(["INFO", "WARN", "ERROR", "DEBUG"].map((l) => [l, MESSAGES.filter(([m]) => m === l)]));

/** A small linear congruential generator (64-bit, as data.rs's Lcg); the data is the same each run. */
function lcg(seed) {
  let state = BigInt(seed);
  const MASK = (1n << 64n) - 1n;
  return (n) => {
    state = (state * 6364136223846793005n + 1442695040888963407n) & MASK;
    return Number((state >> 33n) % BigInt(n));
  };
}

function* seedLines(n) {
  const below = lcg(20_240_501);
  let request = 0;
  let made = 0;
  const p = (x) => String(x).padStart(2, "0");
  while (made < n) {
    request += 1;
    const requestId = `req-${String(request).padStart(5, "0")}`;
    const action = ACTIONS[below(5)];
    const userId = below(20) !== 0 ? `user${String(1 + below(50)).padStart(3, "0")}` : null;
    const start = START_MS + below(SPAN_MS / 1000 - 10) * 1000;
    const k = Math.min(1 + below(5), n - made);
    for (let j = 0; j < k; j++) {
      const roll = below(100);
      const wanted = roll < 70 ? "INFO" : roll < 85 ? "WARN" : roll < 95 ? "ERROR" : "DEBUG";
      const choices = BY_LEVEL[wanted];
      const [level, message] = choices[below(choices.length)];
      const ts = start + j * 1000;
      const d = new Date(ts);
      const timestamp = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
      const context = { request_id: requestId, action, ...(userId ? { user_id: userId } : {}) };
      const index = ts < START_MS + 2 * 3_600_000 ? DAY1 : DAY2;
      yield { index, id: `d${String(made).padStart(5, "0")}`, source: { timestamp, level, service: "dataset-management", message, context } };
      made += 1;
    }
  }
}

async function call(base, method, path, body, timeoutMs = 60_000) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": typeof body === "string" ? "application/x-ndjson" : "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function indexLines(base) {
  for (const index of [DAY1, DAY2]) {
    await call(base, "PUT", `/${index}`, { settings: { refresh_interval: "-1" } });
  }
  const lines = seedLines(LINES);
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    // Bounded: each worker takes at most every batch once.
    for (let batch = 0; batch <= LINES / BULK_BATCH; batch++) {
      let body = "";
      let n = 0;
      for (; n < BULK_BATCH; n++) {
        const next = lines.next();
        if (next.done) break;
        const { index, id, source } = next.value;
        body += `${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify(source)}\n`;
      }
      if (n === 0) return;
      const answer = await call(base, "POST", "/_bulk", body, 300_000);
      if (answer.errors) throw new Error(`_bulk: ${JSON.stringify(answer.items.find((i) => i.index?.error)).slice(0, 500)}`);
      done += n;
    }
  };
  await Promise.all(Array.from({ length: BULK_WORKERS }, worker));
  for (const index of [DAY1, DAY2]) {
    await call(base, "PUT", `/${index}/_settings`, { index: { refresh_interval: "1s" } });
  }
  await call(base, "POST", `/${DAY1},${DAY2}/_refresh`, undefined, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const { count } = await call(base, "GET", `/${DAY1},${DAY2}/_count`);
  if (count !== LINES) throw new Error(`indexed ${count} documents, expected ${LINES}`);
  console.log(`indexed ${done} lines in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(0)}/s; ${BULK_WORKERS} x _bulk of ${BULK_BATCH} in flight, refresh off), load ${load()}`);
}

// ---- the three requests of an opened Discover, raw ----------------------------------------

const STEPS = [
  [1e3, "1s"], [5e3, "5s"], [10e3, "10s"], [30e3, "30s"], [60e3, "1m"], [300e3, "5m"], [600e3, "10m"], [1_800e3, "30m"],
  [3_600e3, "1h"], [10_800e3, "3h"], [43_200e3, "12h"], [86_400e3, "1d"], [604_800e3, "7d"], [2_592_000e3, "30d"], [31_536_000e3, "365d"],
];
/** histogram::choose_interval (MAX_BUCKETS = 120). */
const intervalLabel = (from, to) => (STEPS.find(([ms]) => Math.max(0, to - from) / ms <= 120) ?? STEPS[STEPS.length - 1])[1];

/** What `build_query` sends for an empty bar and no pills, the app's `histogram_body`, the first
 * page without a PIT (`log_bench`'s raw baseline) and `top_values`' terms body. */
function rawBodies(from, to) {
  const query = { bool: { filter: [{ range: { [TIME_FIELD]: { gte: Math.floor(from), lte: Math.ceil(to), format: "epoch_millis" } } }] } };
  const page = { size: SCREEN, query, sort: [{ [TIME_FIELD]: { order: "desc", unmapped_type: "date" } }, { _doc: { order: "desc" } }] };
  const histogram = {
    size: 0,
    query,
    track_total_hits: false,
    aggs: { histogram: { date_histogram: { field: TIME_FIELD, fixed_interval: intervalLabel(from, to), min_doc_count: 0, extended_bounds: { min: Math.floor(from), max: Math.ceil(to) } } } },
  };
  const top = { size: 0, query, track_total_hits: true, aggs: { values: { terms: { field: "level", size: TOP_VALUES } }, with_field: { filter: { exists: { field: "level" } } } } };
  return [page, histogram, top].map((b) => JSON.stringify(b));
}

function rawPath(base) {
  return `${base}/${PATTERN}/_search?ignore_unavailable=true&allow_no_indices=true`;
}

async function rawFetch(base, from, to) {
  const url = rawPath(base);
  const bodies = rawBodies(from, to);
  const t0 = performance.now();
  const answers = await Promise.all(
    bodies.map(async (body) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(60_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`raw search: HTTP ${response.status} ${text.slice(0, 300)}`);
      return text;
    }),
  );
  const ms = performance.now() - t0;
  const histogram = JSON.parse(answers[1]).aggregations.histogram.buckets.reduce((n, b) => n + b.doc_count, 0);
  return { ms, histogram, hits: JSON.parse(answers[0]).hits.hits.length };
}

/** Three curls at once; the slowest one's own time_total (process start not included). */
async function rawCurl(base, from, to) {
  const url = rawPath(base);
  const times = await Promise.all(
    rawBodies(from, to).map(
      (body) =>
        new Promise((resolve, reject) =>
          execFile(
            "curl",
            ["-s", "--max-time", "60", "-o", "/dev/null", "-w", "%{time_total}", "-H", "content-type: application/json", "--data-binary", body, url],
            (err, stdout) => (err ? reject(err) : resolve(Number(stdout) * 1000)),
          ),
        ),
    ),
  );
  return Math.max(...times);
}

// ---- the app ------------------------------------------------------------------------------

async function openLogs(browser) {
  const $ = (sel) => browser.$(`[data-testid="${sel}"]`);
  await (await $("nav-logs")).click();
  await (await $("view-logs")).waitForExist({ timeout: 30_000 });
  // The view searches on open (the last hour: nothing there); then open `level`'s top values.
  await waitFor("the first search", async () => {
    const s = await $("logs-summary");
    return (await s.isExisting()) && Number(await s.getAttribute("data-generation")) >= 1;
  }, { timeoutMs: 60_000 });
  const level = await browser.$('[data-testid="logs-field"][data-field="level"] [data-testid="logs-field-name"]');
  await level.waitForExist({ timeout: 30_000 });
  await level.click();
  await (await $("logs-field-top")).waitForExist({ timeout: 30_000 });
}

/** Sets the absolute window (local-time strings with milliseconds, as the picker parses them),
 * clicks Apply and waits until histogram, first rows and top values are painted for it. */
async function searchAndTime(browser, from, to) {
  // The picker shows "absolute" after an earlier Apply: choose it again by a change event.
  await browser.execute(() => {
    const select = document.querySelector('[data-testid="logs-range"]');
    select.value = "absolute";
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await (await browser.$('[data-testid="logs-range-apply"]')).waitForExist({ timeout: 10_000 });
  const clicked = await browser.execute(
    (fromMs, toMs) => {
      const p = (n, w = 2) => String(n).padStart(w, "0");
      const local = (ms) => {
        const d = new Date(ms);
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
      };
      for (const [id, ms] of [["logs-range-from", fromMs], ["logs-range-to", toMs]]) {
        const input = document.querySelector(`[data-testid="${id}"]`);
        input.value = local(ms);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      const generation = Number(document.querySelector('[data-testid="logs-summary"]')?.dataset.generation ?? -1);
      const at = performance.now();
      document.querySelector('[data-testid="logs-range-apply"]').click();
      return { at, generation };
    },
    from,
    to,
  );
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const state = await browser.execute((at) => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`);
      const painted = (id) => Number(q(id)?.dataset.paintedAt || 0);
      const h = q("logs-histogram");
      const s = {
        histogram: painted("logs-histogram"),
        table: painted("logs-table"),
        top: painted("logs-field-top"),
        generation: Number(q("logs-summary")?.dataset.generation ?? -1),
        total: Number(h?.dataset.total ?? 0),
        fromMs: Number(h?.dataset.fromMs ?? 0),
        toMs: Number(h?.dataset.toMs ?? 0),
        rows: document.querySelectorAll('[data-testid="logs-table"] [data-testid="logs-row"]').length,
        topValues: document.querySelectorAll('[data-testid="logs-top-value"]').length,
        error: q("logs-error")?.textContent ?? q("logs-query-error")?.textContent ?? null,
      };
      return s.histogram > at && s.table > at && s.top > at ? s : s.error ? s : null;
    }, clicked.at);
    if (state?.error) throw new Error(`the search failed: ${state.error}`);
    if (state) {
      if (state.generation <= clicked.generation) throw new Error(`painted without a new search: ${JSON.stringify(state)}`);
      return { ...state, at: clicked.at };
    }
    await sleep(20);
  }
  throw new Error("Discover did not paint within 120 s");
}

// ---- the run ------------------------------------------------------------------------------

console.log(`load average at start: ${load()}`);
const stack = await startStack({ scrapeInterval: "15s", logSearch: true });
let app;
const app_ = [];
const parts = { histogram: [], table: [], top: [] };
const raw = [];
const curl = [];
try {
  const search = stack.searchUrl();
  const info = await call(search, "GET", "/");
  console.log(`OpenSearch ${info.version?.number} at ${search}`);
  await indexLines(search);
  const datasource = `
[[datasources]]
id = "bench-opensearch"
name = "Bench OpenSearch"
kind = "elasticsearch"
url = "${search}"
timeout_ms = 60000

[datasources.logs]
index_pattern = "${PATTERN}"
time_field = "${TIME_FIELD}"
`;
  app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: datasource }) });
  await openLogs(app.browser);
  console.log(`load average before the iterations: ${load()}`);
  for (let i = 0; i < iterations + WARMUP; i++) {
    const to = WINDOW_TO + 2 * i;
    const runApp = async () => {
      const s = await searchAndTime(app.browser, WINDOW_FROM, to);
      if (s.total !== LINES || s.toMs !== to || s.fromMs !== WINDOW_FROM) throw new Error(`the app searched something else: ${JSON.stringify(s)}`);
      return s;
    };
    const runRaw = async () => {
      const fetched = await rawFetch(search, WINDOW_FROM, to + 1);
      if (fetched.histogram !== LINES || fetched.hits !== SCREEN) throw new Error(`raw: ${JSON.stringify(fetched)}`);
      return fetched.ms;
    };
    let s;
    let r;
    if (i % 2 === 0) {
      s = await runApp();
      r = await runRaw();
    } else {
      r = await runRaw();
      s = await runApp();
    }
    // A separate window again for curl (to + 1 was the fetch's): the app's next one is to + 2.
    const c = await rawCurl(search, WINDOW_FROM - 1, to + 1);
    const painted = Math.max(s.histogram, s.table, s.top) - s.at;
    const line = `iteration ${i}${i < WARMUP ? " (warm-up)" : ""}: painted ${painted.toFixed(0)} ms (histogram ${(s.histogram - s.at).toFixed(0)}, rows ${(s.table - s.at).toFixed(0)}, top values ${(s.top - s.at).toFixed(0)}; ${s.rows} rows and ${s.topValues} values in the DOM), raw fetch ${r.toFixed(0)} ms, curl ${c.toFixed(0)} ms`;
    console.log(line);
    if (i === 0) await screenshot(app.browser, "bench-discover");
    if (i < WARMUP) continue;
    app_.push(painted);
    parts.histogram.push(s.histogram - s.at);
    parts.table.push(s.table - s.at);
    parts.top.push(s.top - s.at);
    raw.push(r);
    curl.push(c);
  }
} finally {
  await app?.stop();
  await stack.stop();
}

console.log(`app: ${appBinary}`);
console.log(`${iterations} iterations (after ${WARMUP} warm-up), medians; ${LINES} documents in the window; load average at the end: ${load()}`);
console.log("| measure | median |");
console.log("|---|---:|");
console.log(`| Apply click → last of histogram / first rows / top values painted | ${median(app_).toFixed(0)} ms |`);
console.log(`| … histogram painted | ${median(parts.histogram).toFixed(0)} ms |`);
console.log(`| … first rows painted | ${median(parts.table).toFixed(0)} ms |`);
console.log(`| … top values of \`level\` painted | ${median(parts.top).toFixed(0)} ms |`);
console.log(`| raw: the three requests in parallel (node fetch, bodies read) | ${median(raw).toFixed(0)} ms |`);
console.log(`| ratio (painted / node fetch) | ${(median(app_) / median(raw)).toFixed(2)}x |`);
console.log(`| raw: three curls in parallel (slowest time_total) | ${median(curl).toFixed(0)} ms |`);
console.log(`| ratio (painted / curl) | ${(median(app_) / median(curl)).toFixed(2)}x |`);
