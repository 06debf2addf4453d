// A legend of a thousand series stays a short list: past a few rows it gets a filter box, and it
// renders at most a page of rows (the rest are counted, and found by typing).

import type { LegendRow } from "./legendTable";

/** From this many series the legend offers a filter box. */
export const LEGEND_FILTER_FROM = 20;
/** Rows rendered at most; more would cost the page far more than anyone reads. */
export const LEGEND_ROWS_MAX = 100;

/** The rows whose name contains every word of `text` (case-insensitive), at most `max` of them,
 * and how many more matched. */
export function filterLegend(rows: readonly LegendRow[], text: string, max = LEGEND_ROWS_MAX): { rows: LegendRow[]; more: number } {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = words.length === 0 ? rows : rows.filter((r) => words.every((w) => r.name.toLowerCase().includes(w)));
  return { rows: matching.slice(0, max), more: Math.max(0, matching.length - max) };
}

/**
 * The height (px) the legend keeps while a filter narrows it: the height it had when the filter
 * began, so the chart above does not grow and shrink (and redraw every series) at each
 * keystroke; null once the filter is empty again. `held` is the height held so far.
 */
export function heldLegendHeight(held: number | null, previousFilter: string, nextFilter: string, heightNow: number): number | null {
  if (nextFilter.trim() === "") return null;
  return previousFilter.trim() === "" || held === null ? heightNow : held;
}
