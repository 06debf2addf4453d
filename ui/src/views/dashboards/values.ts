// Reducing series to one number (stat, gauge, bargauge) and colouring it by thresholds.

import type { FieldConfig, Panel, ThresholdStep } from "../../lib/bindings";
import type { FrameSeries } from "../../lib/charts/frame";

export type Reducer = "lastNotNull" | "last" | "mean" | "max" | "min" | "sum" | "first" | "firstNotNull";

export function reduce(values: ArrayLike<number>, how: string): number | null {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) finite.push(values[i]!);
  if (finite.length === 0) return null;
  switch (how) {
    case "mean":
      return finite.reduce((a, b) => a + b, 0) / finite.length;
    case "max":
      return Math.max(...finite);
    case "min":
      return Math.min(...finite);
    case "sum":
      return finite.reduce((a, b) => a + b, 0);
    case "first":
    case "firstNotNull":
      return finite[0]!;
    case "last":
      return Number.isNaN(values[values.length - 1]!) ? null : values[values.length - 1]!;
    default:
      return finite[finite.length - 1]!;
  }
}

/** The panel's reduce calculation (options.reduceOptions.calcs[0]), Grafana's default last. */
export function reducerOf(panel: Panel): string {
  const reduceOptions = panel.options?.reduceOptions as { calcs?: unknown } | undefined;
  const calcs = reduceOptions?.calcs;
  return Array.isArray(calcs) && typeof calcs[0] === "string" ? calcs[0] : "lastNotNull";
}

export interface Reduced {
  labels: Record<string, string>;
  value: number | null;
}

export function reduceAll(series: readonly FrameSeries[], how: string): Reduced[] {
  return series.map((s) => ({ labels: s.labels, value: reduce(s.values, how) }));
}

const NAMED: Record<string, string> = {
  green: "#3fa65b",
  "semi-dark-green": "#37874a",
  "dark-green": "#2f6e3d",
  red: "#d9463e",
  "semi-dark-red": "#c4312a",
  "dark-red": "#a52920",
  orange: "#e58a2c",
  "dark-orange": "#c76d12",
  yellow: "#d8b32b",
  "dark-yellow": "#b8951a",
  blue: "#3d7fd9",
  "dark-blue": "#2a5fae",
  purple: "#8e5bd1",
  text: "currentColor",
  transparent: "transparent",
};

/** A Grafana colour name or CSS colour as CSS. */
export function cssColor(color: string | null | undefined): string | null {
  if (!color) return null;
  if (NAMED[color]) return NAMED[color]!;
  if (/^#[0-9a-fA-F]{3,8}$/.test(color) || /^rgba?\([\d\s.,%]+\)$/.test(color)) return color;
  return null;
}

/** The colour of the highest step at or below `value` (percentage mode uses min/max). */
export function thresholdColor(fieldConfig: FieldConfig | null | undefined, value: number | null): string | null {
  const defaults = fieldConfig?.defaults;
  const thresholds = defaults?.thresholds;
  if (value === null || !thresholds?.steps?.length) return null;
  let v = value;
  if (thresholds.mode === "percentage") {
    const min = defaults?.min ?? 0;
    const max = defaults?.max ?? 100;
    v = max > min ? ((value - min) / (max - min)) * 100 : 0;
  }
  let picked: ThresholdStep | null = null;
  for (const step of thresholds.steps) {
    if (step.value === null || step.value === undefined || v >= step.value) picked = step;
  }
  return cssColor(picked?.color);
}
