// Explore's results as the view shows them: an instant answer as table rows, and the line of the
// expression a syntax error is on with a caret under its column.

import type { InstantResult } from "../../lib/bindings";

export type TableRow =
  // NaN arrives as null (JSON has no NaN).
  | { kind: "sample"; labels: Record<string, string>; value: number | null }
  | { kind: "scalar"; value: number | null }
  | { kind: "string"; value: string };

export function tableRows(result: InstantResult): { kind: "rows"; rows: TableRow[] } | { kind: "matrix"; count: number } {
  switch (result.type) {
    case "vector":
      return {
        kind: "rows",
        rows: result.samples.map((s) => ({ kind: "sample" as const, labels: s.labels as Record<string, string>, value: s.value })),
      };
    case "scalar":
      return { kind: "rows", rows: [{ kind: "scalar", value: result.value }] };
    case "string":
      return { kind: "rows", rows: [{ kind: "string", value: result.value }] };
    case "matrix":
      return { kind: "matrix", count: result.series_count };
  }
}

/** The expression's `line` (1-based) and a `^` under `column` (1-based, in characters). */
export function caretLine(expr: string, position: { line: number; column: number }): { line: string; marker: string } | null {
  const line = expr.split("\n")[position.line - 1];
  if (line === undefined) return null;
  const column = Math.max(1, Math.min(position.column, line.length + 1));
  return { line, marker: `${" ".repeat(column - 1)}^` };
}
