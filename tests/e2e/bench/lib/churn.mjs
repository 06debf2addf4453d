// What the churn benchmarks (refresh-churn.mjs, visit-churn.mjs) read from a run: JavaScriptCore's
// optimising compiles so far, and the floors of the web process's memory.

/** How many functions JavaScriptCore's DFG and FTL have compiled so far, from the lines
 * `Optimized <name#hash>:[…] using <mode> with DFG|FTL into …` it writes to the web process's
 * stderr. */
export function compilesReported(log) {
  const count = (tier) => log.split("\n").filter((line) => line.startsWith("Optimized ") && line.includes(` with ${tier} into `)).length;
  return [count("DFG"), count("FTL")];
}

/** The floor (lowest sample) of each whole 2-minute window of the web process's anonymous memory
 * + heap, and its growth from the 2–4 minute window to the last: the first two minutes are the
 * JIT warming up (its code and profiles), which every arm with the JIT on climbs through, so
 * counting from them reads that warm-up as growth. */
export function floorSummary(rows, header) {
  const memoryColumn = header.split(",").indexOf("web_anonymous_and_heap_mib");
  const last = Number(rows.at(-1)?.[0] ?? 0);
  const windows = [];
  for (const row of rows) {
    const minute = Number(row[0]);
    const w = Math.floor(minute / 2);
    if ((w + 1) * 2 > last + 0.2) continue; // a window the run did not finish
    windows[w] = Math.min(windows[w] ?? Infinity, Number(row[memoryColumn]));
  }
  const floors = windows.filter((f) => f !== undefined);
  const growth = floors.length > 2 ? (floors.at(-1) - floors[1]).toFixed(1) : "n/a";
  return `floors per 2 min (MiB): ${floors.map((f) => f.toFixed(1)).join(" ")}; 2–4 min → last: ${growth} MiB`;
}
