// A node:test reporter that prints how long each spec file took, so a CI log shows which suites
// the e2e step's time goes to. Used next to the spec reporter (package.json). A file's time is
// the sum of its outermost tests (its describe block, hooks included); starting its process is
// not counted.
//
// It prints a line as each file's outermost test ends, not one table at the end: with
// --test-force-exit the runner exits as soon as the tests are done, before a reporter's last
// output is written (seen: neither the summary nor the spec reporter's totals reached the log).

import { relative } from "node:path";

export default async function* durations(source) {
  const files = new Map();
  let total = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { file, nesting, details } = event.data;
    if (!file || nesting !== 0 || typeof details?.duration_ms !== "number") continue;
    const ms = (files.get(file) ?? 0) + details.duration_ms;
    files.set(file, ms);
    total += details.duration_ms;
    const failed = event.type === "test:fail" ? ", failed" : "";
    yield `⏱ ${(ms / 1000).toFixed(1)} s  ${relative(process.cwd(), file)}${failed} (e2e so far: ${(total / 1000).toFixed(0)} s)\n`;
  }
}
