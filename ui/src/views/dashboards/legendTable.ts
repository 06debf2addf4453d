// The time-series legend as Grafana draws it: which series are hidden, and the calculations
// (min / max / mean / last ...) the panel asks for in `options.legend.calcs`.

import type { Panel } from "../../lib/bindings";
import { seriesColor, type ChartSeries } from "../../lib/charts/align";
import { reduce } from "./values";

/** Calculations the legend can show, in Grafana's ids; others in the JSON are ignored. */
export const LEGEND_CALCS = ["min", "max", "mean", "last", "lastNotNull", "first", "firstNotNull", "sum"] as const;
export type LegendCalc = (typeof LEGEND_CALCS)[number];

export interface LegendOptions {
  show: boolean;
  calcs: LegendCalc[];
}

export function legendOptions(panel: Panel): LegendOptions {
  const legend = panel.options?.legend as { showLegend?: unknown; calcs?: unknown } | undefined;
  const calcs = Array.isArray(legend?.calcs)
    ? legend.calcs.filter((c): c is LegendCalc => (LEGEND_CALCS as readonly unknown[]).includes(c))
    : [];
  return { show: legend?.showLegend !== false, calcs };
}

export interface LegendRow {
  index: number;
  name: string;
  color: string;
  hidden: boolean;
  /** One value per requested calculation, null where the series has no number. */
  stats: Array<number | null>;
}

/** Rows of the legend, every series with its fixed colour (hiding one must not recolour others). */
export function legendRows(series: readonly ChartSeries[], calcs: readonly LegendCalc[], hidden: ReadonlySet<number>): LegendRow[] {
  return series.map((s, index) => ({
    index,
    name: s.name,
    color: s.color ?? seriesColor(index),
    hidden: hidden.has(index),
    stats: calcs.map((calc) => reduce(s.values, calc)),
  }));
}

/** The series the chart draws: the visible ones, each keeping the colour the legend shows. */
export function visibleSeries(series: readonly ChartSeries[], hidden: ReadonlySet<number>): ChartSeries[] {
  return series.flatMap((s, index) => (hidden.has(index) ? [] : [{ ...s, color: s.color ?? seriesColor(index) }]));
}

/**
 * Grafana's clicks: a plain click shows only that series (or all again when it already was the
 * only one); Ctrl/Cmd/Shift-click toggles just that one.
 */
export function clickLegend(hidden: ReadonlySet<number>, count: number, index: number, toggle: boolean): Set<number> {
  if (toggle) {
    const next = new Set(hidden);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    return next;
  }
  const onlyThis = !hidden.has(index) && hidden.size === count - 1;
  if (onlyThis) return new Set();
  return new Set([...Array(count).keys()].filter((i) => i !== index));
}
