// The Discover view's rules that need no backend: filter pills, the query bar's field
// autocomplete, the hit count as shown, level colours, what a pinned excerpt holds, and how an
// alert's labels become filters.

import type { EvidenceData, LogLine } from "../../lib/bindings";
import type { FieldTopValues, HitCount, LogField, LogFilter, LogHit, LogQuery, LogWindow } from "../../lib/bindings";
import { visibleControls } from "../../lib/text/visibleControls";

/** The table's columns when the user has chosen none (the seed's log format). */
export const DEFAULT_COLUMNS: readonly string[] = ["level", "message"];

/** Where the histogram's and the table's time comes from in every hit; not a field column. */
export const TIME_COLUMN = "@time";

export function sameFilterTarget(a: LogFilter, b: LogFilter): boolean {
  if (a.kind !== b.kind || a.field !== b.field) return false;
  return a.kind === "exists" || (b.kind === "is" && a.value === b.value);
}

/**
 * Adds a filter pill. The same field and value already there is replaced (so "filter out" on a
 * value that is filtered for flips it instead of adding a contradiction).
 */
export function withFilter(filters: readonly LogFilter[], filter: LogFilter): LogFilter[] {
  const at = filters.findIndex((f) => sameFilterTarget(f, filter));
  if (at < 0) return [...filters, filter];
  return filters.map((f, i) => (i === at ? filter : f));
}

export function toggleNegate(filters: readonly LogFilter[], index: number): LogFilter[] {
  return filters.map((f, i) => (i === index ? { ...f, negate: !f.negate } : f));
}

export function withoutFilter(filters: readonly LogFilter[], index: number): LogFilter[] {
  return filters.filter((_, i) => i !== index);
}

/** Lucene text of a filter, as Kibana shows a pill and as a pinned excerpt records it. */
export function filterText(filter: LogFilter): string {
  const not = filter.negate ? "NOT " : "";
  if (filter.kind === "exists") return `${not}${filter.field}:*`;
  return `${not}${filter.field}:${quote(filter.value)}`;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The query bar and the filters as one Lucene expression (what a pin or a report shows). */
export function describeQuery(query: string, filters: readonly LogFilter[]): string {
  const parts = [query.trim() === "" ? "" : filters.length > 0 ? `(${query.trim()})` : query.trim(), ...filters.map(filterText)];
  const text = parts.filter((p) => p !== "").join(" AND ");
  return text === "" ? "*" : text;
}

/** "1,234" or "10,000+" (a lower bound is never shown as an exact count). */
export function hitCountText(count: HitCount, format: (n: number) => string): string {
  return count.exact ? format(count.value) : `${format(count.value)}+`;
}

export type LevelTone = "error" | "warn" | "info" | "debug" | "none";

export function levelTone(level: string | null | undefined): LevelTone {
  switch ((level ?? "").toUpperCase()) {
    case "FATAL":
    case "CRITICAL":
    case "ERROR":
    case "ERR":
      return "error";
    case "WARN":
    case "WARNING":
      return "warn";
    case "INFO":
    case "NOTICE":
      return "info";
    case "DEBUG":
    case "TRACE":
      return "debug";
    default:
      return "none";
  }
}

/** The text shown for a column of a hit: the flattened field, or nothing. */
export function cellText(hit: LogHit, column: string): string {
  if (column === "level") return hit.fields.level ?? hit.fields["log.level"] ?? hit.level ?? "";
  return hit.fields[column] ?? "";
}

/** A top value as a share of the documents counted, 0–100. */
export function share(values: FieldTopValues, count: number): number {
  return values.total > 0 ? (count / values.total) * 100 : 0;
}

// ---- the query bar's autocomplete -------------------------------------------------------------

export interface FieldCompletion {
  /** Where the word being typed starts and ends in the text. */
  from: number;
  to: number;
  prefix: string;
}

const FIELD_CHAR = /[\w.@\-]/;

/**
 * The field name being typed at `cursor`, or null: inside a quoted string, after a `:` (that is
 * a value) or on an operator there is nothing to complete.
 */
export function fieldCompletion(text: string, cursor: number): FieldCompletion | null {
  let quotes = 0;
  for (let i = 0; i < cursor; i++) if (text[i] === '"' && text[i - 1] !== "\\") quotes++;
  if (quotes % 2 === 1) return null;
  let from = cursor;
  while (from > 0 && FIELD_CHAR.test(text[from - 1]!)) from--;
  let to = cursor;
  while (to < text.length && FIELD_CHAR.test(text[to]!)) to++;
  const prefix = text.slice(from, cursor);
  if (prefix === "" || text[from - 1] === ":") return null;
  if (["AND", "OR", "NOT"].includes(prefix.toUpperCase()) && prefix === prefix.toUpperCase()) return null;
  return { from, to, prefix };
}

/** Field names for a completion: prefix matches first, then names containing it; at most 12. */
export function fieldSuggestions(fields: readonly LogField[], completion: FieldCompletion | null): string[] {
  if (!completion) return [];
  const p = completion.prefix.toLowerCase();
  const names = fields.filter((f) => f.searchable).map((f) => f.name);
  const starts = names.filter((n) => n.toLowerCase().startsWith(p));
  const contains = names.filter((n) => !n.toLowerCase().startsWith(p) && n.toLowerCase().includes(p));
  const all = [...starts, ...contains];
  if (all.length === 1 && all[0] === completion.prefix) return [];
  return all.slice(0, 12);
}

/** Puts `field:` in place of the word being typed; the new text and cursor. */
export function applyField(text: string, completion: FieldCompletion, field: string): { text: string; cursor: number } {
  const after = text.slice(completion.to);
  const insert = after.startsWith(":") ? field : `${field}:`;
  const next = text.slice(0, completion.from) + insert + after;
  return { text: next, cursor: completion.from + insert.length + (after.startsWith(":") ? 1 : 0) };
}

// ---- history -----------------------------------------------------------------------------------

export const HISTORY_KEY = "hinomi.logs.history";
export const HISTORY_LIMIT = 30;

export function withHistoryEntry(history: readonly string[], query: string): string[] {
  if (query.trim() === "") return [...history];
  return [query, ...history.filter((q) => q !== query)].slice(0, HISTORY_LIMIT);
}

// ---- from other views -------------------------------------------------------------------------

/**
 * An alert's labels as filters, for the labels the log index has as fields (directly or as a
 * `.keyword` subfield); labels such as `alertname` or `severity` that logs do not carry are left
 * out rather than filtering everything away.
 */
export function filtersFromLabels(labels: Readonly<Record<string, string>>, fields: readonly LogField[]): LogFilter[] {
  const names = new Set(fields.map((f) => f.name));
  const filters: LogFilter[] = [];
  for (const [label, value] of Object.entries(labels)) {
    if (["alertname", "severity", "__name__"].includes(label)) continue;
    const field = names.has(label) ? label : names.has(`${label}.keyword`) ? `${label}.keyword` : null;
    if (field) filters.push({ kind: "is", field, value, negate: false });
  }
  return filters;
}

/** The histogram bucket under a click: its own span, clipped to the window. */
export function bucketWindow(startMs: number, intervalMs: number, window: LogWindow): LogWindow {
  return { from_ms: Math.max(window.from_ms ?? startMs, startMs), to_ms: Math.min(window.to_ms ?? startMs + intervalMs, startMs + intervalMs) };
}

// ---- pinning ------------------------------------------------------------------------------------

/** Most lines a pin keeps; more selected is recorded as truncated. */
export const PIN_LIMIT = 500;

/** The line as a pinned excerpt shows it: the message, or the whole document when it has none. */
export function lineText(hit: LogHit): string {
  const message = hit.fields.message ?? hit.fields.msg ?? hit.fields.log ?? null;
  const level = cellText(hit, "level");
  if (message === null) return hit.source_json.replace(/\s*\n\s*/g, " ");
  return level ? `${level} ${message}` : message;
}

/** Selected hits as incident evidence, with the query, filters and window that found them. */
export function logExcerpt(
  hits: readonly LogHit[],
  query: LogQuery,
  source: { title: string; datasource: string },
): EvidenceData {
  const kept = [...hits].sort((a, b) => (a.time_ms ?? 0) - (b.time_ms ?? 0)).slice(0, PIN_LIMIT);
  const lines: LogLine[] = kept.map((hit) => ({
    timestamp: hit.time_ms === null ? null : new Date(hit.time_ms).toISOString(),
    text: lineText(hit),
    fields: { ...hit.fields },
  }));
  return {
    kind: "logs",
    title: source.title,
    query: describeQuery(query.query, query.filters),
    datasource: source.datasource,
    range: {
      start: new Date(query.window.from_ms ?? 0).toISOString(),
      end: new Date(query.window.to_ms ?? 0).toISOString(),
      step_seconds: null,
    },
    lines,
    truncated: hits.length > kept.length,
  };
}

// ---- text from outside ------------------------------------------------------------------------

/** Longest text a table cell gets; the expanded document shows the whole line. */
export const CELL_CHARS = 2_000;

/**
 * A value as one table cell: control characters (NUL, ESC of ANSI colours, line breaks) shown
 * as visible symbols, cut at CELL_CHARS so a 1 MB line costs the table nothing.
 */
export function cellDisplay(text: string): string {
  const cut = text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text;
  return visibleControls(cut).replace(/[\n\r]/g, "⏎");
}

// Shared with every view that shows outside text.
export { visibleControls } from "../../lib/text/visibleControls";

/** A hit's time as the table shows it: local `YYYY-MM-DD HH:MM:SS.mmm` (logs need the ms). */
export function logTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** CSS grid columns: select, expand, time, then the chosen fields (message widest). */
export function gridColumns(columns: readonly string[]): string {
  const fields = columns.map((c) => (c === "level" ? "64px" : c === "message" ? "minmax(120px, 4fr)" : "minmax(60px, 1fr)"));
  return ["28px", "22px", "178px", ...fields].join(" ");
}

// ---- export -------------------------------------------------------------------------------------

/** `logs-20261124-153012.ndjson`: a name that sorts by when it was written. */
export function exportFileName(format: "ndjson" | "csv", nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, "0");
  return `logs-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${format}`;
}

/** Share of the export written, 0–100 (100 once done, even when the total grew meanwhile). */
export function exportPercent(progress: { written: number; total: number; done: boolean }): number {
  if (progress.done) return 100;
  if (progress.total <= 0) return 0;
  return Math.min(100, (progress.written / progress.total) * 100);
}

// ---- saved searches -----------------------------------------------------------------------------

/** Ids of the built-in saved searches the UI names in the user's language. */
export const BUILTIN_NAMES = {
  "builtin:errors-last-hour": "logs.saved.builtin.errors",
  "builtin:request-lines": "logs.saved.builtin.request",
} as const;

export function savedName(search: { id: string; name: string; builtin: boolean }, translate: (key: (typeof BUILTIN_NAMES)[keyof typeof BUILTIN_NAMES]) => string): string {
  const key = search.builtin ? BUILTIN_NAMES[search.id as keyof typeof BUILTIN_NAMES] : undefined;
  return key ? translate(key) : search.name;
}
