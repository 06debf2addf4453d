// The series limit as the UI sees it: how many series an answer left out, and the panel's own
// limit, kept in the panel's Grafana JSON under a Hinomi-only options key.

import type { Panel } from "../../lib/bindings";
import type { PanelResult } from "../../lib/charts/frame";

/** The options key Rust reads (hinomi-dashboards `SERIES_LIMIT_OPTION`); Grafana keeps option
 * keys it does not know, so the limit survives export and import. */
export const SERIES_LIMIT_OPTION = "hinomiSeriesLimit";

/** The limits a user may choose, in the settings and per panel (Rust's `SERIES_LIMIT_RANGE`). */
export const SERIES_LIMIT_MIN = 1;
export const SERIES_LIMIT_MAX = 20_000;

/** "Showing N of M": the series drawn and those the query returned, when a limit left some out. */
export function limitedSeries(result: PanelResult | null | undefined): { shown: number; total: number } | null {
  if (!result) return null;
  let shown = 0;
  let left = 0;
  for (const q of result.queries) {
    shown += q.series.length;
    left += q.truncatedSeries;
  }
  return left > 0 ? { shown, total: shown + left } : null;
}

/** The panel's own series limit, when its options set a usable one. */
export function panelSeriesLimit(panel: Panel): number | null {
  const value = panel.options?.[SERIES_LIMIT_OPTION];
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}

/** A typed limit: a whole number in range, `null` for empty (follow the settings), or
 * `undefined` when it is not a usable limit. */
export function parseSeriesLimit(text: string): number | null | undefined {
  const trimmed = text.trim().replaceAll(",", "");
  if (trimmed === "") return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= SERIES_LIMIT_MIN && n <= SERIES_LIMIT_MAX ? n : undefined;
}
