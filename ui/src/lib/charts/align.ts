// Series with their own timestamps → uPlot's aligned table: one shared x column (seconds) and
// one y column per series, null where a series has no point at that time; the frame's own
// Float64Array columns when they already are such a table.

export interface ChartSeries {
  name: string;
  /** A fixed CSS colour (a panel override); the palette's otherwise. */
  color?: string | null;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** uPlot's table: the x column, then one y column per series (null: no point there). */
export type AlignedColumns = [ArrayLike<number>, ...Array<ArrayLike<number | null>>];

/**
 * The series as uPlot's aligned table. When every series already has the same timestamps
 * (ascending) and only finite values, the common case of one range query, the columns are handed
 * over as they are (the frame's `Float64Array` views, no copy). Series of a shared-grid frame (one
 * timestamps array for all) keep that too, and only a column with NaN/Inf (its gaps on the grid)
 * is copied, with null there. Otherwise they are merged onto one x column with null where a
 * series has no point or a NaN/Inf one.
 */
export function alignSeries(series: readonly ChartSeries[]): AlignedColumns {
  if (sharesOneGrid(series) && (onOneGridArray(series) || series.every((s) => allFinite(s.values)))) {
    return [series[0]!.timestamps, ...series.map((s) => withNullGaps(s.values))];
  }
  const all = new Set<number>();
  for (const s of series) for (let i = 0; i < s.timestamps.length; i++) all.add(s.timestamps[i]!);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const columns = series.map((s) => {
    const column: Array<number | null> = new Array<number | null>(xs.length).fill(null);
    for (let i = 0; i < s.timestamps.length; i++) {
      const v = s.values[i]!;
      column[index.get(s.timestamps[i]!)!] = Number.isFinite(v) ? v : null;
    }
    return column;
  });
  return [xs, ...columns];
}

/** True when every series has the same ascending timestamps (uPlot's one x column). */
function sharesOneGrid(series: readonly ChartSeries[]): boolean {
  const xs = series[0]?.timestamps;
  if (!xs) return false;
  for (let i = 1; i < xs.length; i++) if (!(xs[i]! > xs[i - 1]!)) return false;
  for (const s of series) {
    if (s.timestamps.length !== xs.length || s.values.length !== xs.length) return false;
    if (s.timestamps !== xs) for (let i = 0; i < xs.length; i++) if (s.timestamps[i] !== xs[i]) return false;
  }
  return true;
}

/** Several series holding the very same timestamps array: a shared-grid frame's. */
function onOneGridArray(series: readonly ChartSeries[]): boolean {
  return series.length > 1 && series.every((s) => s.timestamps === series[0]!.timestamps);
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/** The column itself when all its values are finite; else a copy with null (uPlot's gap) for
 * NaN/Inf, which uPlot would otherwise draw as a point. */
function withNullGaps(values: ArrayLike<number>): ArrayLike<number | null> {
  if (allFinite(values)) return values;
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}

/** Grafana's classic palette, in order. */
export const PALETTE = [
  "#7eb26d",
  "#eab839",
  "#6ed0e0",
  "#ef843c",
  "#e24d42",
  "#1f78c1",
  "#ba43a9",
  "#705da0",
  "#508642",
  "#cca300",
  "#447ebc",
  "#c15c17",
] as const;

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Where a chart's plotting area sits: CSS px from the chart's left and right edges. Charts
 * stacked over one time axis (a panel and its log-volume lane) share it to line up. */
export interface PlotBox {
  left: number;
  right: number;
}
