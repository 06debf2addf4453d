// Annotations on a time-series chart (Grafana's markers and regions): where each one goes on
// the plot, which ones the pointer is over, and their colours. The chart draws them as DOM over
// the canvas: a shaded band or a dashed line that lets the pointer through (drag and crosshair
// keep working), and a small handle on the bottom edge that shows the tooltip.

export interface ChartMark {
  /** Seconds, like the chart's x axis. */
  time: number;
  /** Seconds; `null` (or not after `time`) for a point in time. */
  end: number | null;
  title: string;
  text: string;
  tags: string[];
  color: string;
  /** Which source drew it (a toggle), for tests and styling. */
  source: string;
}

export interface PlacedMark {
  mark: ChartMark;
  /** CSS px from the plotting area's left edge. */
  left: number;
  /** 0 for a point. */
  width: number;
  region: boolean;
}

/**
 * Each mark that touches the visible range [from, to], placed by `toPx` (uPlot's valToPos,
 * seconds → CSS px) and clipped to the plot's `plotWidth`. Regions first so points are drawn
 * over them.
 */
export function placeMarks(marks: readonly ChartMark[], from: number, to: number, toPx: (seconds: number) => number, plotWidth: number): PlacedMark[] {
  const placed: PlacedMark[] = [];
  for (const mark of marks) {
    const end = mark.end !== null && mark.end > mark.time ? mark.end : null;
    if ((end ?? mark.time) < from || mark.time > to) continue;
    const clamp = (px: number) => Math.min(plotWidth, Math.max(0, px));
    if (end === null) {
      placed.push({ mark, left: clamp(toPx(mark.time)), width: 0, region: false });
    } else {
      const left = clamp(toPx(mark.time));
      placed.push({ mark, left, width: Math.max(1, clamp(toPx(end)) - left), region: true });
    }
  }
  return placed.sort((a, b) => Number(b.region) - Number(a.region));
}

/** The marks under the pointer at `x` (CSS px in the plot): inside a region, or within
 * `slack` px of a point. */
export function marksAt(placed: readonly PlacedMark[], x: number, slack = 5): ChartMark[] {
  // The most specific first: points, then the narrowest regions (a long-firing alert, wider
  // than everything else, comes last when the tooltip has room for only a few).
  return placed
    .filter((p) => (p.region ? x >= p.left - slack && x <= p.left + p.width + slack : Math.abs(x - p.left) <= slack))
    .sort((a, b) => (a.region ? a.width : 0) - (b.region ? b.width : 0))
    .map((p) => p.mark);
}

/** The default colour of each source kind: apart from the series palette's first colours. */
export const ANNOTATION_COLORS = {
  alerts: "#f76707",
  incidents: "#ae3ec9",
  prometheus: "#4dabf7",
} as const;

/**
 * A Grafana `iconColor` (a CSS colour or one of Grafana's named colours) as CSS, or the fallback.
 * Anything else is refused so a dashboard file cannot inject style.
 */
export function cssColor(color: string | null | undefined, fallback: string): string {
  if (!color) return fallback;
  const named: Record<string, string> = { red: "#f2495c", green: "#73bf69", blue: "#5794f2", yellow: "#fade2a", orange: "#ff9830", purple: "#b877d9" };
  if (named[color]) return named[color];
  if (/^#[0-9a-fA-F]{3,8}$/.test(color)) return color;
  if (/^rgba?\(\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*(,\s*[\d.]+\s*)?\)$/.test(color)) return color;
  return fallback;
}
