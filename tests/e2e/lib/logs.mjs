// What the log specs share: the demo API's wall-time format, a local-files datasource for the
// settings file, and the Discover view's search helpers (query, wait for the answer, read the
// hit count).

import { waitFor } from "./harness.mjs";

/** `%Y-%m-%d %H:%M:%S` in this machine's wall time, as the demo API writes its log lines. */
export function wallTime(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A `local_files` log datasource reading `paths`, for `settingsFor(stack, { extraDatasources })`. */
export function localFilesDatasource({ id, name, paths }) {
  return `
[[datasources]]
id = "${id}"
name = "${name}"
kind = "local_files"
url = ""
timeout_ms = 10000

[datasources.logs]
paths = [${paths.map((path) => `"${path}"`).join(", ")}]
time_field = ""
`;
}

/**
 * The Discover view's search helpers. `browser` is a function returning the current WebDriver
 * browser (the suites start their app in `before`, after these helpers are made).
 */
export function discover(browser) {
  const $ = (sel) => browser().$(`[data-testid="${sel}"]`);
  /** The number of the last search the view answered, or -1 before the first. */
  const generation = async () => {
    const summary = await $("logs-summary");
    return (await summary.isExisting()) ? Number(await summary.getAttribute("data-generation")) : -1;
  };
  /** Waits for a search newer than generation `after` and returns its shown hit count. */
  async function searched(after) {
    await waitFor("the search to answer", async () => (await generation()) > after, { timeoutMs: 30_000 });
    const hits = await $("logs-hits");
    return { total: Number(await hits.getAttribute("data-value")), exact: (await hits.getAttribute("data-exact")) === "true", text: await hits.getText() };
  }
  /** Types `text` into the Lucene bar, presses Enter and returns the answer's hit count. */
  async function runQuery(text) {
    const before = await generation();
    await (await $("logs-query")).setValue(text);
    await browser().keys(["Enter"]);
    return searched(before);
  }
  return { $, generation, searched, runQuery };
}
