// The time axis of the charts drawn straight on a canvas (heatmap, state timeline): where the
// ticks go and how they read, and the canvas sized for the screen's pixel ratio.

const NICE_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Tick times (seconds) between `from` and `to`, on round multiples of a step chosen so that
 * ticks are at least `minSpacingPx` apart over `widthPx`. Ticks fall on local-time boundaries
 * for steps under a day only as far as the time zone offset is whole minutes (it nearly always is). */
export function timeTicks(from: number, to: number, widthPx: number, minSpacingPx = 80): number[] {
  if (!(to > from) || widthPx <= 0) return [];
  const wanted = ((to - from) * minSpacingPx) / widthPx;
  const step = NICE_SECONDS.find((s) => s >= wanted) ?? Math.ceil(wanted / 604800) * 604800;
  // Align to local time so "12:00" is a tick, not "12:00 UTC" shown as 21:00.
  const offset = -new Date(from * 1000).getTimezoneOffset() * 60;
  const first = Math.ceil((from + offset) / step) * step - offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A tick's label: HH:mm, with seconds for sub-minute ranges and the date for ranges over a day. */
export function tickLabel(t: number, spanSeconds: number): string {
  const d = new Date(t * 1000);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanSeconds <= 120) return `${time}:${pad(d.getSeconds())}`;
  if (spanSeconds > 86400 * 1.5) return `${d.getMonth() + 1}/${d.getDate()} ${time}`;
  return time;
}

/** Sizes `canvas` to `width`×`height` CSS px at the device pixel ratio; the context it returns
 * draws in CSS px. Null where there is no 2D canvas (tests). */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = typeof devicePixelRatio === "number" && devicePixelRatio > 0 ? devicePixelRatio : 1;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext("2d");
  } catch {
    return null;
  }
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** Index of the first of the ascending `times` that is ≥ `t` (times.length when none is). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
