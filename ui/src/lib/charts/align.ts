// Series with their own timestamps → uPlot's aligned table: one shared x column (seconds) and
// one y column per series, null where a series has no point at that time.

export interface ChartSeries {
  name: string;
  /** A fixed CSS colour (a panel override); the palette's otherwise. */
  color?: string | null;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

export function alignSeries(series: readonly ChartSeries[]): [number[], ...Array<Array<number | null>>] {
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
