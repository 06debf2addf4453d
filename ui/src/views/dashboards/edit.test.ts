import { describe, expect, it } from "vitest";
import type { Panel } from "../../lib/bindings";
import { draftOf, panelEdits } from "./edit";

const panel = {
  id: 1,
  type: "timeseries",
  title: "Requests",
  targets: [{ refId: "A", expr: "rate(x[5m])", legendFormat: "{{method}}" }],
  fieldConfig: { defaults: { unit: "reqps" }, overrides: [] },
} as unknown as Panel;

describe("panelEdits", () => {
  it("sends nothing when nothing changed", () => {
    expect(panelEdits(panel, draftOf(panel))).toEqual([]);
  });

  it("sends only what changed, with empty meaning none", () => {
    const draft = draftOf(panel);
    draft.title = "Requests per second";
    draft.unit = "";
    draft.type = "stat";
    draft.targets[0]!.expr = "sum(rate(x[5m]))";
    draft.targets[0]!.legendFormat = "";
    expect(panelEdits(panel, draft)).toEqual([
      { kind: "title", title: "Requests per second" },
      { kind: "type", panel_type: "stat" },
      { kind: "unit", unit: null },
      { kind: "query", ref_id: "A", expr: "sum(rate(x[5m]))" },
      { kind: "legend_format", ref_id: "A", legend_format: null },
    ]);
  });

  it("sets or clears the panel's own series limit, and sends nothing for a limit out of range", () => {
    const draft = draftOf(panel);
    expect(draft.seriesLimit).toBe("");
    draft.seriesLimit = "2,500";
    expect(panelEdits(panel, draft)).toEqual([{ kind: "series_limit", limit: 2500 }]);
    draft.seriesLimit = "0";
    expect(panelEdits(panel, draft)).toEqual([]);
    const limited = { ...panel, options: { hinomiSeriesLimit: 300 } } as unknown as Panel;
    const clearing = draftOf(limited);
    expect(clearing.seriesLimit).toBe("300");
    clearing.seriesLimit = " ";
    expect(panelEdits(limited, clearing)).toEqual([{ kind: "series_limit", limit: null }]);
  });
});
