import { afterEach, describe, expect, it, vi } from "vitest";
import { alignSeries } from "./align";

const f64 = (xs: number[]) => new Float64Array(xs);

describe("alignSeries", () => {
  it("hands series on one grid over without copying", () => {
    const ts = f64([10, 20, 30]);
    const a = f64([1, 2, 3]);
    const b = f64([4, 5, 6]);
    const [x, ya, yb] = alignSeries([
      { name: "a", timestamps: ts, values: a },
      { name: "b", timestamps: f64([10, 20, 30]), values: b },
    ]);
    expect(x).toBe(ts);
    expect(ya).toBe(a);
    expect(yb).toBe(b);
  });

  it("hands a shared grid over as is, copying only a column with gaps (NaN → null)", () => {
    const grid = f64([10, 20, 30]);
    const full = f64([1, 2, 3]);
    const [x, ya, yb] = alignSeries([
      { name: "a", timestamps: grid, values: full },
      { name: "b", timestamps: grid, values: f64([4, NaN, 6]) },
    ]);
    expect(x).toBe(grid);
    expect(ya).toBe(full);
    expect(Array.from(yb!)).toEqual([4, null, 6]);
  });

  it("merges series with different timestamps, null where one has no point", () => {
    const table = alignSeries([
      { name: "a", timestamps: f64([10, 20]), values: f64([1, 2]) },
      { name: "b", timestamps: f64([20, 30]), values: f64([5, 6]) },
    ]);
    expect(table).toEqual([
      [10, 20, 30],
      [1, 2, null],
      [null, 5, 6],
    ]);
  });

  it("draws a series across another query's times, and breaks it where it misses one of its own", () => {
    // A: every 10 s, nothing at 20 (Prometheus had no sample); B: every 15 s.
    const table = alignSeries([
      { name: "a", timestamps: f64([0, 10, 30, 40]), values: f64([1, 2, 3, 4]), step: 10 },
      { name: "b", timestamps: f64([0, 15, 30, 45]), values: f64([5, 6, 7, 8]), step: 15 },
    ]);
    expect(table[0]).toEqual([0, 10, 15, 20, 30, 40, 45]);
    // undefined: uPlot draws across it; null: the line breaks.
    expect(table[1]).toEqual([1, 2, undefined, null, 3, 4, undefined]);
    expect(table[2]).toEqual([5, undefined, 6, undefined, 7, undefined, 8]);
  });

  it("draws a downsampled series across every time it lacks, and keeps its NaN as a gap", () => {
    const table = alignSeries([
      { name: "m4", timestamps: f64([0, 7, 31]), values: f64([1, NaN, 3]), step: null },
      { name: "b", timestamps: f64([0, 15, 30]), values: f64([5, 6, 7]), step: 15 },
    ]);
    expect(table[0]).toEqual([0, 7, 15, 30, 31]);
    expect(table[1]).toEqual([1, null, undefined, undefined, 3]);
  });

  it("copies when a value is NaN or infinite, which uPlot would draw as a point", () => {
    const table = alignSeries([{ name: "a", timestamps: f64([10, 20, 30]), values: f64([1, NaN, Infinity]) }]);
    expect(table).toEqual([
      [10, 20, 30],
      [1, null, null],
    ]);
  });

  it("copies when timestamps are not ascending", () => {
    const table = alignSeries([{ name: "a", timestamps: f64([20, 10]), values: f64([2, 1]) }]);
    expect(table).toEqual([
      [10, 20],
      [1, 2],
    ]);
  });
});

describe("uPlot with the frame's Float64Array columns", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("draws them: scales from the typed values, finite line coordinates", async () => {
    // jsdom has no canvas: a 2D context that records lineTo and ignores the rest.
    const lines: Array<[number, number]> = [];
    const ctx = new Proxy({} as Record<string | symbol, unknown>, {
      get: (target, key) => {
        if (key in target) return target[key];
        if (key === "measureText") return () => ({ width: 10 });
        return () => {};
      },
      set: (target, key, value) => ((target[key] = value), true),
    });
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
    const path = vi.fn();
    vi.stubGlobal(
      "Path2D",
      class {
        moveTo() {}
        lineTo(x: number, y: number) {
          lines.push([x, y]);
        }
        rect() {}
        arc() {}
        closePath() {}
        addPath = path;
      },
    );
    vi.stubGlobal("matchMedia", () => ({ matches: false, addEventListener() {}, removeEventListener() {} }));
    const { default: UPlot } = await import("uplot");
    const ts = f64([100, 200, 300, 400]);
    const ys = f64([5, 7, 6, 9]);
    const data = alignSeries([{ name: "a", timestamps: ts, values: ys }]);
    const el = document.createElement("div");
    document.body.append(el);
    const plot = new UPlot(
      { width: 400, height: 200, scales: { x: { time: true, min: 100, max: 400 } }, series: [{}, { stroke: "red" }] },
      data as [Float64Array, Float64Array],
      el,
    );
    // uPlot sets its scales and draws in a microtask after the constructor.
    await Promise.resolve();
    expect(plot.data[0]).toBe(ts);
    expect(plot.data[1]).toBe(ys);
    expect(plot.scales.y?.min).toBeLessThanOrEqual(5);
    expect(plot.scales.y?.max).toBeGreaterThanOrEqual(9);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
    plot.destroy();
    el.remove();
  });
});
