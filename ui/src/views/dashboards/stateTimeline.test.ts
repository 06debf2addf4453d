// State timeline lanes as Grafana's state-timeline panel draws them (panel docs: "Merge equal
// consecutive values" on by default, row height 0.9, show values auto, align left; value
// mappings win over the colour scheme; nulls break a state: Grafana inserts nulls where a series
// skips more than its interval, so a missing sample is a gap).

import { describe, expect, it } from "vitest";
import type { Panel } from "../../lib/bindings";
import type { PanelResult } from "../../lib/charts/frame";
import { runAt, stateLanes, timelineLegend, timelineOptions } from "./stateTimeline";

const UP_DOWN = [{ type: "value", options: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } } }];

function panel(defaults: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Panel {
  return { type: "state-timeline", fieldConfig: { defaults, overrides: [] }, options } as unknown as Panel;
}

function result(series: Array<{ job: string; ts: number[]; values: number[] }>, stepSeconds = 15): PanelResult {
  return {
    staleSinceMs: null,
    staleError: null,
    queries: [
      {
        refId: "A",
        expr: "up",
        legendFormat: "{{job}}",
        instant: false,
        stepSeconds,
        datasourceId: null,
        error: null,
        errorPosition: null,
        truncatedSeries: 0,
        series: series.map((s) => ({ labels: { job: s.job }, timestamps: Float64Array.from(s.ts), values: Float64Array.from(s.values), sourcePoints: s.ts.length })),
      },
    ],
  };
}

const spans = (p: Panel, r: PanelResult, to = 1000, merge?: boolean) =>
  stateLanes(p, r, to, merge).map((l) => [l.name, l.runs.map((run) => `${run.text}@${run.start}-${run.end}`)]);

describe("timelineOptions", () => {
  it("has Grafana's defaults", () => {
    expect(timelineOptions(panel())).toEqual({ mergeValues: true, showValue: "auto", rowHeight: 0.9, alignValue: "left", showLegend: true });
    expect(timelineOptions(panel({}, { mergeValues: false, showValue: "never", rowHeight: 2, alignValue: "center", legend: { showLegend: false } }))).toEqual({
      mergeValues: false,
      showValue: "never",
      rowHeight: 1,
      alignValue: "center",
      showLegend: false,
    });
  });
});

describe("stateLanes", () => {
  const up = panel({ mappings: UP_DOWN });

  it("gives one lane per series; equal consecutive values merge into one run", () => {
    const r = result([
      { job: "api", ts: [0, 15, 30, 45], values: [1, 1, 0, 1] },
      { job: "db", ts: [0, 15, 30, 45], values: [1, 1, 1, 1] },
    ]);
    expect(spans(up, r, 60)).toEqual([
      ["api", ["UP@0-30", "DOWN@30-45", "UP@45-60"]],
      ["db", ["UP@0-60"]],
    ]);
    expect(stateLanes(up, r, 60)[0]!.runs.map((run) => run.color)).toEqual(["#3fa65b", "#d9463e", "#3fa65b"]);
  });

  it("keeps every sample its own run when mergeValues is off", () => {
    const r = result([{ job: "api", ts: [0, 15, 30], values: [1, 1, 1] }]);
    expect(spans(up, r, 45, false)).toEqual([["api", ["UP@0-15", "UP@15-30", "UP@30-45"]]]);
  });

  it("leaves a gap where samples are missing, and after the last one holds one step at most", () => {
    const r = result([{ job: "api", ts: [0, 15, 60, 75], values: [1, 1, 1, 1] }]);
    expect(spans(up, r, 1000)).toEqual([["api", ["UP@0-30", "UP@60-90"]]]);
    expect(spans(up, r, 80)).toEqual([["api", ["UP@0-30", "UP@60-80"]]]);
  });

  it("colours unmapped values by thresholds in thresholds mode and shows them with the unit", () => {
    const p = panel({
      unit: "percent",
      color: { mode: "thresholds" },
      thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 80 }] },
    });
    const lane = stateLanes(p, result([{ job: "disk", ts: [0, 15], values: [50, 90] }]), 30)[0]!;
    expect(lane.runs.map((run) => [run.text, run.color])).toEqual([
      ["50%", "#3fa65b"],
      ["90%", "#d9463e"],
    ]);
  });

  it("uses range and special mappings too", () => {
    const p = panel({ mappings: [{ type: "range", options: { from: 0, to: 0.5, result: { text: "LOW", color: "blue" } } }] });
    const lane = stateLanes(p, result([{ job: "x", ts: [0, 15], values: [0.2, 0.9] }]), 30)[0]!;
    expect(lane.runs[0]).toMatchObject({ text: "LOW", color: "#3d7fd9" });
    expect(lane.runs[1]!.text).toBe("0.9");
  });

  it("finds the run under a time, null in a gap", () => {
    const lane = stateLanes(up, result([{ job: "api", ts: [0, 15, 60], values: [1, 0, 1] }]), 1000)[0]!;
    expect(runAt(lane, 5)?.text).toBe("UP");
    expect(runAt(lane, 15)?.text).toBe("DOWN");
    expect(runAt(lane, 45)).toBeNull();
    expect(runAt(lane, 74)?.text).toBe("UP");
    expect(runAt(lane, 75)).toBeNull();
  });
});

describe("timelineLegend", () => {
  it("lists the value mappings' states, else the threshold steps in thresholds mode", () => {
    expect(timelineLegend(panel({ mappings: UP_DOWN }))).toEqual([
      { text: "DOWN", color: "#d9463e" },
      { text: "UP", color: "#3fa65b" },
    ]);
    const thresholds = panel({ color: { mode: "thresholds" }, thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 80 }] } });
    expect(timelineLegend(thresholds)).toEqual([
      { text: "< 80", color: "#3fa65b" },
      { text: "80+", color: "#d9463e" },
    ]);
    expect(timelineLegend(panel())).toEqual([]);
  });
});
