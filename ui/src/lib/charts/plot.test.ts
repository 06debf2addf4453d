import { render } from "@testing-library/svelte";
import { flushSync } from "svelte";
import type uPlot from "uplot";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { stubResizeObserver } from "../../test-support";
import { canUpdatePlot, dragCursor, onRangeSelected } from "./plot.svelte";
import PlotProbe from "./testing/PlotProbe.svelte";
import TimeSeriesChart from "./TimeSeriesChart.svelte";
import { RASTER_FROM_POINTS } from "./raster";
import { HOVER_POINTS_MAX_SERIES } from "./cursor";

// uPlot itself needs a real layout engine; what drawPlot owes is when plots are made and destroyed.
const made: FakePlot[] = [];
/** What `UPlot.paths.linear()` builds here: a path the test can tell from a raster's null. */
const LINEAR_PATH = { stroke: "linear" };
class FakePlot {
  static paths = { linear: () => () => LINEAR_PATH };
  destroyed = false;
  /** What was done to the plot after it was made, in order. */
  calls: string[] = [];
  /** The cursor layer TimeSeriesChart places its annotations over. */
  over = document.createElement("div");
  /** uPlot's series, x first, with `show` as the plot has it now. */
  series: uPlot.Series[];
  constructor(
    readonly options: uPlot.Options,
    readonly data: uPlot.AlignedData,
    readonly el: HTMLElement,
  ) {
    this.series = options.series.map((s) => ({ show: true, ...s }));
    made.push(this);
  }
  setSeries(i: number | null, opts: { show?: boolean }) {
    this.calls.push(`setSeries ${i} ${opts.show}`);
    this.series.forEach((s, si) => {
      if (si > 0 && (i === null || i === si) && opts.show !== undefined) s.show = opts.show;
    });
  }
  destroy() {
    this.destroyed = true;
  }
  batch(fn: () => void) {
    this.calls.push("batch");
    fn();
  }
  setData(data: uPlot.AlignedData) {
    this.calls.push(`setData ${JSON.stringify(data[1])}`);
  }
  setSize(size: { width: number; height: number }) {
    this.calls.push(`setSize ${size.width}x${size.height}`);
  }
  setScale(key: string, range: { min: number; max: number }) {
    this.calls.push(`setScale ${key} ${range.min}-${range.max}`);
  }
}
vi.mock("uplot", () => ({ default: FakePlot }));

async function settled() {
  // The dynamic import of uplot resolves over a few microtasks.
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await vi.dynamicImportSettled();
}

/** Series of 1,440 points each, just enough of them for a chart past the raster threshold. */
function rasterisedSeries() {
  const xs = Float64Array.from({ length: 1440 }, (_, i) => i * 60);
  return Array.from({ length: Math.ceil(RASTER_FROM_POINTS / 1440) }, (_, i) => ({
    name: `s${i}`,
    timestamps: xs,
    values: Float64Array.from(xs, (x) => x + i),
  }));
}

/** Gives a rendered chart new props and waits for the draw they start. */
async function redraw(view: { rerender: (props: Record<string, unknown>) => Promise<void> }, props: Record<string, unknown>) {
  await view.rerender(props);
  flushSync();
  await settled();
  flushSync();
}

describe("drawPlot", () => {
  beforeEach(() => {
    made.length = 0;
  });

  it("draws nothing until the element has a size", async () => {
    render(PlotProbe, { props: { points: [1], width: 0, height: 50 } });
    await settled();
    expect(made).toEqual([]);
  });

  it("draws at the element's size, and redraws on new data, destroying the old plot", async () => {
    const drawn = vi.fn();
    const view = render(PlotProbe, { props: { points: [1, 2], width: 300, height: 80, ondrawn: drawn } });
    await settled();
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toMatchObject({ width: 300, height: 80 });
    expect(made[0]!.data[1]).toEqual([1, 2]);
    expect(drawn).toHaveBeenCalledWith(made[0]);

    await view.rerender({ points: [3] });
    flushSync();
    await settled();
    expect(made).toHaveLength(2);
    expect(made[0]!.destroyed).toBe(true);
    expect(made[1]!.data[1]).toEqual([3]);
    expect(made[1]!.destroyed).toBe(false);
  });

  it("updates a plot whose key is unchanged in place: new data, new size, the spec's update", async () => {
    const drawn = vi.fn();
    const optionsMade = vi.fn();
    const view = render(PlotProbe, { props: { points: [1, 2], width: 300, height: 80, key: "one line", ondrawn: drawn, onoptions: optionsMade } });
    await settled();
    await view.rerender({ points: [3, 4, 5] });
    flushSync();
    await settled();
    await view.rerender({ width: 400 });
    flushSync();
    await settled();
    expect(made).toHaveLength(1);
    expect(made[0]!.destroyed).toBe(false);
    expect(made[0]!.calls).toEqual(["batch", "setData [3,4,5]", "setScale x 0-3", "batch", "setSize 400x80", "setData [3,4,5]", "setScale x 0-3"]);
    expect(drawn).toHaveBeenCalledTimes(3);
    expect(drawn).toHaveBeenLastCalledWith(made[0]);
    // The kept plot's options are made once, for the plot; the updates have no use for them.
    expect(optionsMade).toHaveBeenCalledTimes(1);
  });

  it("makes a new plot when the key changes", async () => {
    const optionsMade = vi.fn();
    const view = render(PlotProbe, { props: { points: [1, 2], width: 300, height: 80, key: "one line", onoptions: optionsMade } });
    await settled();
    await view.rerender({ points: [3], key: "another make-up" });
    flushSync();
    await settled();
    expect(made).toHaveLength(2);
    expect(made[0]!.destroyed).toBe(true);
    expect(made[0]!.calls).toEqual([]);
    expect(made[1]!.data[1]).toEqual([3]);
    expect(optionsMade).toHaveBeenCalledTimes(2);
  });

  it("keeps only the newest of draws that overlap, and destroys the plot with the component", async () => {
    const view = render(PlotProbe, { props: { points: [1], width: 300, height: 80 } });
    await view.rerender({ points: [2] });
    flushSync();
    await settled();
    expect(made.map((p) => p.data[1])).toEqual([[2]]);

    view.unmount();
    expect(made[0]!.destroyed).toBe(true);
  });

  it("makes no plot for a draw still loading when the component goes", async () => {
    const view = render(PlotProbe, { props: { points: [1], width: 300, height: 80 } });
    view.unmount();
    await settled();
    expect(made).toEqual([]);
  });
});

describe("TimeSeriesChart in its PlotArea", () => {
  const sizes = ["clientWidth", "clientHeight"] as const;
  const originals = sizes.map((p) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, p));
  beforeAll(() => {
    // jsdom has no layout: every element is 500 x 120.
    Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 500 });
    Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 120 });
    stubResizeObserver({ width: 500, height: 120 });
  });
  afterAll(() => sizes.forEach((p, i) => originals[i] && Object.defineProperty(HTMLElement.prototype, p, originals[i])));
  beforeEach(() => {
    made.length = 0;
  });

  it("draws at the area's size into the element that reports what was drawn", async () => {
    const series = [
      { name: "a", timestamps: [1, 2, 3], values: [1, 2, 3] },
      { name: "b", timestamps: [1, 2], values: [4, 5] },
    ];
    const view = render(TimeSeriesChart, { props: { series, from: 0, to: 10, testid: "probe-chart" } });
    await settled();
    flushSync();
    expect(made).toHaveLength(1);
    const plotEl = view.getByTestId("probe-chart");
    expect(made[0]!.el).toBe(plotEl);
    expect(made[0]!.options).toMatchObject({ width: 500, height: 120 });
    expect(plotEl.dataset).toMatchObject({ seriesCount: "2", points: "5", longestSeries: "3", raster: "false" });
  });

  it("updates the plot on a refresh with the same series, and makes a new one when a series goes", async () => {
    const a = { name: "a", timestamps: [1, 2, 3], values: [1, 2, 3] };
    const b = { name: "b", timestamps: [1, 2, 3], values: [4, 5, 6] };
    const view = render(TimeSeriesChart, { props: { series: [a, b], from: 0, to: 10 } });
    await settled();
    flushSync();
    // The refresh: new values and a later window, same series.
    await redraw(view, { series: [a, { ...b, values: [7, 8, 9] }], from: 5, to: 15 });
    expect(made).toHaveLength(1);
    expect(made[0]!.calls).toEqual(["batch", "setData [1,2,3]", "setScale x 5-15"]);

    // A series gone from the answer: one series fewer is a new plot (its make-up changed).
    await view.rerender({ series: [a], from: 5, to: 15 });
    flushSync();
    await settled();
    expect(made).toHaveLength(2);
    expect(made[0]!.destroyed).toBe(true);
  });

  it("switches series the legend hides off and on in the same plot", async () => {
    const a = { name: "a", timestamps: [1, 2, 3], values: [1, 2, 3] };
    const b = { name: "b", timestamps: [1, 2, 3], values: [4, 5, 6] };
    const view = render(TimeSeriesChart, { props: { series: [a, b], hidden: [false, true], from: 0, to: 10, testid: "probe-chart" } });
    await settled();
    flushSync();
    expect(made).toHaveLength(1);
    expect(made[0]!.options.series.map((s) => s.show)).toEqual([undefined, true, false]);
    expect(view.getByTestId("probe-chart").dataset).toMatchObject({ seriesCount: "1", points: "3" });

    await redraw(view, { series: [a, b], hidden: [false, false], from: 0, to: 10 });
    expect(made).toHaveLength(1);
    expect(made[0]!.calls).toEqual(["batch", "setData [1,2,3]", "setScale x 0-10", "setSeries 2 true"]);
    expect(view.getByTestId("probe-chart").dataset).toMatchObject({ seriesCount: "2", points: "6" });
  });

  it("strokes a series isolated from a rasterised chart through uPlot, in the same plot", async () => {
    const series = rasterisedSeries();
    const view = render(TimeSeriesChart, { props: { series, from: 0, to: 1440 * 60, testid: "big-chart" } });
    await settled();
    flushSync();
    const paths = () => made[0]!.options.series[1]!.paths!({} as uPlot, 1, 0, 1);
    expect(paths()).toBeNull();

    await redraw(view, { series, hidden: series.map((_, i) => i !== 0), from: 0, to: 1440 * 60 });
    expect(made).toHaveLength(1);
    expect(view.getByTestId("big-chart").dataset).toMatchObject({ raster: "false", seriesCount: "1", points: "1440" });
    expect(paths()).toBe(LINEAR_PATH);
    expect(made[0]!.series.filter((s) => s.show).length).toBe(2); // x and the isolated one
    // All but one switched off at once, not one uPlot call (a walk of every series) each.
    expect(made[0]!.calls.filter((c) => c.startsWith("setSeries"))).toEqual(["setSeries null false", "setSeries 1 true"]);

    await redraw(view, { series, hidden: [], from: 0, to: 1440 * 60 });
    expect(made).toHaveLength(1);
    expect(view.getByTestId("big-chart").dataset.raster).toBe("true");
    expect(paths()).toBeNull();
    expect(made[0]!.series.every((s) => s.show)).toBe(true);
  });

  it("draws its own hover dots for the few series shown of a chart made without uPlot's", async () => {
    const xs = [0, 60, 120];
    const series = Array.from({ length: HOVER_POINTS_MAX_SERIES + 10 }, (_, i) => ({ name: `s${i}`, timestamps: xs, values: [i, i + 1, i + 2] }));
    const view = render(TimeSeriesChart, { props: { series, from: 0, to: 120, testid: "many-chart" } });
    await settled();
    flushSync();
    const plot = made[0]!;
    expect(plot.options.cursor?.points?.show).toBe(false);
    const hoverAt = (idx: number) => {
      const u = {
        ...plot,
        cursor: { idx, left: 40 },
        bbox: { left: 0 },
        valToPos: (value: number) => 100 - value,
      } as unknown as uPlot;
      plot.options.hooks!.setCursor![0]!(u);
      flushSync();
    };

    hoverAt(1);
    expect(view.queryAllByTestId("chart-hover-dot")).toHaveLength(0); // all 60 shown: none

    await redraw(view, { series, hidden: series.map((_, i) => i !== 3 && i !== 7), from: 0, to: 120 });
    expect(made).toHaveLength(1);
    hoverAt(1);
    const dots = view.getAllByTestId("chart-hover-dot");
    expect(dots.map((d) => [d.style.left, d.style.top])).toEqual([
      ["40px", "96px"],
      ["40px", "92px"],
    ]);
  });

  it("rasterises the lines of a chart past the threshold itself, and strokes none through uPlot", async () => {
    const series = rasterisedSeries();
    const view = render(TimeSeriesChart, { props: { series, from: 0, to: 1440 * 60, testid: "big-chart" } });
    await settled();
    flushSync();
    expect(view.getByTestId("big-chart").dataset.raster).toBe("true");
    const options = made[0]!.options;
    expect(options.hooks?.draw).toHaveLength(1);
    expect(options.series.slice(1).every((s) => s.paths !== undefined && s.paths({} as uPlot, 1, 0, 1) === null)).toBe(true);
  });
});

describe("canUpdatePlot", () => {
  it("updates only a drawn plot with the same, given key", () => {
    expect(canUpdatePlot({ key: "a" }, { key: "a" })).toBe(true);
    expect(canUpdatePlot({ key: "a" }, { key: "b" })).toBe(false);
    expect(canUpdatePlot(null, { key: "a" })).toBe(false);
    expect(canUpdatePlot({ key: undefined }, { key: undefined })).toBe(false);
  });
});

describe("onRangeSelected", () => {
  function selection(width: number) {
    const setSelect = vi.fn();
    const u = { select: { left: 10, width }, posToVal: (px: number) => px * 2, setSelect } as unknown as uPlot;
    return { u, setSelect };
  }

  it("hands a drag's range to the handler and clears the box", () => {
    const picked = vi.fn();
    const { u, setSelect } = selection(40);
    onRangeSelected(() => picked)(u);
    expect(picked).toHaveBeenCalledWith(20, 100);
    expect(setSelect).toHaveBeenCalledWith({ left: 0, top: 0, width: 0, height: 0 }, false);
  });

  it("ignores a drag of 5 px or less, and leaves the box without a handler", () => {
    const picked = vi.fn();
    const small = selection(5);
    onRangeSelected(() => picked)(small.u);
    const noHandler = selection(40);
    onRangeSelected(() => undefined)(noHandler.u);
    expect(picked).not.toHaveBeenCalled();
    expect(small.setSelect).not.toHaveBeenCalled();
    expect(noHandler.setSelect).not.toHaveBeenCalled();
  });
});

describe("dragCursor", () => {
  it("selects along x only and shares the crosshair only under a key", () => {
    expect(dragCursor(undefined)).toEqual({ drag: { x: true, y: false, setScale: false } });
    expect(dragCursor("dash", { points: { show: false } })).toEqual({
      drag: { x: true, y: false, setScale: false },
      points: { show: false },
      sync: { key: "dash" },
    });
  });
});
