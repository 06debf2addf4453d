// What every uPlot chart here shares: loading uPlot on first draw, redrawing when the data or the
// size changes (dropping a draw a newer one overtook), destroying the plot with the component,
// the axis colours, and drag-to-select a time range.

import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { onDestroy } from "svelte";

export type UPlotClass = typeof uPlot;

export interface PlotSpec {
  /** Width and height come from the element's size. */
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
}

let loading: Promise<UPlotClass> | null = null;

/** One import of uPlot for every chart, however many start drawing at once. */
function loadUPlot(): Promise<UPlotClass> {
  loading ??= import("uplot").then(
    (m) => m.default,
    (error: unknown) => {
      loading = null; // the next draw tries again
      throw error;
    },
  );
  return loading;
}

export interface PlotTarget {
  el: HTMLElement | undefined;
  width: number;
  height: number;
  /** Whatever the plot is drawn from: read here so that a change redraws it. */
  redrawOn: readonly unknown[];
}

export interface PlotCallbacks {
  /** A draw begins (uPlot may still have to load). */
  drawing?: () => void;
  /** The plot is in the page; `current()` turns false once a newer draw begins. */
  drawn?: (plot: uPlot, current: () => boolean) => void;
}

/**
 * Draws `build`'s plot into `target().el` once it has a size, and again whenever the size or
 * `redrawOn` changes: rebuilding is cheap next to the query that produced the data. Call it while
 * the component initialises. uPlot is imported on the first draw: it reads window.matchMedia on
 * import, and the app should not pay for it at start-up.
 */
export function drawPlot(
  target: () => PlotTarget,
  build: (UPlot: UPlotClass, width: number, height: number) => PlotSpec,
  callbacks: PlotCallbacks = {},
): void {
  let plot: uPlot | null = null;
  let latest = 0;

  async function draw(el: HTMLElement, width: number, height: number) {
    const mine = ++latest;
    callbacks.drawing?.();
    const UPlot = await loadUPlot();
    if (mine !== latest) return;
    plot?.destroy();
    const { options, data } = build(UPlot, width, height);
    plot = new UPlot({ ...options, width, height }, data, el);
    callbacks.drawn?.(plot, () => mine === latest);
  }

  $effect(() => {
    const { el, width, height } = target();
    if (el && width > 0 && height > 0) void draw(el, width, height);
  });

  onDestroy(() => {
    latest++; // a draw still loading uPlot must not create a plot nobody destroys
    plot?.destroy();
    plot = null;
  });
}

/** Axis and grid colours, readable on the light and the dark theme. */
export const plotColors = {
  axis: "#8a93a3",
  grid: "rgba(128,128,128,0.15)",
  ticks: "rgba(128,128,128,0.3)",
} as const;

/** Dragging selects a time range (the scale itself stays); a shared `syncKey` shares the crosshair. */
export function dragCursor(syncKey: string | undefined, more: uPlot.Cursor = {}): uPlot.Cursor {
  return { drag: { x: true, y: false, setScale: false }, ...more, ...(syncKey ? { sync: { key: syncKey } } : {}) };
}

/**
 * A setSelect hook: a drag wider than 5 px hands its range (x-scale units, seconds on a time axis)
 * to the handler `handler()` returns at that moment, and clears the selection box. Without a
 * handler the box stays.
 */
export function onRangeSelected(handler: () => ((from: number, to: number) => void) | undefined) {
  return (u: uPlot): void => {
    const pick = handler();
    if (u.select.width > 5 && pick) {
      const from = u.posToVal(u.select.left, "x");
      const to = u.posToVal(u.select.left + u.select.width, "x");
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      pick(from, to);
    }
  };
}
