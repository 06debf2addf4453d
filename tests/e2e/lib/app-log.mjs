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

/**
 * A range query the backend ran, from its log line (`query_range`, the line carrying
 * `first_byte_ms`), or null for any other line: the PromQL as sent, the range and step in
 * seconds, where its time went, and how many parts it was asked in.
 */
export function rangeQueryOf(line) {
  if (!line.includes("query_range ") || !line.includes("first_byte_ms=")) return null;
  const expr = /\bexpr=(".*") start=/.exec(line)?.[1];
  return {
    // The backend logs the expression as a quoted, escaped string.
    expr: expr === undefined ? undefined : JSON.parse(expr),
    start: logField(line, "start"),
    end: logField(line, "end"),
    step: logField(line, "step"),
    firstByteMs: logField(line, "first_byte_ms"),
    downloadMs: logField(line, "download_ms"),
    decodeTailMs: logField(line, "decode_tail_ms"),
    parts: logField(line, "parts"),
  };
}

/** Every range query the backend ran, in order (see `rangeQueryOf`). */
export function rangeQueryLines(home) {
  return appLogLines(home).map(rangeQueryOf).filter((query) => query !== null);
}
