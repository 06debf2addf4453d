// The heatmap's colour scale, as Grafana's heatmap panel builds it (public/app/plugins/panel/
// heatmap/palettes.ts `quantizeScheme` and utils.ts `valuesToFills`/`boundedMinMax`): a palette
// of `steps` colours sampled from a d3-scale-chromatic scheme (or one colour at rising opacity),
// and each cell's value placed into it linearly between min and max.

/** `options.color` of a heatmap panel, with Grafana's defaults (its panel schema). */
export interface HeatmapColorOptions {
  mode: "scheme" | "opacity";
  scheme: string;
  /** Opacity mode: the one colour whose opacity carries the value. */
  fill: string;
  scale: "exponential" | "linear";
  exponent: number;
  steps: number;
  reverse: boolean;
  min: number | null;
  max: number | null;
}

export const DEFAULT_COLOR: HeatmapColorOptions = {
  mode: "scheme",
  scheme: "Oranges",
  fill: "dark-orange",
  scale: "exponential",
  exponent: 0.5,
  steps: 64,
  reverse: false,
  min: null,
  max: null,
};

/** d3-scale-chromatic's ColorBrewer schemes (the largest size of each), which its
 * `interpolate<Name>` functions run a basis spline through; `invert` is when Grafana flips them
 * (single hues on a dark theme, so high counts are the bright end). */
interface Scheme {
  colors: string;
  invert: "always" | "dark" | "light";
  /** Multi-hue ramps d3 samples densely: interpolated linearly between these stops. */
  ramp?: boolean;
}

const SCHEMES: Record<string, Scheme> = {
  Oranges: { colors: "fff5ebfee6cefdd0a2fdae6bfd8d3cf16913d94801a636037f2704", invert: "dark" },
  Blues: { colors: "f7fbffdeebf7c6dbef9ecae16baed64292c62171b508519c08306b", invert: "dark" },
  Greens: { colors: "f7fcf5e5f5e0c7e9c0a1d99b74c47641ab5d238b45006d2c00441b", invert: "dark" },
  Greys: { colors: "fffffff0f0f0d9d9d9bdbdbd969696737373525252252525000000", invert: "dark" },
  Purples: { colors: "fcfbfdefedf5dadaebbcbddc9e9ac8807dba6a51a354278f3f007d", invert: "dark" },
  Reds: { colors: "fff5f0fee0d2fcbba1fc9272fb6a4aef3b2ccb181da50f1567000d", invert: "dark" },
  YlOrRd: { colors: "ffffccffeda0fed976feb24cfd8d3cfc4e2ae31a1cbd0026800026", invert: "dark" },
  YlGnBu: { colors: "ffffd9edf8b1c7e9b47fcdbb41b6c41d91c0225ea8253494081d58", invert: "dark" },
  Spectral: { colors: "9e0142d53e4ff46d43fdae61fee08bffffbfe6f598abdda466c2a53288bd5e4fa2", invert: "always" },
  RdYlGn: { colors: "a50026d73027f46d43fdae61fee08bffffbfd9ef8ba6d96a66bd631a9850006837", invert: "always" },
  RdYlBu: { colors: "a50026d73027f46d43fdae61fee090ffffbfe0f3f8abd9e974add14575b4313695", invert: "always" },
  RdBu: { colors: "67001fb2182bd6604df4a582fddbc7f7f7f7d1e5f092c5de4393c32166ac053061", invert: "always" },
  Viridis: { colors: "4401544828783e498931688e26828e1f9e8935b7796ece58b5de2bfde725", invert: "light", ramp: true },
  Magma: { colors: "0000040f0b291f114737106550127b721f8194287f962f78ac3a6fcc5a5ffb8861fec488fcfdbf", invert: "light", ramp: true },
  Inferno: { colors: "0000040d0a2921104c3b0f70560f8e6f1a92862a8fa0398ab8487fe15d4ef99e17f6d544fcffa4", invert: "light", ramp: true },
  Plasma: { colors: "0d088741049d6a00a88f0da4b12a90cc4778e16462f2844bfca636fcce25f0f921", invert: "light", ramp: true },
};

/** Grafana's fallback when a dashboard names a scheme it does not have. */
const FALLBACK_SCHEME = "Spectral";

type Rgb = [number, number, number];

function stops(hex: string): Rgb[] {
  const out: Rgb[] = [];
  for (let i = 0; i + 6 <= hex.length; i += 6) {
    out.push([parseInt(hex.slice(i, i + 2), 16), parseInt(hex.slice(i + 2, i + 4), 16), parseInt(hex.slice(i + 4, i + 6), 16)]);
  }
  return out;
}

/** d3-interpolate's uniform B-spline through `values` (interpolateRgbBasis, per channel). */
function basis(values: readonly number[], t: number): number {
  const n = values.length - 1;
  let i: number;
  if (t <= 0) {
    t = 0;
    i = 0;
  } else if (t >= 1) {
    t = 1;
    i = n - 1;
  } else {
    i = Math.floor(t * n);
  }
  const v1 = values[i]!;
  const v2 = values[i + 1]!;
  const v0 = i > 0 ? values[i - 1]! : 2 * v1 - v2;
  const v3 = i < n - 1 ? values[i + 2]! : 2 * v2 - v1;
  const t1 = (t - i / n) * n;
  const t2 = t1 * t1;
  const t3 = t2 * t1;
  return ((1 - 3 * t1 + 3 * t2 - t3) * v0 + (4 - 6 * t2 + 3 * t3) * v1 + (1 + 3 * t1 + 3 * t2 - 3 * t3) * v2 + t3 * v3) / 6;
}

function linear(values: readonly number[], t: number): number {
  const n = values.length - 1;
  const x = Math.min(Math.max(t, 0), 1) * n;
  const i = Math.min(Math.floor(x), n - 1);
  return values[i]! + (values[i + 1]! - values[i]!) * (x - i);
}

const hex2 = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0");

/** The scheme's colour at `t` in [0, 1], as `#rrggbb`. */
export function schemeColor(name: string, t: number): string {
  const scheme = SCHEMES[name] ?? SCHEMES[FALLBACK_SCHEME]!;
  const rgb = stops(scheme.colors);
  const along = scheme.ramp ? linear : basis;
  return `#${[0, 1, 2].map((c) => hex2(along(rgb.map((s) => s[c]!), t))).join("")}`;
}

export function knownScheme(name: string): boolean {
  return name in SCHEMES;
}

/** Grafana's named colours the opacity mode's `fill` may be (its dark-theme values). */
const FILLS: Record<string, Rgb> = {
  "dark-orange": [250, 100, 0],
  orange: [255, 152, 48],
  "dark-red": [196, 22, 42],
  red: [242, 73, 92],
  "dark-green": [55, 135, 45],
  green: [115, 191, 105],
  "dark-blue": [31, 96, 196],
  blue: [87, 148, 242],
  "dark-purple": [143, 59, 184],
  purple: [184, 119, 217],
  "dark-yellow": [224, 180, 0],
  yellow: [250, 222, 42],
};

function fillRgb(fill: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(fill);
  if (m) return stops(m[1]!)[0]!;
  return FILLS[fill] ?? FILLS["dark-orange"]!;
}

/**
 * The palette, lowest value first: `steps` colours of the scheme (inverted where Grafana inverts
 * it for the theme, then reversed when asked), or in opacity mode the fill colour with opacity
 * rising linearly or as `(i / (steps - 1)) ^ exponent`.
 */
export function heatmapPalette(options: HeatmapColorOptions, dark = true): string[] {
  const last = Math.max(2, Math.round(options.steps)) - 1;
  const palette: string[] = [];
  if (options.mode === "opacity") {
    const [r, g, b] = fillRgb(options.fill);
    for (let i = 0; i <= last; i++) {
      const t = i / last;
      const alpha = options.scale === "exponential" ? Math.pow(t, options.exponent) : t;
      palette.push(`rgba(${r}, ${g}, ${b}, ${alpha.toFixed(3)})`);
    }
    return palette;
  }
  const name = knownScheme(options.scheme) ? options.scheme : FALLBACK_SCHEME;
  for (let i = 0; i <= last; i++) palette.push(schemeColor(name, i / last));
  const invert = SCHEMES[name]!.invert;
  if (invert === "always" || (invert === "dark" && dark) || (invert === "light" && !dark)) palette.reverse();
  // `reverse` flips what the theme chose (current Grafana reverses once more after inverting).
  if (options.reverse) palette.reverse();
  return palette;
}

/**
 * The colour range: `min`/`max` as set, else the smallest and largest value among the cells that
 * are drawn (values above `hideLE` and below `hideGE`; NaN is no value).
 */
export function boundedMinMax(
  values: ArrayLike<number>,
  min: number | null,
  max: number | null,
  hideLE = -Infinity,
  hideGE = Infinity,
): [number, number] {
  let lo = min ?? Infinity;
  let hi = max ?? -Infinity;
  if (min === null || max === null) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v > hideLE && v < hideGE)) continue;
      if (min === null && v < lo) lo = v;
      if (max === null && v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** The palette index of `value`: linear between min and max, clamped to the ends. */
export function fillIndex(value: number, paletteSize: number, min: number, max: number): number {
  const range = max - min || 1;
  if (value < min) return 0;
  if (value > max) return paletteSize - 1;
  return Math.min(paletteSize - 1, Math.floor((paletteSize * (value - min)) / range));
}

/** `options.color` read from a panel's options, missing fields defaulted as Grafana does. */
export function colorOptions(raw: unknown): HeatmapColorOptions {
  const o = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    mode: o.mode === "opacity" ? "opacity" : "scheme",
    scheme: typeof o.scheme === "string" ? o.scheme : DEFAULT_COLOR.scheme,
    fill: typeof o.fill === "string" ? o.fill : DEFAULT_COLOR.fill,
    scale: o.scale === "linear" ? "linear" : "exponential",
    exponent: num(o.exponent) ?? DEFAULT_COLOR.exponent,
    steps: Math.min(128, Math.max(2, num(o.steps) ?? DEFAULT_COLOR.steps)),
    reverse: o.reverse === true,
    min: num(o.min),
    max: num(o.max),
  };
}
