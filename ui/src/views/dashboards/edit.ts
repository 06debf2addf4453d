// The panel editor's draft, and the edits (`hinomi_dashboards::PanelEdit`) that turn the panel
// into it — only what changed, so the rest of the Grafana JSON is left alone.

import type { Panel, PanelEdit } from "../../lib/bindings";
import { panelUnit } from "./panelView";
import { panelSeriesLimit, parseSeriesLimit } from "./seriesLimit";

/** The types the editor offers (what `PanelKind::DRAWABLE_TYPES` accepts). */
export const EDITABLE_TYPES = ["timeseries", "stat", "gauge", "bargauge", "table", "text", "heatmap", "state-timeline"] as const;

/** Units offered in the editor; any other unit the panel has is kept as an extra choice. */
export const COMMON_UNITS = ["", "short", "percent", "percentunit", "bytes", "decbytes", "bps", "Bps", "s", "ms", "reqps", "ops"] as const;

export interface PanelDraft {
  title: string;
  type: string;
  unit: string;
  /** The panel's own series limit as typed; empty follows the settings. */
  seriesLimit: string;
  targets: Array<{ refId: string; expr: string; legendFormat: string }>;
}

export function draftOf(panel: Panel): PanelDraft {
  return {
    title: panel.title ?? "",
    type: panel.type,
    unit: panelUnit(panel) ?? "",
    seriesLimit: String(panelSeriesLimit(panel) ?? ""),
    targets: (panel.targets ?? [])
      .filter((t) => t.refId)
      .map((t) => ({ refId: t.refId!, expr: t.expr ?? "", legendFormat: t.legendFormat ?? "" })),
  };
}

export function panelEdits(panel: Panel, draft: PanelDraft): PanelEdit[] {
  const before = draftOf(panel);
  const edits: PanelEdit[] = [];
  if (draft.title !== before.title) edits.push({ kind: "title", title: draft.title });
  if (draft.type !== before.type) edits.push({ kind: "type", panel_type: draft.type });
  if (draft.unit !== before.unit) edits.push({ kind: "unit", unit: draft.unit === "" ? null : draft.unit });
  const limit = parseSeriesLimit(draft.seriesLimit);
  if (limit !== undefined && limit !== parseSeriesLimit(before.seriesLimit)) edits.push({ kind: "series_limit", limit });
  for (const target of draft.targets) {
    const old = before.targets.find((t) => t.refId === target.refId);
    if (!old) continue;
    if (target.expr !== old.expr) edits.push({ kind: "query", ref_id: target.refId, expr: target.expr });
    if (target.legendFormat !== old.legendFormat) {
      edits.push({ kind: "legend_format", ref_id: target.refId, legend_format: target.legendFormat === "" ? null : target.legendFormat });
    }
  }
  return edits;
}
