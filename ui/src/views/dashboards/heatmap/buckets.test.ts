// Heatmap cells from Prometheus histogram buckets, as Grafana shows a `format: "heatmap"` target
// in a heatmap with `calculate: false`: its Prometheus datasource sorts the `le` series by bound
// (+Inf last) and subtracts each bucket's lower neighbour (transformToHistogramOverTime), and the
// panel hides cells ≤ `filterValues.le` (default 1e-9, "hide cells with values that are less than
// or equal to").

import { describe, expect, it } from "vitest";
import type { Panel } from "../../../lib/bindings";
import type { PanelResult, QueryResult } from "../../../lib/charts/frame";
import { cellFilter, cellShown, heatmapData, parseBound } from "./buckets";

function query(refId: string, series: Array<{ le?: string; name?: string; ts: number[]; values: number[] }>, legendFormat: string | null = "{{le}}"): QueryResult {
  return {
    refId,
    expr: "x",
    legendFormat,
    instant: false,
    stepSeconds: 15,
    datasourceId: null,
    error: null,
    errorPosition: null,
    truncatedSeries: 0,
    series: series.map((s) => ({
      labels: (s.le !== undefined ? { le: s.le } : { name: s.name ?? "" }) as Record<string, string>,
      timestamps: Float64Array.from(s.ts),
      values: Float64Array.from(s.values),
      sourcePoints: s.ts.length,
    })),
  };
}

const panel = (format: string | undefined): Panel => ({ type: "heatmap", targets: [{ refId: "A", expr: "x", format }] }) as unknown as Panel;
const result = (...queries: QueryResult[]): PanelResult => ({ queries, staleSinceMs: null, staleError: null });

describe("parseBound", () => {
  it("reads Prometheus le values", () => {
    expect(parseBound("+Inf")).toBe(Infinity);
    expect(parseBound("0.25")).toBe(0.25);
    expect(parseBound("1e-3")).toBe(0.001);
    expect(parseBound("fast")).toBeNaN();
  });
});

describe("heatmapData", () => {
  // Cumulative counts, Prometheus order (by label string, so "+Inf" and "10" before "2.5").
  const cumulative = query("A", [
    { le: "+Inf", ts: [15, 30], values: [10, 12] },
    { le: "0.1", ts: [15, 30], values: [2, 3] },
    { le: "1", ts: [15, 30], values: [7, 3] },
    { le: "0.5", ts: [15, 30], values: [5, 3] },
  ]);

  it("sorts format-heatmap buckets by le, +Inf last, and de-accumulates them", () => {
    const data = heatmapData(panel("heatmap"), result(cumulative));
    expect(data.buckets.map((b) => b.upper)).toEqual([0.1, 0.5, 1, Infinity]);
    expect(data.buckets.map((b) => b.lower)).toEqual([null, 0.1, 0.5, 1]);
    expect(Array.from(data.times)).toEqual([15, 30]);
    expect(data.stepSeconds).toBe(15);
    // Row-major by time: [0.1, 0.5, 1, +Inf] at 15 s, then at 30 s.
    expect(Array.from(data.counts)).toEqual([2, 3, 2, 3, 3, 0, 0, 9]);
  });

  it("leaves time-series buckets as they are, only ordered by bound", () => {
    const data = heatmapData(panel("time_series"), result(cumulative));
    expect(Array.from(data.counts.subarray(0, 4))).toEqual([2, 5, 7, 10]);
  });

  it("puts a missing sample in as no value, which is never drawn, and does not subtract it", () => {
    const gappy = query("A", [
      { le: "1", ts: [15, 30], values: [4, 6] },
      { le: "+Inf", ts: [15], values: [5] },
      { le: "0.5", ts: [30], values: [1] },
    ]);
    const data = heatmapData(panel("heatmap"), result(gappy));
    // At 15 s the 0.5 bucket is missing: the 1 bucket keeps its cumulative 4.
    expect(Array.from(data.counts.subarray(0, 3))).toEqual([NaN, 4, 1]);
    expect(Array.from(data.counts.subarray(3))).toEqual([1, 5, NaN]);
  });

  it("names buckets by the legend format when series have no le label", () => {
    const named = query("A", [{ name: "2" }, { name: "1" }].map((s) => ({ ...s, ts: [15], values: [1] })), "{{name}}");
    const data = heatmapData(panel(undefined), result(named));
    expect(data.buckets.map((b) => b.upper)).toEqual([1, 2]);
  });

  it("stays quick for a day at 15 s steps with 12 buckets", () => {
    const ts = Array.from({ length: 5760 }, (_, i) => 15 * (i + 1));
    const les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
    const big = query("A", les.map((le, b) => ({ le, ts, values: ts.map((_, i) => (b + 1) * (i + 1)) })));
    const started = performance.now();
    const data = heatmapData(panel("heatmap"), result(big));
    expect(performance.now() - started).toBeLessThan(500);
    expect(data.counts.length).toBe(5760 * 12);
    expect(data.counts[5759 * 12 + 11]).toBe(5760);
  });
});

describe("cellFilter", () => {
  it("hides cells ≤ 1e-9 by default and follows filterValues", () => {
    const hidden = cellFilter(undefined);
    expect([0, 1e-10, 0.5, NaN].map((v) => cellShown(v, hidden))).toEqual([false, false, true, false]);
    expect(cellFilter({ filterValues: { le: 2 } }).le).toBe(2);
    const band = cellFilter({ filterValues: { le: 1, ge: 10 } });
    expect([1, 5, 10].map((v) => cellShown(v, band))).toEqual([false, true, false]);
  });
});

describe("an old (pre-Grafana-9) heatmap's settings", () => {
  it("become the current options as Grafana migrates them", async () => {
    const { heatmapPanelOptions } = await import("./legacy");
    const { colorOptions } = await import("./colors");
    const old = {
      type: "heatmap",
      dataFormat: "tsbuckets",
      hideZeroBuckets: false,
      color: { mode: "spectrum", colorScheme: "interpolateSpectral", colorScale: "sqrt", exponent: 0.5, cardColor: "#b4ff00" },
      yAxis: { format: "s", decimals: 1 },
      cards: { cardPadding: 2 },
      legend: { show: true },
    } as unknown as Panel;
    const options = heatmapPanelOptions(old);
    expect(options.calculate).toBe(false);
    expect(colorOptions(options.color)).toMatchObject({ mode: "scheme", scheme: "Spectral", scale: "exponential", exponent: 0.5 });
    expect(options.yAxis).toEqual({ unit: "s", decimals: 1 });
    expect(options.cellGap).toBe(2);
    // hideZeroBuckets: false drew zero cells, so zero is not filtered out.
    expect(cellShown(0, cellFilter(options))).toBe(true);
    expect(cellShown(0, cellFilter(heatmapPanelOptions({ ...old, hideZeroBuckets: true } as unknown as Panel)))).toBe(false);
    // A current panel's options are its own.
    const current = { type: "heatmap", options: { calculate: false, color: { scheme: "Blues" } } } as unknown as Panel;
    expect(heatmapPanelOptions(current)).toBe(current.options);
  });
});
