// Log search over local files, offline: the demo API's own daily JSON-lines files read straight
// from its log folder by the embedded index (no search server in this suite), and a "support
// bundle" folder added by typing its path, holding a rotated .gz, a plain-text line, hostile
// lines, invalid UTF-8 and a 1 MB line. A person searches, reads the index status, follows an
// appended line in live tail, opens the lines around a hit in its file and exports NDJSON.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startStack, startApp, settingsFor, screenshot, waitFor, repoRoot } from "../lib/harness.mjs";
import { discover, localFilesDatasource, wallTime } from "../lib/logs.mjs";

// The whole suite runs nine hours east of UTC: the demo API writes its wall time in this zone,
// the app reads times without a zone in this computer's zone, and every time range below would
// miss the lines if either read them as UTC. Node, the demo stack and the app all take `TZ`.
process.env.TZ = "Asia/Tokyo";

const DEMO_API_BIN = process.env.HINOMI_DEMO_API_BIN ?? join(repoRoot, "target/debug/hinomi-demo-api");
const NONCE = Date.now().toString(36);
const BUNDLE_REQUEST = `bundle-${NONCE}`;
const ROTATED_TOKEN = `rotated${NONCE}`;
const TAIL_TOKEN = `appended${NONCE}`;

function seedLine(ms, level, message, context = {}) {
  return JSON.stringify({ timestamp: wallTime(ms), level, service: "dataset-management", message, context: { request_id: BUNDLE_REQUEST, user_id: "mallory", action: "create_dataset", ...context } });
}

/** ERROR lines of the demo API's files whose time is at or after `fromMs` (what the view should count). */
function errorLinesInFiles(dir, fromMs) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".log")) continue;
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    // What follows the last newline is a line still being written (or nothing): not yet a line.
    lines.pop();
    for (const line of lines) {
      if (!line.includes('"level":"ERROR"')) continue;
      const doc = JSON.parse(line);
      const ms = new Date(doc.timestamp.replace(" ", "T")).getTime();
      if (ms >= Math.floor(fromMs / 1000) * 1000) n++;
    }
  }
  return n;
}

describe("Logs over local files, offline", () => {
  let stack;
  let app;
  let work;
  let bundle;
  let demoLogs;
  const bundleLines = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "hinomi-e2e-local-logs-"));
    stack = await startStack({ scrapeInterval: "2s" });
    demoLogs = join(stack.stateDir, "logs", "demo-api");
    execFileSync(DEMO_API_BIN, ["fault", "error-burst", "--duration", "10m", "--api", stack.url("demo-api")]);
    await waitFor("ERROR lines in the demo API's files", async () => {
      try {
        return errorLinesInFiles(demoLogs, 0) >= 20;
      } catch {
        return false;
      }
    }, { timeoutMs: 120_000, intervalMs: 1000 });

    // The support bundle: a rotated, compressed day and today's file, a minute apart.
    bundle = join(work, "support-bundle");
    mkdirSync(bundle);
    const now = Date.now();
    const rotated = [];
    for (let i = 0; i < 30; i++) rotated.push(seedLine(now - 20 * 60_000 + i * 1000, i % 3 === 0 ? "WARN" : "INFO", `${ROTATED_TOKEN} import step ${i}`));
    writeFileSync(join(bundle, "dataset-management.log.1.gz"), gzipSync(rotated.join("\n") + "\n"));
    const current = [];
    for (let i = 0; i < 20; i++) current.push(seedLine(now - 10 * 60_000 + i * 1000, "INFO", `bundle line ${i} of ${BUNDLE_REQUEST}`));
    current.push(seedLine(now - 9 * 60_000, "ERROR", "<script>window.__pwned = true</script><img src=x onerror=alert(1)>"));
    current.push(`${wallTime(now - 9 * 60_000 + 1000)} ERROR plain text line: upstream timed out`);
    current.push(seedLine(now - 9 * 60_000 + 2000, "WARN", `x${"y".repeat(1_100_000)}`));
    bundleLines.push(...current);
    writeFileSync(join(bundle, "dataset-management.log"), current.join("\n") + "\n");
    // Invalid UTF-8 in a message: the file keeps its bytes, the index shows U+FFFD.
    appendFileSync(join(bundle, "dataset-management.log"), Buffer.concat([Buffer.from(seedLine(now - 8 * 60_000, "INFO", "bad bytes: ").slice(0, -3)), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\n')]));

    const files = localFilesDatasource({ id: "demo-log-files", name: "Demo log files", paths: [demoLogs] });
    app = await startApp({ settingsToml: settingsFor(stack, { extraDatasources: files }) });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const { $, generation, searched, runQuery } = discover(() => app.browser);
  const messages = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="logs-table"] [data-testid="logs-row"] [data-testid="logs-cell"][data-column="message"]')].map((c) => c.textContent),
    );

  it("searches the demo API's files with the Lucene bar, counting what the files hold", async () => {
    const { browser } = app;
    await (await $("nav-logs")).click();
    await (await $("view-logs")).waitForExist({ timeout: 20_000 });
    const index = await $("logs-index");
    await index.waitForExist({ timeout: 20_000 });
    assert.equal(await index.getAttribute("data-local"), "true", "the source shows its paths, not an index pattern");
    assert.equal(await index.getText(), demoLogs);
    await waitFor("the first search", async () => (await generation()) >= 1, { timeoutMs: 30_000 });
    const opened = await generation();
    await (await $("logs-range")).selectByAttribute("value", "15m");
    await searched(opened);
    // Lines keep arriving: the shown count lies between the files' count before and after.
    // The index follows the files a pass behind (a loaded machine makes that seconds), so the
    // search is repeated, as a person would press Refresh, until it holds what the files held.
    const from = Date.now() - 15 * 60_000;
    const low = errorLinesInFiles(demoLogs, from + 5_000);
    let shown;
    await waitFor("the index to catch up with the files", async () => {
      shown = await runQuery("level:ERROR");
      return shown.total >= low;
    }, { timeoutMs: 30_000, intervalMs: 1000 }).catch((err) => {
      throw new Error(`${err.message}: last ${shown?.total} ERROR hits, the files held ${low}`);
    });
    const high = errorLinesInFiles(demoLogs, from - 5_000);
    assert.ok(shown.exact);
    assert.ok(shown.total >= low && shown.total <= high, `${shown.total} ERROR hits; the files hold ${low}..${high}`);
    assert.ok(shown.total >= 20, shown.text);
    const h = await $("logs-histogram");
    assert.equal(Number(await h.getAttribute("data-total")), shown.total, "the histogram counts the hits");
    const all = await messages();
    assert.ok(all.length > 0 && all.every((m) => m.length > 0), "rows with messages");
    // A nested field and a boolean, as Kibana's bar takes them.
    const nested = await runQuery("level:ERROR AND context.action:* AND NOT context.user_id:nobody");
    assert.ok(nested.total > 0 && nested.total <= errorLinesInFiles(demoLogs, from - 5_000), `${nested.total} vs ${shown.total}`);
    await screenshot(browser, "logs-local-demo-errors");
  });

  it("shows the index status: files, lines, and nothing odd in the demo's files", async () => {
    const { browser } = app;
    const status = await $("logs-local-status");
    await status.click();
    const panel = await $("logs-local-status-panel");
    await panel.waitForExist({ timeout: 5_000 });
    const listed = () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-testid="logs-local-file"]')].map((r) => ({ state: r.getAttribute("data-state"), text: r.textContent })),
      );
    // The status is polled while shown: the panel may open a poll before its file list.
    const files = await waitFor("the demo API's daily file listed", async () => {
      const rows = await listed();
      return rows.length >= 1 && rows;
    }, { timeoutMs: 10_000 });
    assert.ok(files.every((f) => f.state === "following" && /dataset-management-\d{4}-\d{2}-\d{2}\.log/.test(f.text)), JSON.stringify(files));
    assert.equal(await status.getAttribute("data-issues"), "0");
    await screenshot(browser, "logs-local-index-status");
    await status.click();
  });

  it("adds a support bundle by typing its folder; hostile and broken lines stay text and are named", async () => {
    const { browser } = app;
    await (await $("logs-add-source")).click();
    await (await $("logs-add-paths")).setValue(bundle);
    // A typed path is read only after the native "Read these log files?" dialog says yes (the
    // person's answer comes from the harness's answer file). Refused first: nothing is added.
    const sources = () => browser.execute(() => [...document.querySelectorAll('[data-testid="logs-source"] option')].map((o) => o.value));
    const sourcesBefore = await sources();
    app.answerLogPathQuestions("refuse");
    await (await $("logs-add-submit")).click();
    const refusal = await $("logs-add-error");
    await refusal.waitForExist({ timeout: 10_000 });
    assert.match(await refusal.getText(), /was not confirmed/);
    assert.deepEqual(await sources(), sourcesBefore, "no source added");
    await screenshot(browser, "logs-local-typed-path-refused");
    app.answerLogPathQuestions("accept");
    const before = await generation();
    await (await $("logs-add-submit")).click();
    await (await $("logs-add-dialog")).waitForExist({ reverse: true, timeout: 10_000 });
    await searched(before);
    await waitFor("the new source", async () => (await (await $("logs-index")).getText()) === bundle, { timeoutMs: 10_000 });
    const source = await $("logs-source");
    assert.equal(await source.getValue(), "local-files-1", "a new datasource, selected");
    const questions = app.logPathQuestions();
    assert.equal(questions.split("Read these log files?").length - 1, 2, questions);
    assert.ok(questions.includes(`\n${bundle}\n`), `the question names the folder: ${questions}`);
    await waitFor("the bundle indexed", async () => Number(await (await $("logs-local-status")).getAttribute("data-lines")) >= 54, { timeoutMs: 30_000 });
    await (await $("logs-range")).selectByAttribute("value", "1h");

    const rotated = await runQuery(ROTATED_TOKEN);
    assert.equal(rotated.total, 30, "the rotated .gz is read");
    const warn = await runQuery(`${ROTATED_TOKEN} AND level:WARN`);
    assert.equal(warn.total, 10);
    const plain = await runQuery('"upstream timed out"');
    assert.equal(plain.total, 1, "a plain-text line is searchable");

    const hostile = await runQuery("level:ERROR");
    assert.equal(hostile.total, 2);
    const shown = await messages();
    assert.ok(shown.some((m) => m.includes("<script>window.__pwned = true</script>")), `as text: ${shown}`);
    const page = await browser.execute(() => ({
      pwned: window.__pwned === true,
      injected: document.querySelector('[data-testid="view-logs"]').querySelectorAll("script, img, iframe").length,
    }));
    assert.deepEqual(page, { pwned: false, injected: 0 });

    const status = await $("logs-local-status");
    await waitFor("the odd lines named", async () => Number(await status.getAttribute("data-issues")) >= 2, { timeoutMs: 10_000 });
    await status.click();
    const kinds = await browser.execute(() => [...document.querySelectorAll('[data-testid="logs-local-issue"]')].map((i) => i.getAttribute("data-kind")));
    assert.ok(kinds.includes("invalid_utf8"), `issues: ${kinds}`);
    assert.ok(kinds.includes("truncated"), `the 1 MB line is cut in the index, kept in the file: ${kinds}`);
    await screenshot(browser, "logs-local-bundle-status");
    await status.click();
  });

  it("follows a line appended to a file, in live tail, within seconds", async () => {
    const { browser } = app;
    await (await $("logs-query")).setValue(TAIL_TOKEN);
    await (await $("logs-tail-toggle")).click();
    await (await $("logs-tail-bar")).waitForExist({ timeout: 10_000 });
    await browser.pause(500);
    assert.equal(Number(await (await $("logs-tail-table")).getAttribute("data-rows")), 0);
    const line = seedLine(Date.now(), "INFO", `${TAIL_TOKEN} written after the tail started`);
    appendFileSync(join(bundle, "dataset-management.log"), line + "\n");
    const appendedAt = Date.now();
    await waitFor("the appended line in the tail", async () => Number(await (await $("logs-tail-table")).getAttribute("data-rows")) === 1, { timeoutMs: 15_000, intervalMs: 200 });
    const took = Date.now() - appendedAt;
    assert.ok(took < 10_000, `shown ${took} ms after the append`);
    await screenshot(browser, "logs-local-live-tail");
    await (await $("logs-tail-toggle")).click();
    await waitFor("the tail stopped", async () => !(await (await $("logs-tail-bar")).isExisting()));
  });

  it("opens a line and the lines around it in its file", async () => {
    const { browser } = app;
    const shown = await runQuery(`"bundle line 10 of ${BUNDLE_REQUEST}"`);
    assert.equal(shown.total, 1);
    const row = await browser.$('[data-testid="logs-table"] [data-testid="logs-row"][data-index="0"]');
    await row.waitForExist({ timeout: 5_000 });
    await (await row.$('[data-testid="logs-row-expand"]')).click();
    await (await $("logs-detail")).waitForExist({ timeout: 5_000 });
    await (await $("logs-surrounding-show")).click();
    const around = await waitFor("the surrounding lines", async () => {
      const lines = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="logs-surrounding-line"]')].map((l) => [l.getAttribute("data-where"), l.textContent]),
      );
      return lines.some(([w]) => w === "before") && lines.some(([w]) => w === "after") ? lines : null;
    }, { timeoutMs: 15_000 });
    const text = (where) => around.filter(([w]) => w === where).map(([, t]) => t);
    assert.ok(text("anchor")[0].includes("bundle line 10 "));
    assert.ok(text("before").at(-1).includes("bundle line 9 "), `the line before in the file: ${text("before")}`);
    assert.ok(text("after")[0].includes("bundle line 11 "), `the line after in the file: ${text("after")}`);
    await (await $("logs-surrounding")).scrollIntoView({ block: "center" });
    await screenshot(browser, "logs-local-surrounding");
    await (await $("logs-detail-close")).click();
  });

  it("exports the hits to NDJSON, one line per hit", async () => {
    const shown = await runQuery(ROTATED_TOKEN);
    await (await $("logs-export")).click();
    await (await $("logs-export-dialog")).waitForExist({ timeout: 5_000 });
    await (await $("logs-export-ndjson")).click();
    // The offered path, in the exports folder: written without a dialog (elsewhere needs Choose…).
    const pathField = await $("logs-export-path");
    await waitFor("the offered export path", async () => (await pathField.getValue()).endsWith(".ndjson"));
    const file = await pathField.getValue();
    await (await $("logs-export-start")).click();
    await (await $("logs-export-done")).waitForExist({ timeout: 30_000 });
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
    assert.equal(lines.length, shown.total);
    rmSync(file);
    for (const line of lines) assert.ok(JSON.parse(line).message.startsWith(ROTATED_TOKEN), line);
    await (await $("logs-export-close")).click();
  });
});
