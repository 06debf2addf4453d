import { describe, expect, it } from "vitest";
import { decodePanelFrame, decodeSeriesFrame, encodePanelFrame, encodeSeriesFrame, FrameError } from "./frame";

describe("series frames", () => {
  it("decodes columns as Float64Array views", () => {
    const bytes = encodeSeriesFrame(
      [
        { labels: { job: "api" }, timestamps: [1, 2, 3], values: [10, NaN, 30] },
        { labels: {}, timestamps: [5], values: [-1] },
      ],
      4,
    );
    const frame = decodeSeriesFrame(bytes.buffer as ArrayBuffer);
    expect(frame.truncatedSeries).toBe(4);
    expect(frame.series).toHaveLength(2);
    expect(frame.series[0]!.labels).toEqual({ job: "api" });
    expect(Array.from(frame.series[0]!.timestamps)).toEqual([1, 2, 3]);
    expect(frame.series[0]!.values[1]).toBeNaN();
    expect(frame.series[0]!.values).toBeInstanceOf(Float64Array);
    expect(Array.from(frame.series[1]!.values)).toEqual([-1]);
  });

  it("gives every series of a shared-grid frame the one grid array, values NaN where it has no point", () => {
    const bytes = encodeSeriesFrame(
      [
        { labels: { i: "0" }, timestamps: [15, 30, 45], values: [1, 2, 3] },
        { labels: { i: "1" }, timestamps: [15, 45], values: [4, NaN, 6] },
      ],
      7,
      [15, 30, 45],
    );
    const frame = decodeSeriesFrame(bytes.buffer as ArrayBuffer);
    expect(frame.truncatedSeries).toBe(7);
    const [a, b] = frame.series;
    expect(a!.timestamps).toBe(b!.timestamps);
    expect(Array.from(a!.timestamps)).toEqual([15, 30, 45]);
    expect(Array.from(a!.values)).toEqual([1, 2, 3]);
    expect(b!.values[1]).toBeNaN();
    expect(b!.values[2]).toBe(6);
    expect(b!.sourcePoints).toBe(2);
    expect(b!.values.buffer).toBe(bytes.buffer);
    expect(() => decodeSeriesFrame(bytes.buffer as ArrayBuffer, 0, bytes.length - 8)).toThrow(FrameError);
  });

  it("refuses something that is not a frame", () => {
    expect(() => decodeSeriesFrame(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]).buffer)).toThrow(FrameError);
  });
});

describe("panel frames", () => {
  it("carries each query's series or its error", () => {
    const buffer = encodePanelFrame([
      { refId: "A", expr: "up", legendFormat: "{{job}}", series: [{ labels: { job: "node" }, timestamps: [1, 2], values: [1, 1] }] },
      {
        refId: "B",
        expr: "up(",
        error: { code: "backend", message: "1:4: parse error: unclosed left parenthesis" },
        errorPosition: { line: 1, column: 4 },
      },
      { refId: "C", expr: "down", series: [], truncatedSeries: 3 },
    ]);
    const result = decodePanelFrame(buffer);
    expect(result.queries.map((q) => q.refId)).toEqual(["A", "B", "C"]);
    expect(result.queries[0]!.legendFormat).toBe("{{job}}");
    expect(Array.from(result.queries[0]!.series[0]!.values)).toEqual([1, 1]);
    expect(result.queries[1]!.error?.message).toContain("parse error");
    expect(result.queries[1]!.errorPosition).toEqual({ line: 1, column: 4 });
    expect(result.queries[1]!.series).toEqual([]);
    expect(result.queries[2]!.truncatedSeries).toBe(3);
    expect(result.staleSinceMs).toBeNull();
  });

  it("says when an answer is the last good one", () => {
    const buffer = encodePanelFrame([{ refId: "A", expr: "up", series: [{ labels: {}, timestamps: [1], values: [2] }] }], {
      sinceMs: 1_700_000_000_000,
      error: { code: "unreachable", message: "connection refused" },
    });
    const result = decodePanelFrame(buffer);
    expect(result.staleSinceMs).toBe(1_700_000_000_000);
    expect(result.staleError?.code).toBe("unreachable");
    expect(Array.from(result.queries[0]!.series[0]!.values)).toEqual([2]);
  });
});
