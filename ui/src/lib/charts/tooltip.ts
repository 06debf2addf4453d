// What the hover tooltip of a time-series chart lists: every series' value at the cursor's
// time, highest first (Grafana's "multi, sorted descending"), gaps left out.

import { seriesColor, type ChartSeries } from "./align";

export interface TooltipRow {
  name: string;
  color: string;
  value: number;
}

/**
 * `columns` is uPlot's aligned data without the x column (one array per series, `null` where a
 * series has no sample at that time); `idx` the cursor's index into them. Series `shown` says
 * are not drawn are left out.
 */
export function tooltipRows(
  series: readonly ChartSeries[],
  columns: ReadonlyArray<ArrayLike<number | null | undefined>>,
  idx: number,
  shown: (index: number) => boolean = () => true,
): TooltipRow[] {
  const rows: TooltipRow[] = [];
  series.forEach((s, i) => {
    if (!shown(i)) return;
    const value = columns[i]?.[idx];
    if (value === null || value === undefined || Number.isNaN(value)) return;
    rows.push({ name: s.name, color: s.color ?? seriesColor(i), value });
  });
  return rows.sort((a, b) => b.value - a.value);
}

/** Where the tooltip box goes: right of the cursor, or left of it near the right edge. */
export function tooltipLeft(cursorLeft: number, chartWidth: number, boxWidth = 220): number {
  return cursorLeft + 12 + boxWidth > chartWidth ? Math.max(0, cursorLeft - 12 - boxWidth) : cursorLeft + 12;
}
