// What a panel shows, computed from its JSON and its query results: unit, series names, the
// reduced values of stat/gauge panels, the text of a text panel.

import type { Panel } from "../../lib/bindings";
import type { ChartSeries } from "../../lib/charts/align";
import type { FrameSeries, PanelResult, QueryResult } from "../../lib/charts/frame";
import { displayFor, fixedColor, mapValue } from "./display";
import { seriesName } from "./legend";
import { reduce, reducerOf, thresholdColor } from "./values";

export type PanelShape = "timeseries" | "stat" | "gauge" | "bargauge" | "table" | "text" | "heatmap" | "state-timeline" | "unsupported";

export function panelShape(panel: Panel): PanelShape {
  switch (panel.type) {
    case "timeseries":
    case "graph":
      return "timeseries";
    case "stat":
    case "singlestat":
      return "stat";
    case "gauge":
      return "gauge";
    case "bargauge":
      return "bargauge";
    case "table":
    case "table-old":
      return "table";
    case "text":
      return "text";
    case "heatmap":
      return "heatmap";
    case "state-timeline":
      return "state-timeline";
    default:
      return "unsupported";
  }
}

/** The unit: fieldConfig's, else an old graph panel's left y axis format. */
export function panelUnit(panel: Panel): string | null {
  const unit = panel.fieldConfig?.defaults?.unit;
  if (unit) return unit;
  const yaxes = (panel as Record<string, unknown>).yaxes;
  if (Array.isArray(yaxes)) {
    const format = (yaxes[0] as { format?: unknown } | undefined)?.format;
    if (typeof format === "string") return format;
  }
  const format = (panel as Record<string, unknown>).format;
  return typeof format === "string" ? format : null;
}

export function panelDecimals(panel: Panel): number | null {
  const d = panel.fieldConfig?.defaults?.decimals;
  return typeof d === "number" ? d : null;
}

/** A range query's step as the series' own grid (see `ChartSeries.step`); null when it was
 * downsampled, so its times are on no one step. */
function ownStep(query: QueryResult, series: FrameSeries): number | null | undefined {
  if (query.instant || !(query.stepSeconds > 0)) return undefined;
  return series.sourcePoints > series.timestamps.length ? null : query.stepSeconds;
}

/** Series as drawn: named by legend format, then renamed and coloured by matching overrides. */
export function chartSeries(result: PanelResult, panel?: Panel): ChartSeries[] {
  return result.queries.flatMap((q) =>
    q.series.map((s) => {
      const name = seriesName(s.labels, q.legendFormat);
      const display = displayFor(panel?.fieldConfig, name, q.refId);
      return { name: display.displayName ?? name, color: fixedColor(display), timestamps: s.timestamps, values: s.values, step: ownStep(q, s) };
    }),
  );
}

export interface ValueItem {
  name: string;
  value: number | null;
  /** After overrides for this series. */
  unit: string | null;
  decimals: number | null;
  min: number | null;
  max: number | null;
  /** A value mapping's text, shown instead of the number. */
  text: string | null;
  /** Mapping colour, else threshold colour, else a fixed override colour. */
  color: string | null;
}

export function reducedValues(panel: Panel, result: PanelResult): ValueItem[] {
  const how = reducerOf(panel);
  const mappings = panel.fieldConfig?.defaults?.mappings;
  return result.queries.flatMap((q) =>
    q.series.map((s) => {
      const legend = seriesName(s.labels, q.legendFormat);
      const d = displayFor(panel.fieldConfig, legend, q.refId);
      const value = reduce(s.values, how);
      const mapped = mapValue(mappings, value);
      const thresholds = d.thresholds ? thresholdColor({ defaults: { thresholds: d.thresholds, min: d.min, max: d.max } }, value) : null;
      return {
        name: d.displayName ?? legend,
        value,
        unit: d.unit ?? panelUnit(panel),
        decimals: d.decimals,
        min: d.min,
        max: d.max,
        text: mapped?.text ?? null,
        color: mapped?.color ?? thresholds ?? fixedColor(d),
      };
    }),
  );
}

export interface TableView {
  columns: string[];
  rows: Array<{ key: string; cells: string[]; value: number | null }>;
}

/** One row per series: its labels, then its last value. */
export function tableView(result: PanelResult): TableView {
  const labelNames = new Set<string>();
  for (const q of result.queries) for (const s of q.series) for (const k of Object.keys(s.labels)) labelNames.add(k);
  const columns = [...labelNames].sort();
  const rows = result.queries.flatMap((q) =>
    q.series.map((s, i) => ({
      key: `${q.refId}-${i}`,
      cells: columns.map((c) => s.labels[c] ?? ""),
      value: reduce(s.values, "lastNotNull"),
    })),
  );
  return { columns, rows };
}

/** A text panel's content (Grafana 7+ options.content, older panels' `content`). */
export function textContent(panel: Panel): string {
  const content = panel.options?.content ?? (panel as Record<string, unknown>).content;
  return typeof content === "string" ? content : "";
}

/** The gauge's scale: min/max from the field config, else 0..100 for percent, else 0..max(value). */
export function gaugeRange(panel: Panel, value: number | null, item?: Pick<ValueItem, "min" | "max" | "unit">): { min: number; max: number } {
  const d = panel.fieldConfig?.defaults;
  const unit = item?.unit ?? panelUnit(panel);
  const min = item?.min ?? d?.min ?? 0;
  const fallbackMax = unit === "percent" ? 100 : unit === "percentunit" ? 1 : Math.max(1, (value ?? 0) * 1.2);
  const max = item?.max ?? d?.max ?? fallbackMax;
  return { min, max: max > min ? max : min + 1 };
}
