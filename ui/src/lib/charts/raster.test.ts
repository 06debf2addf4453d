import { describe, expect, it } from "vitest";
import { cssColorToPixel, packColor, parseColor, RASTER_FROM_POINTS, rasterLines, rastersLines, type PixelBuffer } from "./raster";

const RED = packColor(255, 0, 0);
const BLUE = packColor(0, 0, 255);

function buffer(width: number, height: number): PixelBuffer {
  return { width, height, pixels: new Uint32Array(width * height) };
}

/** The rows of column `c` holding `color`. */
function rowsIn(b: PixelBuffer, c: number, color: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < b.height; r++) if (b.pixels[r * b.width + c] === color) rows.push(r);
  return rows;
}

function painted(b: PixelBuffer): number {
  return b.pixels.reduce((n, p) => n + (p !== 0 ? 1 : 0), 0);
}

// 10 × 10 pixels over x 0–10 and y 0–10: value v at row floor(10 - v).
const view = { xMin: 0, xMax: 10, yMin: 0, yMax: 10 };

describe("rasterLines", () => {
  it("draws a flat line on its row across every column, and nothing else", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [{ values: [5.5, 5.5], color: RED }], view);
    for (let c = 0; c < 10; c++) expect(rowsIn(b, c, RED)).toEqual([4]);
    expect(painted(b)).toBe(10);
  });

  it("keeps a steep line connected: each column spans the rows the line crosses in it", () => {
    const b = buffer(10, 10);
    // From the bottom-left corner to the top of column 1: 10 rows over 2 columns.
    rasterLines(b, [0, 2], [{ values: [0, 10], color: RED }], view);
    expect(rowsIn(b, 0, RED)).toEqual([5, 6, 7, 8, 9]);
    expect(rowsIn(b, 1, RED)).toEqual([0, 1, 2, 3, 4, 5]);
    // The end point, on the boundary, is column 2's.
    expect(rowsIn(b, 2, RED)).toEqual([0]);
    expect(painted(b)).toBe(12);
  });

  it("spans every value of points denser than the pixels, within a column and across into the next", () => {
    const b = buffer(10, 10);
    // Five points inside column 3 (rows 8, 1, 5, 2, 6), then one in column 4 (row 4).
    rasterLines(b, [3.1, 3.3, 3.5, 3.7, 3.9, 4.5], [{ values: [1.5, 8.5, 4.5, 7.5, 3.5, 5.5], color: RED }], view);
    expect(rowsIn(b, 3, RED)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Column 4 holds the segment's end, from x 4 (y 6.17, row 6) to its last point (row 4).
    expect(rowsIn(b, 4, RED)).toEqual([4, 5, 6]);
    expect(painted(b)).toBe(11);
  });

  it("does not join points across a gap inside one column", () => {
    const b = buffer(10, 10);
    rasterLines(b, [3.1, 3.3, 3.5, 3.7], [{ values: [1.5, NaN, 8.5, 8.5], color: RED }], view);
    // The lone first point is a dot on row 8, the pair after the gap a dot on row 1: nothing between.
    expect(rowsIn(b, 3, RED)).toEqual([1, 8]);
  });

  it("puts a value on the scale's minimum on the bottom row and leaves values off the scale out", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [{ values: [0, 0], color: RED }], view);
    rasterLines(b, [0, 10], [{ values: [20, 20], color: BLUE }], view);
    for (let c = 0; c < 10; c++) expect(rowsIn(b, c, RED)).toEqual([9]);
    expect(rowsIn(b, 3, BLUE)).toEqual([]);
  });

  it("breaks the line at a gap (null or NaN) and skips hidden columns outside the view", () => {
    const b = buffer(10, 10);
    const xs = [0.5, 2.5, 4.5, 6.5, 8.5, 12.5];
    rasterLines(b, xs, [{ values: [5.5, 5.5, null, 5.5, Number.NaN, 5.5], color: RED }], view);
    // Drawn: the segment 0.5→2.5 (columns 0–2) and the lone point at 6.5 (column 6).
    const columns = Array.from({ length: 10 }, (_, c) => rowsIn(b, c, RED).length > 0);
    expect(columns).toEqual([true, true, true, false, false, false, true, false, false, false]);
  });

  it("goes across another line's times (undefined) without breaking", () => {
    const b = buffer(10, 10);
    const xs = [0.5, 2.5, 4.5, 6.5, 8.5];
    rasterLines(b, xs, [{ values: [5.5, undefined, 5.5, undefined, 5.5], color: RED }], view);
    const columns = Array.from({ length: 10 }, (_, c) => rowsIn(b, c, RED).length > 0);
    expect(columns).toEqual([true, true, true, true, true, true, true, true, true, false]);
  });

  it("draws later lines over earlier ones, each in its own colour", () => {
    const b = buffer(10, 10);
    rasterLines(
      b,
      [0, 10],
      [
        { values: [5.5, 5.5], color: RED },
        { values: [5.5, 5.5], color: BLUE },
        { values: [1.5, 1.5], color: RED },
      ],
      view,
    );
    expect(rowsIn(b, 3, BLUE)).toEqual([4]);
    expect(rowsIn(b, 3, RED)).toEqual([8]);
  });

  it("draws only the lines it is given (a hidden series is left out by the caller)", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [], view);
    expect(painted(b)).toBe(0);
  });

  it("widens lines to the thickness asked for", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [{ values: [5.5, 5.5], color: RED }], view, 2);
    expect(rowsIn(b, 0, RED)).toEqual([4, 5]);
  });

  it("blends a translucent colour over what is under it", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [{ values: [5.5, 5.5], color: BLUE }], view);
    rasterLines(b, [0, 10], [{ values: [5.5, 5.5], color: packColor(255, 0, 0, 0.5) }], view);
    const p = b.pixels[4 * 10 + 0]!;
    expect([p & 255, (p >>> 8) & 255, (p >>> 16) & 255, p >>> 24]).toEqual([128, 0, 127, 255]);
  });

  it("draws nothing over an empty range", () => {
    const b = buffer(10, 10);
    rasterLines(b, [0, 10], [{ values: [5, 5], color: RED }], { xMin: 0, xMax: 0, yMin: 0, yMax: 10 });
    expect(painted(b)).toBe(0);
  });
});

describe("colours", () => {
  it("reads the forms a canvas reports back, in ImageData's byte order", () => {
    expect(parseColor("#7eb26d")).toBe(packColor(0x7e, 0xb2, 0x6d));
    expect(parseColor("#7eb26d") ?? 0).toBe(0xff6db27e);
    expect(parseColor("#f00")).toBe(RED);
    expect(parseColor("#ff000080")).toBe(packColor(255, 0, 0, 0x80 / 255));
    expect(parseColor("rgb(0, 0, 255)")).toBe(BLUE);
    expect(parseColor("rgba(255, 0, 0, 0.5)")).toBe(packColor(255, 0, 0, 0.5));
    expect(parseColor("red")).toBeNull();
  });

  it("asks the canvas for names it cannot read, and falls back to grey", () => {
    const canvas = { fillStyle: "" } as unknown as CanvasRenderingContext2D;
    Object.defineProperty(canvas, "fillStyle", {
      get: () => (last === "red" ? "#ff0000" : last),
      set: (v: string) => (last = v),
    });
    let last = "";
    expect(cssColorToPixel("red", canvas)).toBe(RED);
    expect(cssColorToPixel("no-such-colour", null)).toBe(packColor(128, 128, 128));
  });
});

describe("rastersLines", () => {
  it("rasterises big charts only", () => {
    expect(rastersLines([1440, 1440, 1440])).toBe(false);
    expect(rastersLines(Array.from({ length: 1000 }, () => 1440))).toBe(true);
    expect(rastersLines([RASTER_FROM_POINTS - 1])).toBe(false);
    expect(rastersLines([RASTER_FROM_POINTS])).toBe(true);
  });
});
