import { afterEach, describe, expect, it, vi } from "vitest";
import { alignSeries } from "./align";
import { HOVER_POINTS_MAX_SERIES, manySeriesCursor } from "./cursor";

// jsdom has no canvas: a 2D context and Path2D that accept every call and draw nothing.
function stubCanvas() {
  const ctx = new Proxy({} as Record<string | symbol, unknown>, {
    get: (target, key) => {
      if (key in target) return target[key];
      if (key === "measureText") return () => ({ width: 10 });
      return () => {};
    },
    set: (target, key, value) => ((target[key] = value), true),
  });
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
  vi.stubGlobal(
    "Path2D",
    class {
      moveTo() {}
      lineTo() {}
      rect() {}
      arc() {}
      closePath() {}
      addPath() {}
    },
  );
  vi.stubGlobal("matchMedia", () => ({ matches: false, addEventListener() {}, removeEventListener() {} }));
}

/** A column that counts how often uPlot reads one of its values. */
function counted(values: Array<number | null | undefined>, reads: { n: number }): Array<number | null | undefined> {
  return new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads.n++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe("the cursor over many series", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("leaves the hover dots out past a few dozen series", () => {
    expect(manySeriesCursor(HOVER_POINTS_MAX_SERIES).points?.show).toBe(true);
    expect(manySeriesCursor(1000).points?.show).toBe(false);
  });

  it("reads a few values per series per mouse move, however long the gaps", async () => {
    stubCanvas();
    const { default: UPlot } = await import("uplot");
    // 300 series × 1,440 points with a gap over the middle half, where the cursor moves: a cursor
    // that looked left and right through the gap for each series' nearest point would read
    // hundreds of values per series per move.
    const points = 1440;
    const count = 300;
    const xs = Float64Array.from({ length: points }, (_, i) => 1_700_000_000 + i * 60);
    const series = Array.from({ length: count }, (_, s) => ({
      name: `s${s}`,
      timestamps: xs,
      values: Float64Array.from({ length: points }, (_, i) => (i > points / 4 && i < (3 * points) / 4 ? NaN : s + Math.sin(i))),
    }));
    const [x, ...ys] = alignSeries(series);
    const reads = { n: 0 };
    const data = [x, ...ys.map((y) => counted(Array.from(y), reads))] as unknown as uPlot.AlignedData;
    const el = document.createElement("div");
    document.body.append(el);
    const measure = (cursor: uPlot.Cursor) => {
      const plot = new UPlot({ width: 800, height: 300, legend: { show: false }, cursor, series: [{}, ...series.map(() => ({ stroke: "red" }))] }, data, el);
      plot.setCursor({ left: 10, top: 10 });
      reads.n = 0;
      const started = performance.now();
      const moves = 20;
      for (let i = 0; i < moves; i++) plot.setCursor({ left: 380 + i, top: 100 }); // inside the gap
      const perMove = { reads: reads.n / moves, ms: (performance.now() - started) / moves };
      plot.destroy();
      return perMove;
    };
    const ours = measure(manySeriesCursor(count));
    const withDots = measure({ points: { show: true } });
    // For the record (the machine is shared, so only the reads are asserted).
    console.info(
      `cursor over ${count} series × ${points} points, per move: ${ours.reads} reads, ${ours.ms.toFixed(2)} ms; ` +
        `with a hover dot per series ${withDots.reads} reads, ${withDots.ms.toFixed(2)} ms`,
    );
    expect(ours.reads).toBeLessThanOrEqual(4 * count);
    el.remove();
  });
});
