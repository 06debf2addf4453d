// Series with their own timestamps → uPlot's aligned table: one shared x column (seconds) and
// one y column per series; the frame's own Float64Array columns when they already are such a
// table. uPlot reads the two kinds of "no value" apart, as Grafana's joins use them: null is a gap
// (the line breaks), undefined is a time that belongs to another series (the line goes across).

export interface ChartSeries {
  name: string;
  /** A fixed CSS colour (a panel override); the palette's otherwise. */
  color?: string | null;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
  /**
   * Seconds between the evaluation times of the range query this series came from, when the
   * series has a point at each of them where it has data (it was not downsampled): merged with
   * series on another grid, a time of its own grid without a point is a gap, any other time is
   * another series' and the line goes across it. `null`: its times are on no one step
   * (downsampled): every time it lacks is another series'. Absent: every time it lacks is a gap.
   */
  step?: number | null;
}

/** uPlot's table: the x column, then one y column per series (null: a gap there; undefined:
 * another series' time, drawn across). */
export type AlignedColumns = [ArrayLike<number>, ...Array<ArrayLike<number | null | undefined>>];

/**
 * The series as uPlot's aligned table. When every series already has the same timestamps
 * (ascending) and only finite values, the common case of one range query, the columns are handed
 * over as they are (the frame's `Float64Array` views, no copy). Series of a shared-grid frame (one
 * timestamps array for all) keep that too, and only a column with NaN/Inf (its gaps on the grid)
 * is copied, with null there. Otherwise they are merged onto one x column: null where a series
 * has a NaN/Inf point or misses one of its own evaluation times, undefined at the other series'
 * times (see `ChartSeries.step`).
 */
export function alignSeries(series: readonly ChartSeries[]): AlignedColumns {
  if (sharesOneGrid(series) && (onOneGridArray(series) || series.every((s) => allFinite(s.values)))) {
    return [series[0]!.timestamps, ...series.map((s) => withNullGaps(s.values))];
  }
  const all = new Set<number>();
  for (const s of series) {
    for (let i = 0; i < s.timestamps.length; i++) all.add(s.timestamps[i]!);
    addOwnGaps(s, all);
  }
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const columns = series.map((s) => {
    const missing = missingValue(s);
    const column: Array<number | null | undefined> = xs.map(missing);
    for (let i = 0; i < s.timestamps.length; i++) {
      const v = s.values[i]!;
      column[index.get(s.timestamps[i]!)!] = Number.isFinite(v) ? v : null;
    }
    return column;
  });
  return [xs, ...columns];
}

/** For a series on its own step: the first evaluation time it misses after each point, so its
 * line breaks there even when no other series has a point then. */
function addOwnGaps(s: ChartSeries, times: Set<number>): void {
  const step = s.step;
  if (typeof step !== "number" || !(step > 0)) return;
  for (let i = 1; i < s.timestamps.length; i++) {
    const before = s.timestamps[i - 1]!;
    if (s.timestamps[i]! - before > step * 1.5) times.add(before + step);
  }
}

/** What a series' column holds at a time it has no point: a gap (null) at one of its own
 * evaluation times, another series' time (undefined) otherwise. */
function missingValue(s: ChartSeries): (x: number) => null | undefined {
  if (s.step === undefined) return () => null;
  const step = s.step;
  const origin = s.timestamps[0];
  if (step === null || !(step > 0) || origin === undefined) return () => undefined;
  return (x) => {
    const k = (x - origin) / step;
    return Math.abs(k - Math.round(k)) < 1e-6 ? null : undefined;
  };
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
