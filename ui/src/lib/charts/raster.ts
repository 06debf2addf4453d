// Lines of a chart too big for the canvas' own stroking (a thousand series × 1,440 points: seconds
// of antialiased paths in WebKitGTK's software canvas), drawn straight into a pixel buffer: per
// segment and pixel column the vertical span the line crosses there, so a line stays connected
// however steep it is, and a series costs one pass over its points plus the pixels it covers.
// uPlot keeps the scales, axes, cursor and selection; this only replaces its series paths.

/** Above this many points (all series together) a chart's lines are rasterised here. Below it
 * uPlot strokes them itself, antialiased, as every small chart is drawn. */
export const RASTER_FROM_POINTS = 100_000;

/** Whether a chart of `series` (each with its own point count) draws its lines here. */
export function rastersLines(pointCounts: readonly number[]): boolean {
  let total = 0;
  for (const n of pointCounts) total += n;
  return total >= RASTER_FROM_POINTS;
}

/** A buffer of `width` × `height` pixels, row by row from the top, each 0xAABBGGRR (the byte
 * order of ImageData on a little-endian machine); 0 is transparent. */
export interface PixelBuffer {
  width: number;
  height: number;
  pixels: Uint32Array;
}

/** The value range that spans the buffer: `xMin` at the left edge of column 0, `xMax` at the
 * right edge of the last; `yMax` at the top edge, `yMin` at the bottom one (linear scales). */
export interface RasterView {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface RasterLine {
  /** The y column (null, NaN or ±Inf: a gap, the line breaks there; undefined: another line's
   * time, this one goes across it). */
  values: ArrayLike<number | null | undefined>;
  /** 0xAABBGGRR, see `packColor`. */
  color: number;
}

/**
 * Draws each line over the shared ascending `xs` in order (a later line over an earlier one, as
 * uPlot strokes them), `thickness` pixels thick vertically. Opaque colours replace the pixel;
 * translucent ones are blended over it.
 */
export function rasterLines(buffer: PixelBuffer, xs: ArrayLike<number>, lines: readonly RasterLine[], view: RasterView, thickness = 1): void {
  const { width, height } = buffer;
  if (width <= 0 || height <= 0 || !(view.xMax > view.xMin) || !(view.yMax > view.yMin)) return;
  const xScale = width / (view.xMax - view.xMin);
  const yScale = height / (view.yMax - view.yMin);
  // Pixel x of every point once: all lines share them.
  const px = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) px[i] = (xs[i]! - view.xMin) * xScale;
  const first = firstAtOrAfter(px, -1);
  const last = lastAtOrBefore(px, width + 1);
  for (const line of lines) {
    drawLine(buffer, px, line.values, line.color, first, last, view.yMax, yScale, thickness);
  }
}

/** Index of the last point left of `limit` (so the segment into the buffer is drawn), or 0. */
function firstAtOrAfter(px: Float64Array, limit: number): number {
  let i = 0;
  while (i < px.length && px[i]! < limit) i++;
  return Math.max(0, i - 1);
}

/** Index of the first point right of `limit` (so the segment out of the buffer is drawn). */
function lastAtOrBefore(px: Float64Array, limit: number): number {
  let i = px.length - 1;
  while (i >= 0 && px[i]! > limit) i--;
  return Math.min(px.length - 1, i + 1);
}

function drawLine(
  buffer: PixelBuffer,
  px: Float64Array,
  values: ArrayLike<number | null | undefined>,
  color: number,
  first: number,
  last: number,
  yMax: number,
  yScale: number,
  thickness: number,
): void {
  // The span of the column being drawn: every segment's part in a column joins it, and it is
  // filled once when the line leaves the column (a translucent colour is blended once). The
  // loop runs once per point of every line (1.4 million for the big query), so it keeps its
  // state in locals, compares by hand and takes a point inside the current column in a few
  // steps: 1,000 lines × 1,440 points into 1,380 × 300 px took 38 ms in Node instead of 57 ms
  // with a closure and Math.min/max (docs/benchmarks.md, tenth session).
  let column = -1;
  let low = 0;
  let high = 0;
  const width = buffer.width;
  let joined = false; // whether the previous point can be joined to this one
  let prevX = 0;
  let prevY = 0;
  for (let i = first; i <= last; i++) {
    const v = values[i];
    // Another series' time (uPlot's undefined): the line goes across it.
    if (v === undefined) continue;
    // v - v is 0 for a finite number only (NaN and ±Inf give NaN): a gap, the line breaks.
    if (v === null || v - v !== 0) {
      joined = false;
      continue;
    }
    const x = px[i]!;
    const y = (yMax - v) * yScale;
    if (!joined) {
      // A line's first point, or the first after a gap: a dot until the next point joins it.
      if (column >= 0) span(buffer, column, low, high, color, thickness);
      column = -1;
      const c = Math.floor(x);
      if (c >= 0 && c < width) {
        column = c;
        low = y;
        high = y;
      }
    } else {
      // Column by column, the rows the segment (prevX, prevY) → (x, y) crosses there.
      const floorPrev = Math.floor(prevX);
      const floorX = Math.floor(x);
      if (floorPrev === floorX && floorX === column) {
        // Inside the column being drawn (the common case when points are denser than pixels).
        if (y < low) low = y;
        if (y > high) high = y;
        prevX = x;
        prevY = y;
        continue;
      }
      const c0 = floorPrev > 0 ? floorPrev : 0;
      const c1 = floorX < width - 1 ? floorX : width - 1;
      const dx = x - prevX;
      const slope = dx > 0 ? (y - prevY) / dx : 0;
      for (let c = c0; c <= c1; c++) {
        let ya: number;
        let yb: number;
        if (dx > 0) {
          ya = prevY + ((c > prevX ? c : prevX) - prevX) * slope;
          yb = prevY + ((c + 1 < x ? c + 1 : x) - prevX) * slope;
        } else {
          // A vertical segment (dx 0) spans its whole height in its one column.
          ya = prevY;
          yb = y;
        }
        const lo = ya < yb ? ya : yb;
        const hi = ya < yb ? yb : ya;
        if (c !== column) {
          if (column >= 0) span(buffer, column, low, high, color, thickness);
          column = c;
          low = lo;
          high = hi;
        } else {
          if (lo < low) low = lo;
          if (hi > high) high = hi;
        }
      }
    }
    joined = true;
    prevX = x;
    prevY = y;
  }
  if (column >= 0) span(buffer, column, low, high, color, thickness);
}

/** Fills column `c` from row floor(low) to row floor(high), widened to `thickness`. */
function span(buffer: PixelBuffer, c: number, low: number, high: number, color: number, thickness: number): void {
  const { width, height, pixels } = buffer;
  // A value on the scale's minimum lies on the bottom edge (y = height): its last row.
  if (high < 0 || low > height) return;
  const extra = thickness - 1;
  const top = clampRow(Math.floor(low) - (extra >> 1), height);
  const bottom = clampRow(Math.floor(high) + (extra - (extra >> 1)), height);
  const alpha = color >>> 24;
  let at = top * width + c;
  if (alpha === 255) {
    for (let r = top; r <= bottom; r++, at += width) pixels[at] = color;
  } else {
    for (let r = top; r <= bottom; r++, at += width) pixels[at] = blend(pixels[at]!, color, alpha);
  }
}

function clampRow(row: number, height: number): number {
  return row < 0 ? 0 : row >= height ? height - 1 : row;
}

/** `color` (alpha `alpha`) over `under`, both 0xAABBGGRR, source-over. */
function blend(under: number, color: number, alpha: number): number {
  const a = alpha / 255;
  const ua = (under >>> 24) / 255;
  const outA = a + ua * (1 - a);
  if (outA <= 0) return 0;
  const channel = (shift: number) => {
    const s = (color >>> shift) & 255;
    const d = (under >>> shift) & 255;
    return Math.round((s * a + d * ua * (1 - a)) / outA) & 255;
  };
  return ((Math.round(outA * 255) << 24) | (channel(16) << 16) | (channel(8) << 8) | channel(0)) >>> 0;
}

/** 0xAABBGGRR from red, green, blue (0–255) and alpha (0–1). */
export function packColor(r: number, g: number, b: number, a = 1): number {
  return ((Math.round(a * 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255)) >>> 0;
}

/** A CSS colour in the forms a canvas reports back (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba()),
 * packed; null for anything else. */
export function parseColor(css: string): number | null {
  const text = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(text)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) {
    const d = [...hex].map((h) => parseInt(h + h, 16));
    return packColor(d[0]!, d[1]!, d[2]!, hex.length === 4 ? d[3]! / 255 : 1);
  }
  if (hex && (hex.length === 6 || hex.length === 8)) {
    const d = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2) || "ff", 16));
    return packColor(d[0]!, d[1]!, d[2]!, d[3]! / 255);
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text);
  if (rgb) {
    const alpha = rgb[4] === undefined ? 1 : rgb[4].endsWith("%") ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
    return packColor(Math.round(Number(rgb[1])), Math.round(Number(rgb[2])), Math.round(Number(rgb[3])), Math.min(1, Math.max(0, alpha)));
  }
  return null;
}

/** Any CSS colour (a name too), packed: a canvas normalises what `parseColor` cannot read.
 * Grey when neither can (a colour the canvas does not know either). */
export function cssColorToPixel(css: string, ctx: CanvasRenderingContext2D | null): number {
  const direct = parseColor(css);
  if (direct !== null) return direct;
  if (ctx) {
    ctx.fillStyle = "#808080";
    ctx.fillStyle = css;
    const normalised = parseColor(String(ctx.fillStyle));
    if (normalised !== null) return normalised;
  }
  return packColor(128, 128, 128);
}
