// A state timeline's lanes from a panel's query results, as Grafana's state-timeline panel shows
// them: one lane per series; each sample holds its state until the next sample, consecutive equal
// values merged into one run (`options.mergeValues`, default true); a missing sample (a step with
// no point, Grafana's null insertion at the series' interval) leaves a gap. A state's text and
// colour come from the value mappings first, then the field's colour mode (thresholds, fixed, or
// the panel's default continuous green-yellow-red).

import type { Panel } from "../../lib/bindings";
import type { PanelResult } from "../../lib/charts/frame";
import { formatUnit } from "../../lib/charts/units";
import { cssColor, thresholdColor } from "./values";
import { displayFor, mapValue } from "./display";
import { seriesName } from "./legend";

export interface StateRun {
  /** Seconds since the epoch; the run covers [start, end). */
  start: number;
  end: number;
  value: number;
  text: string;
  color: string;
}

export interface StateLane {
  name: string;
  runs: StateRun[];
}

export interface TimelineOptions {
  mergeValues: boolean;
  showValue: "auto" | "always" | "never";
  /** Share of the lane's height the bars take, 0..1. */
  rowHeight: number;
  alignValue: "left" | "center" | "right";
  showLegend: boolean;
}

export function timelineOptions(panel: Panel): TimelineOptions {
  const o = panel.options ?? {};
  const legend = o.legend as { showLegend?: unknown; show?: unknown } | undefined;
  const rowHeight = typeof o.rowHeight === "number" && Number.isFinite(o.rowHeight) ? o.rowHeight : 0.9;
  return {
    mergeValues: o.mergeValues !== false,
    showValue: o.showValue === "always" || o.showValue === "never" ? o.showValue : "auto",
    rowHeight: Math.min(1, Math.max(0, rowHeight)),
    alignValue: o.alignValue === "center" || o.alignValue === "right" ? o.alignValue : "left",
    showLegend: (legend?.showLegend ?? legend?.show) !== false,
  };
}

// Grafana's continuous-GrYlRd (its default colour mode for this panel), dark theme.
const GREEN_YELLOW_RED = ["#73bf69", "#fade2a", "#f2495c"] as const;

function mix(a: string, b: string, t: number): string {
  const ch = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2].map((i) => Math.round(ch(a, i) + (ch(b, i) - ch(a, i)) * t).toString(16).padStart(2, "0")).join("")}`;
}

function continuous(value: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0;
  return t <= 0.5 ? mix(GREEN_YELLOW_RED[0], GREEN_YELLOW_RED[1], t * 2) : mix(GREEN_YELLOW_RED[1], GREEN_YELLOW_RED[2], (t - 0.5) * 2);
}

/** Grafana's default thresholds when a panel in thresholds mode has none. */
const DEFAULT_THRESHOLDS = { mode: "absolute" as const, steps: [{ color: "green", value: null }, { color: "red", value: 80 }] };

/** How one value looks: mapping text/colour, else the unit-formatted value in the mode's colour. */
export function stateStyle(panel: Panel, name: string, refId: string, value: number, range: { min: number; max: number }): { text: string; color: string } {
  const d = displayFor(panel.fieldConfig, name, refId);
  const mapped = mapValue(panel.fieldConfig?.defaults?.mappings, value);
  const text = mapped?.text ?? formatUnit(value, d.unit, d.decimals);
  if (mapped?.color) return { text, color: mapped.color };
  const mode = d.color?.mode ?? "continuous-GrYlRd";
  if (mode === "fixed") return { text, color: cssColor(d.color?.fixedColor) ?? GREEN_YELLOW_RED[0] };
  if (mode === "thresholds") {
    const thresholds = d.thresholds?.steps?.length ? d.thresholds : DEFAULT_THRESHOLDS;
    const color = thresholdColor({ defaults: { thresholds, min: d.min, max: d.max } } as never, value);
    return { text, color: color ?? GREEN_YELLOW_RED[0] };
  }
  return { text, color: continuous(value, d.min ?? range.min, d.max ?? range.max) };
}

/** The step between samples: the query's, else the smallest gap seen. */
function stepOf(timestamps: ArrayLike<number>, queryStep: number): number {
  if (queryStep > 0) return queryStep;
  let step = Infinity;
  for (let i = 1; i < timestamps.length; i++) step = Math.min(step, timestamps[i]! - timestamps[i - 1]!);
  return Number.isFinite(step) && step > 0 ? step : 15;
}

/**
 * The lanes over a range ending at `to` (seconds): the last sample holds for one step, no
 * further than `to`. A sample more than one step (and a half, for jitter) after the previous one
 * starts after a gap.
 */
export function stateLanes(panel: Panel, result: PanelResult, to: number, merge = timelineOptions(panel).mergeValues): StateLane[] {
  let min = Infinity;
  let max = -Infinity;
  for (const q of result.queries)
    for (const s of q.series)
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (Number.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
  const range = { min, max };
  return result.queries.flatMap((q) =>
    q.series.map((s): StateLane => {
      const legend = seriesName(s.labels, q.legendFormat);
      const name = displayFor(panel.fieldConfig, legend, q.refId).displayName ?? legend;
      const step = stepOf(s.timestamps, q.stepSeconds);
      const styles = new Map<number, { text: string; color: string }>();
      const runs: StateRun[] = [];
      for (let i = 0; i < s.timestamps.length; i++) {
        const value = s.values[i]!;
        if (Number.isNaN(value)) continue;
        const start = s.timestamps[i]!;
        const next = s.timestamps[i + 1];
        const holdsUntil = Math.min(start + step, to);
        const end = next !== undefined && next - start <= step * 1.5 ? next : Math.max(start, holdsUntil);
        const previous = runs[runs.length - 1];
        if (merge && previous && previous.value === value && previous.end === start) {
          previous.end = end;
          continue;
        }
        let style = styles.get(value);
        if (!style) styles.set(value, (style = stateStyle(panel, name, q.refId, value, range)));
        runs.push({ start, end, value, text: style.text, color: style.color });
      }
      return { name, runs };
    }),
  );
}

/** The run under time `t`, or null in a gap. Runs are ascending and disjoint: binary search. */
export function runAt(lane: StateLane, t: number): StateRun | null {
  let lo = 0;
  let hi = lane.runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = lane.runs[mid]!;
    if (t < run.start) hi = mid - 1;
    else if (t >= run.end) lo = mid + 1;
    else return run;
  }
  return null;
}

export interface TimelineLegendItem {
  text: string;
  color: string;
}

/** Grafana's state-timeline legend: the value mappings' texts and colours, else the threshold
 * steps in thresholds mode, else nothing (the lanes are named on the axis). */
export function timelineLegend(panel: Panel): TimelineLegendItem[] {
  const defaults = panel.fieldConfig?.defaults;
  const items: TimelineLegendItem[] = [];
  for (const raw of (defaults?.mappings as unknown[] | undefined) ?? []) {
    const m = raw as { type?: string; options?: Record<string, unknown> } | null;
    const options = m?.options;
    if (!options) continue;
    const results =
      m.type === "value"
        ? Object.entries(options).map(([key, r]) => ({ key, r: r as { text?: unknown; color?: unknown } }))
        : [{ key: m.type === "range" ? `${String(options.from ?? "-∞")} – ${String(options.to ?? "∞")}` : String(options.match ?? ""), r: options.result as { text?: unknown; color?: unknown } }];
    for (const { key, r } of results) {
      const color = cssColor(typeof r?.color === "string" ? r.color : null);
      if (color) items.push({ text: typeof r?.text === "string" && r.text ? r.text : key, color });
    }
  }
  if (items.length > 0 || defaults?.color?.mode !== "thresholds") return items;
  const steps = defaults.thresholds?.steps?.length ? defaults.thresholds.steps : DEFAULT_THRESHOLDS.steps;
  return steps.flatMap((step, i) => {
    const color = cssColor(step.color);
    if (!color) return [];
    const next = steps[i + 1]?.value;
    const text = step.value === null || step.value === undefined ? (next != null ? `< ${next}` : "Base") : next != null ? `${step.value} – ${next}` : `${step.value}+`;
    return [{ text, color }];
  });
}
