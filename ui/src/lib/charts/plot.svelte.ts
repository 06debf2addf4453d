// What every uPlot chart here shares: loading uPlot on first draw, redrawing when the data or the
// size changes (dropping a draw a newer one overtook) — in place when the chart's make-up is the
// same, anew otherwise —, destroying the plot with the component, the axis colours, and
// drag-to-select a time range.

import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { onDestroy } from "svelte";

export type UPlotClass = typeof uPlot;

/** A plot's options; width and height come from the element's size. */
export type PlotOptions = Omit<uPlot.Options, "width" | "height">;

export interface PlotSpec {
  /** Called only when a new plot is made: a draw that keeps the plot on screen (same key) has no
   * use for options. */
  options: () => PlotOptions;
  data: uPlot.AlignedData;
  /**
   * What the options were made from that a plot cannot change once made (series count and
   * colours, how lines are drawn, the cursor's sync key…). A draw with the same key as the plot
   * on screen gives it the new data and size in place; without a key every draw makes a new plot.
   * The options' hooks stay the first plot's, so they must read what changes when they run.
   */
  key?: string;
  /** Applied to a kept plot with its new data, in the same batch (e.g. the x range). */
  update?: (plot: uPlot) => void;
}

/** Whether a draw of `next` can update the plot drawn from `drawn` rather than make a new one. */
export function canUpdatePlot(drawn: Pick<PlotSpec, "key"> | null, next: Pick<PlotSpec, "key">): boolean {
  return drawn !== null && drawn.key !== undefined && drawn.key === next.key;
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
 * `redrawOn` changes: with `setData`/`setSize` when the spec's key says the plot's make-up is
 * unchanged (a refresh), else by making a new plot. Call it while
 * the component initialises. uPlot is imported on the first draw: it reads window.matchMedia on
 * import, and the app should not pay for it at start-up.
 */
export function drawPlot(
  target: () => PlotTarget,
  build: (UPlot: UPlotClass, width: number, height: number) => PlotSpec,
  callbacks: PlotCallbacks = {},
): void {
  let plot: uPlot | null = null;
  /** The key, element and size the plot on screen was drawn with. */
  let drawn: { key: string | undefined; el: HTMLElement; width: number; height: number } | null = null;
  let latest = 0;

  async function draw(el: HTMLElement, width: number, height: number) {
    const mine = ++latest;
    callbacks.drawing?.();
    const UPlot = await loadUPlot();
    if (mine !== latest) return;
    const spec = build(UPlot, width, height);
    const kept = plot;
    if (kept && drawn && drawn.el === el && canUpdatePlot(drawn, spec)) {
      const resized = drawn.width !== width || drawn.height !== height;
      kept.batch(() => {
        if (resized) kept.setSize({ width, height });
        kept.setData(spec.data);
        spec.update?.(kept);
      });
    } else {
      plot?.destroy();
      plot = withCpuCanvases(() => new UPlot({ ...spec.options(), width, height }, spec.data, el));
    }
    drawn = { key: spec.key, el, width, height };
    callbacks.drawn?.(plot!, () => mine === latest);
  }

  $effect(() => {
    const { el, width, height } = target();
    if (el && width > 0 && height > 0) void draw(el, width, height);
  });

  onDestroy(() => {
    latest++; // a draw still loading uPlot must not create a plot nobody destroys
    plot?.destroy();
    plot = null;
    drawn = null;
  });
}

/**
 * Runs `make` (which creates canvases and asks for their 2D context, as uPlot's constructor does)
 * with every 2D context asked for `willReadFrequently`, so WebKit keeps that canvas in memory and
 * draws it on the CPU rather than on the GPU (in this app under software OpenGL the GPU canvas's
 * drawing landed in the next frame's rendering update: docs/benchmarks.md, issue 14).
 */
export function withCpuCanvases<T>(make: () => T): T {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  proto.getContext = function (this: HTMLCanvasElement, type: string, options?: Record<string, unknown>) {
    return original.call(this, type, type === "2d" ? { willReadFrequently: true, ...options } : options);
  } as typeof original;
  try {
    return make();
  } finally {
    proto.getContext = original;
  }
}

/** The axes' text: the UI's own family (app.css, --font-ui). uPlot's default lists system-ui and a dozen
 * macOS and Windows names, each a fontconfig match the first time a chart draws. */
export const plotFont = '12px sans-serif, "Noto Sans CJK JP"';

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
