// A node:test reporter that prints, once the run is over, how long each spec file took, longest
// first, so a CI log shows which suites the e2e step's time goes to. Used next to the spec
// reporter (package.json). A file's time is the sum of its outermost tests (its describe block,
// hooks included); starting its process is not counted.

import { relative } from "node:path";

export default async function* durations(source) {
  const files = new Map();
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { file, nesting, details } = event.data;
    if (!file || typeof details?.duration_ms !== "number") continue;
    const entry = files.get(file) ?? { nesting: Infinity, ms: 0, failed: false };
    // Children finish before their parent: an outer level, when it comes, replaces their sum.
    if (nesting < entry.nesting) Object.assign(entry, { nesting, ms: 0 });
    if (nesting === entry.nesting) entry.ms += details.duration_ms;
    if (event.type === "test:fail") entry.failed = true;
    files.set(file, entry);
  }
  if (files.size === 0) return;
  const rows = [...files].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, e]) => sum + e.ms, 0);
  let out = `\nspec file durations (sum ${(total / 1000).toFixed(0)} s):\n`;
  for (const [file, e] of rows) {
    out += `  ${(e.ms / 1000).toFixed(1).padStart(7)} s  ${relative(process.cwd(), file)}${e.failed ? "  (failed)" : ""}\n`;
  }
  yield out;
}
