import { readFileSync } from "node:fs";
import { join } from "node:path";
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

  it("widens narrow (i32 decimal) columns beside f64 ones, NaN for the gap marker", () => {
    const bytes = encodeSeriesFrame([
      { labels: { i: "0" }, timestamps: [1, 2, 3], values: [0.1, NaN, -123.456], decimals: 3 },
      { labels: { i: "1" }, timestamps: [1, 2, 3], values: [1 / 3, 2, 3] },
      { labels: { i: "2" }, timestamps: [4], values: [7], decimals: 0 },
    ]);
    const frame = decodeSeriesFrame(bytes.buffer as ArrayBuffer);
    const [a, b, c] = frame.series;
    expect(a!.values).toBeInstanceOf(Float64Array);
    expect(a!.values[0]).toBe(0.1);
    expect(a!.values[1]).toBeNaN();
    expect(a!.values[2]).toBe(-123.456);
    expect(Array.from(b!.timestamps)).toEqual([1, 2, 3]);
    expect(Array.from(b!.values)).toEqual([1 / 3, 2, 3]);
    expect(b!.values.buffer).toBe(bytes.buffer);
    expect(Array.from(c!.timestamps)).toEqual([4]);
    expect(Array.from(c!.values)).toEqual([7]);
    // A narrow column is padded to 8 bytes, and a cut one is refused.
    expect(() => decodeSeriesFrame(bytes.buffer as ArrayBuffer, 0, bytes.length - 8)).toThrow(FrameError);
  });

  it("reads Rust's frame of Prometheus's value text back to exactly the doubles the text parses to", () => {
    // narrow-frame.bin is written by the Rust encoder from narrow-frame.json
    // (crates/hinomi-prometheus/tests/it/frame_fixture.rs checks it is current).
    const input = JSON.parse(readFileSync(join(__dirname, "testing/narrow-frame.json"), "utf8")) as {
      series: { labels: Record<string, string>; timestamps: number[]; values: string[] }[];
    };
    const file = readFileSync(join(__dirname, "testing/narrow-frame.bin"));
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, new DataView(buffer).getUint32(4, true)))) as {
      series: { decimals?: number }[];
    };
    // The fixture holds both kinds of column, so this test reads both.
    expect(header.series.filter((s) => s.decimals !== undefined).length).toBeGreaterThanOrEqual(3);
    expect(header.series.some((s) => s.decimals === undefined)).toBe(true);

    const frame = decodeSeriesFrame(buffer);
    expect(frame.series).toHaveLength(input.series.length);
    input.series.forEach((sent, i) => {
      const got = frame.series[i]!;
      expect(got.labels).toEqual(sent.labels);
      sent.timestamps.forEach((t, j) => {
        const at = Array.from(got.timestamps).indexOf(t);
        expect(at).toBeGreaterThanOrEqual(0);
        const expected = Number(sent.values[j]);
        // Object.is: bit for bit, so -0 stays -0 and NaN is NaN.
        expect(Object.is(got.values[at], expected), `${sent.labels.kind}: ${sent.values[j]} read as ${got.values[at]}`).toBe(true);
      });
      // Grid points the series does not have are NaN.
      Array.from(got.timestamps).forEach((t, at) => {
        if (!sent.timestamps.includes(t)) expect(got.values[at]).toBeNaN();
      });
    });
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
