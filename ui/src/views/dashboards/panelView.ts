// What a panel shows, computed from its JSON and its query results: unit, series names, the
// reduced values of stat/gauge panels, the text of a text panel.

import type { Panel } from "../../lib/bindings";
import type { ChartSeries } from "../../lib/charts/align";
import type { PanelResult } from "../../lib/charts/frame";
import { seriesName } from "./legend";
import { reduce, reducerOf } from "./values";

export type PanelShape = "timeseries" | "stat" | "gauge" | "bargauge" | "table" | "text" | "unsupported";

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

export function chartSeries(result: PanelResult): ChartSeries[] {
  return result.queries.flatMap((q) =>
    q.series.map((s) => ({ name: seriesName(s.labels, q.legendFormat), timestamps: s.timestamps, values: s.values })),
  );
}

export interface ValueItem {
  name: string;
  value: number | null;
}

export function reducedValues(panel: Panel, result: PanelResult): ValueItem[] {
  const how = reducerOf(panel);
  return result.queries.flatMap((q) =>
    q.series.map((s) => ({ name: seriesName(s.labels, q.legendFormat), value: reduce(s.values, how) })),
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
export function gaugeRange(panel: Panel, value: number | null): { min: number; max: number } {
  const d = panel.fieldConfig?.defaults;
  const unit = panelUnit(panel);
  const min = d?.min ?? 0;
  const fallbackMax = unit === "percent" ? 100 : unit === "percentunit" ? 1 : Math.max(1, (value ?? 0) * 1.2);
  const max = d?.max ?? fallbackMax;
  return { min, max: max > min ? max : min + 1 };
}
