// A heatmap's cells from a panel's query results, for Grafana's `calculate: false` (the data is
// already a histogram). Prometheus targets with `format: "heatmap"` are cumulative `le` buckets:
// as Grafana's Prometheus datasource does (transformToHistogramOverTime), they are sorted by
// `le` (`+Inf` last) and each bucket has the one below it subtracted, giving per-bucket counts.
// Other series are taken as buckets as they are, ordered by their upper bound.

import type { Panel } from "../../../lib/bindings";
import type { PanelResult } from "../../../lib/charts/frame";
import { seriesName } from "../legend";

export interface HeatmapBucket {
  /** The bucket's upper bound (`le`), `Infinity` for `+Inf`. */
  upper: number;
  /** The bound below (the previous bucket's `le`); null for the lowest bucket. */
  lower: number | null;
  /** The series name as the legend format gives it. */
  name: string;
}

export interface HeatmapData {
  /** Cell end times (seconds), ascending: each cell covers (time - step, time]. */
  times: Float64Array;
  stepSeconds: number;
  buckets: HeatmapBucket[];
  /** `counts[t * buckets.length + b]`: bucket b at times[t]; NaN where there is no sample. */
  counts: Float64Array;
}

/** A bucket bound as Prometheus writes `le` ("+Inf", "0.25", "1e-3"); NaN when not a number. */
export function parseBound(text: string): number {
  const t = text.trim();
  if (/^\+?inf$/i.test(t)) return Infinity;
  if (/^-inf$/i.test(t)) return -Infinity;
  return t === "" ? NaN : Number(t);
}

interface Row {
  upper: number;
  name: string;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** The targets (by refId) whose results are cumulative Prometheus buckets to de-accumulate. */
function heatmapRefIds(panel: Panel): Set<string> {
  return new Set((panel.targets ?? []).filter((t) => t.format === "heatmap").map((t) => t.refId ?? ""));
}

/** Every time any row has, ascending; the index of each. */
function timeGrid(rows: readonly Row[]): { times: Float64Array; index: Map<number, number> } {
  const all = new Set<number>();
  for (const r of rows) for (let i = 0; i < r.timestamps.length; i++) all.add(r.timestamps[i]!);
  const times = Float64Array.from([...all].sort((a, b) => a - b));
  const index = new Map<number, number>();
  times.forEach((t, i) => index.set(t, i));
  return { times, index };
}

/** The smallest gap between two consecutive times, else the query step. */
function stepOf(times: Float64Array, queryStep: number): number {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, times[i]! - times[i - 1]!);
  return Number.isFinite(step) && step > 0 ? step : queryStep > 0 ? queryStep : 15;
}

export function heatmapData(panel: Panel, result: PanelResult): HeatmapData {
  const cumulative = heatmapRefIds(panel);
  const rows: Row[] = [];
  let deaccumulate = false;
  let queryStep = 0;
  for (const q of result.queries) {
    if (q.series.length === 0) continue;
    queryStep = Math.max(queryStep, q.stepSeconds);
    if (cumulative.has(q.refId)) deaccumulate = true;
    for (const s of q.series) {
      const name = seriesName(s.labels, q.legendFormat);
      const fromLabel = s.labels.le !== undefined ? parseBound(s.labels.le) : NaN;
      const upper = Number.isNaN(fromLabel) ? parseBound(name) : fromLabel;
      rows.push({ upper, name, timestamps: s.timestamps, values: s.values });
    }
  }
  // By bound, +Inf last; rows without a numeric bound keep their order after those with one.
  rows.sort((a, b) => (Number.isNaN(a.upper) ? 1 : 0) - (Number.isNaN(b.upper) ? 1 : 0) || (a.upper - b.upper || 0));
  const { times, index } = timeGrid(rows);
  const width = rows.length;
  const counts = new Float64Array(times.length * width).fill(NaN);
  rows.forEach((r, b) => {
    for (let i = 0; i < r.timestamps.length; i++) {
      const v = r.values[i]!;
      counts[index.get(r.timestamps[i]!)! * width + b] = Number.isFinite(v) ? v : NaN;
    }
  });
  if (deaccumulate) {
    // From the top down, so each subtraction uses the cumulative count below, not a result.
    for (let t = 0; t < times.length; t++) {
      const at = t * width;
      for (let b = width - 1; b > 0; b--) {
        const below = counts[at + b - 1]!;
        if (!Number.isNaN(below) && !Number.isNaN(counts[at + b]!)) counts[at + b] = counts[at + b]! - below;
      }
    }
  }
  const buckets = rows.map((r, b) => ({
    upper: r.upper,
    lower: b > 0 && !Number.isNaN(rows[b - 1]!.upper) ? rows[b - 1]!.upper : null,
    name: r.name,
  }));
  return { times, stepSeconds: stepOf(times, queryStep), buckets, counts };
}

/** `options.filterValues`: cells with values ≤ `le` or ≥ `ge` are not drawn (Grafana hides
 * those ≤ 1e-9 by default, so empty buckets leave no cell). */
export function cellFilter(options: Record<string, unknown> | null | undefined): { le: number; ge: number } {
  const raw = options?.filterValues as { le?: unknown; ge?: unknown } | null | undefined;
  const num = (v: unknown) => (typeof v === "number" && !Number.isNaN(v) ? v : null);
  // Grafana merges the panel's options over its defaults, so a missing `le` is the default too.
  return { le: num(raw?.le) ?? 1e-9, ge: num(raw?.ge) ?? Infinity };
}

/** Whether a cell of this value is drawn. */
export function cellShown(value: number, filter: { le: number; ge: number }): boolean {
  return !Number.isNaN(value) && value > filter.le && value < filter.ge;
}
