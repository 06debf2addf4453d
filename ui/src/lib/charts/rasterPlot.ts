// uPlot's side of the rasterised lines (raster.ts): series that draw no path of their own, and a
// draw hook that rasterises the shown ones into the plotting area after the axes and grid, in
// the colours the legend shows. Scales, axes, cursor, tooltip and selection stay uPlot's.

import type uPlot from "uplot";
import { cssColorToPixel, rasterLines, type RasterLine } from "./raster";

/** Series options for a rasterised chart: uPlot ranges and hovers them but strokes nothing. */
export const rasterSeriesOptions: Partial<uPlot.Series> = {
  paths: () => null,
  points: { show: false },
};

/** Lines a rasterised chart draws, thicker on a high-density screen like uPlot's 1.5 CSS px. */
function lineThickness(): number {
  const ratio = typeof devicePixelRatio === "number" && devicePixelRatio > 0 ? devicePixelRatio : 1;
  return Math.max(1, Math.round(ratio));
}

/**
 * A uPlot `draw` hook drawing every shown series (`u.series[i].show`) as a rasterised line in
 * `colors()[i - 1]` (CSS colours), on the draws where `active()` says so (else uPlot stroked
 * them). The pixels are blitted through a scratch canvas so that the grid under them shows
 * where no line is.
 */
export function rasterDrawHook(colors: () => readonly string[], active: () => boolean = () => true): (u: uPlot) => void {
  let scratch: HTMLCanvasElement | null = null;
  let packed: { css: readonly string[]; pixels: number[] } | null = null;
  return (u: uPlot) => {
    if (!active()) return;
    const width = Math.round(u.bbox.width);
    const height = Math.round(u.bbox.height);
    const { min: xMin, max: xMax } = u.scales.x ?? {};
    const { min: yMin, max: yMax } = u.scales.y ?? {};
    if (width <= 0 || height <= 0 || xMin == null || xMax == null || yMin == null || yMax == null) return;
    scratch ??= document.createElement("canvas");
    if (scratch.width !== width || scratch.height !== height) {
      scratch.width = width;
      scratch.height = height;
    }
    const scratchCtx = scratch.getContext("2d");
    if (!scratchCtx) return;
    const css = colors();
    if (packed?.css !== css) packed = { css, pixels: css.map((c) => cssColorToPixel(c, scratchCtx)) };
    const lines: RasterLine[] = [];
    for (let i = 1; i < u.series.length; i++) {
      if (u.series[i]!.show === false) continue;
      lines.push({ values: u.data[i] as ArrayLike<number | null | undefined>, color: packed.pixels[i - 1] ?? 0xff808080 });
    }
    const image = scratchCtx.createImageData(width, height);
    rasterLines({ width, height, pixels: new Uint32Array(image.data.buffer) }, u.data[0], lines, { xMin, xMax, yMin, yMax }, lineThickness());
    scratchCtx.putImageData(image, 0, 0);
    u.ctx.drawImage(scratch, Math.round(u.bbox.left), Math.round(u.bbox.top));
  };
}
