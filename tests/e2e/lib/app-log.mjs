// The app's own log, as the benchmarks and the specs read it: where the app under test (home =
// the harness's HOME for it) writes it, every file's lines in order.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function appLogLines(home) {
  const logDir = join(home, "data", "app.hinomi.console", "logs");
  if (!existsSync(logDir)) return [];
  return readdirSync(logDir)
    .sort()
    .flatMap((file) => readFileSync(join(logDir, file), "utf8").split("\n"));
}

/** The number after `name=` on `line` (tracing's key=value fields), NaN when it is not there. */
export function logField(line, name) {
  return Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);
}

/** The log's lines containing `text`, in order. */
export function appLogLinesWith(home, text) {
  return appLogLines(home).filter((line) => line.includes(text));
}
