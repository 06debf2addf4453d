// PromQL autocomplete without a parser: from the text before the cursor, what is being typed (a
// metric or function, a label name, a label value) and what to offer for it.

import type { PromqlCatalog } from "../../lib/bindings";

export type CompletionContext =
  | { kind: "metric"; prefix: string; from: number }
  | { kind: "label_name"; prefix: string; from: number; metric: string | null }
  | { kind: "label_value"; prefix: string; from: number; metric: string | null; label: string }
  | { kind: "none" };

export interface Suggestion {
  kind: "metric" | "function" | "label_name" | "label_value";
  /** What is inserted in place of the prefix. */
  text: string;
  /** Metric type or help, shown beside. */
  detail: string;
}

const IDENT_TAIL = /[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_TAIL = /[a-zA-Z_][a-zA-Z0-9_]*$/;
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)$/;

/** Where the innermost unclosed `{` is (ignoring strings), or -1. */
function openBrace(text: string): number {
  let quote: string | null = null;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "{") open = i;
    else if (c === "}") open = -1;
  }
  return open;
}

/** The quote character of an unclosed string at the end of `text`, and where it starts. */
function openString(text: string): number {
  let quote: string | null = null;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === "`") {
      quote = c;
      start = i;
    }
  }
  return quote ? start : -1;
}

/** Inside `[5m]` or after a number nothing is offered. */
function inRange(text: string): boolean {
  return text.lastIndexOf("[") > text.lastIndexOf("]");
}

export function completionContext(text: string, cursor: number): CompletionContext {
  const before = text.slice(0, cursor);
  const brace = openBrace(before);
  const metricBefore = (at: number) => IDENT_TAIL.exec(before.slice(0, at).trimEnd())?.[0] ?? null;
  const string = openString(before);
  if (string >= 0) {
    if (brace < 0) return { kind: "none" };
    const m = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*$/.exec(before.slice(0, string));
    if (!m) return { kind: "none" };
    return { kind: "label_value", label: m[1]!, prefix: before.slice(string + 1), from: string + 1, metric: metricBefore(brace) };
  }
  if (inRange(before)) return { kind: "none" };
  if (brace >= 0) {
    const inside = before.slice(brace + 1);
    // After `label=` (no quote yet) or inside a finished matcher: nothing.
    if (/(=~|!~|!=|=)\s*$/.test(inside)) return { kind: "none" };
    const tail = LABEL_TAIL.exec(inside)?.[0] ?? "";
    const lead = inside.slice(0, inside.length - tail.length);
    if (lead.trim() !== "" && !/,\s*$/.test(lead)) return { kind: "none" };
    return { kind: "label_name", prefix: tail, from: cursor - tail.length, metric: metricBefore(brace) };
  }
  const grouping = GROUPING.exec(before);
  if (grouping) {
    const tail = LABEL_TAIL.exec(grouping[1]!)?.[0] ?? "";
    return { kind: "label_name", prefix: tail, from: cursor - tail.length, metric: null };
  }
  const tail = IDENT_TAIL.exec(before)?.[0] ?? "";
  // A number or a duration is not a name (`5m`, `0.95`).
  if (tail === "" || /[0-9.]$/.test(before.slice(0, cursor - tail.length))) return { kind: "none" };
  return { kind: "metric", prefix: tail, from: cursor - tail.length };
}

/** Names starting with the prefix first, then containing it; case-insensitive; at most `limit`. */
function rank<T>(items: readonly T[], name: (item: T) => string, prefix: string, limit: number): T[] {
  const p = prefix.toLowerCase();
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const n = name(item).toLowerCase();
    if (n === p) continue;
    if (n.startsWith(p)) starts.push(item);
    else if (p !== "" && n.includes(p)) contains.push(item);
  }
  return [...starts, ...contains].slice(0, limit);
}

export function suggestions(
  ctx: CompletionContext,
  catalog: PromqlCatalog | null,
  labelValues: readonly string[] | null,
  limit = 30,
): Suggestion[] {
  switch (ctx.kind) {
    case "none":
      return [];
    case "metric": {
      if (!catalog) return [];
      const functions = rank(catalog.functions, (f) => f, ctx.prefix, 10).map(
        (f): Suggestion => ({ kind: "function", text: f, detail: "function" }),
      );
      const metrics = rank(catalog.metrics, (m) => m.name, ctx.prefix, limit).map(
        (m): Suggestion => ({ kind: "metric", text: m.name, detail: [m.metric_type, m.help].filter(Boolean).join(" · ") }),
      );
      return [...functions, ...metrics].slice(0, limit);
    }
    case "label_name":
      return catalog
        ? rank(catalog.label_names.filter((l) => l !== "__name__"), (l) => l, ctx.prefix, limit).map(
            (l): Suggestion => ({ kind: "label_name", text: l, detail: "label" }),
          )
        : [];
    case "label_value":
      return rank(labelValues ?? [], (v) => v, ctx.prefix, limit).map(
        (v): Suggestion => ({ kind: "label_value", text: v, detail: ctx.label }),
      );
  }
}

/** The text with the suggestion in place of the prefix, and where the cursor goes. */
export function applySuggestion(
  text: string,
  cursor: number,
  ctx: Exclude<CompletionContext, { kind: "none" }>,
  suggestion: Suggestion,
): { text: string; cursor: number } {
  let insert = suggestion.text;
  if (suggestion.kind === "function") insert += "(";
  else if (suggestion.kind === "label_name" && ctx.kind === "label_name" && /^\s*$/.test(text.slice(cursor, cursor + 1)) && openBrace(text.slice(0, cursor)) >= 0)
    insert += '="';
  else if (suggestion.kind === "label_value") insert = insert.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const next = text.slice(0, ctx.from) + insert + text.slice(cursor);
  return { text: next, cursor: ctx.from + insert.length };
}
