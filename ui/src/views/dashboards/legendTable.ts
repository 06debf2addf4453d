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

/**
 * Which series the legend hides, by series name so a refresh that reorders, adds or drops series
 * keeps the person's choice on the right lines (Grafana keys its "hide series" override by name
 * too). `only` is an isolated set: series that appear later stay hidden, as in Grafana.
 */
export interface LegendSelection {
  only: boolean;
  names: ReadonlySet<string>;
}

export const SHOW_ALL: LegendSelection = { only: false, names: new Set() };

export function isHidden(selection: LegendSelection, name: string): boolean {
  return selection.only ? !selection.names.has(name) : selection.names.has(name);
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
export function legendRows(series: readonly ChartSeries[], calcs: readonly LegendCalc[], selection: LegendSelection): LegendRow[] {
  return series.map((s, index) => ({
    index,
    name: s.name,
    color: s.color ?? seriesColor(index),
    hidden: isHidden(selection, s.name),
    stats: calcs.map((calc) => reduce(s.values, calc)),
  }));
}

/** Per series, whether the chart hides it. The chart keeps every series and only switches them
 * on and off, so each keeps its place and colour and bringing them back makes no new plot. */
export function hiddenFlags(series: readonly ChartSeries[], selection: LegendSelection): boolean[] {
  return series.map((s) => isHidden(selection, s.name));
}

/**
 * Grafana's clicks on the series called `name` among the panel's current `names`: a plain click
 * shows only that series (or all again when it already was the only one shown); Ctrl/Cmd/Shift-
 * click toggles just that one.
 */
export function clickLegend(selection: LegendSelection, names: readonly string[], name: string, toggle: boolean): LegendSelection {
  if (toggle) {
    const next = new Set(selection.names);
    // In "only" mode the set lists the shown series, otherwise the hidden ones: flipping `name`
    // is the same set operation either way.
    if (next.has(name)) next.delete(name);
    else next.add(name);
    return { only: selection.only, names: next };
  }
  const shown = new Set(names.filter((n) => !isHidden(selection, n)));
  if (shown.size === 1 && shown.has(name)) return SHOW_ALL;
  return { only: true, names: new Set([name]) };
}
