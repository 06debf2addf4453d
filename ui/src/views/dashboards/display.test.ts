import { describe, expect, it } from "vitest";
import type { FieldConfig } from "../../lib/bindings";
import { displayFor, fixedColor, mapValue } from "./display";

const config = {
  defaults: { unit: "bytes", decimals: 1, min: 0 },
  overrides: [
    { matcher: { id: "byName", options: "errors" }, properties: [{ id: "unit", value: "percent" }, { id: "color", value: { mode: "fixed", fixedColor: "red" } }] },
    { matcher: { id: "byRegexp", options: "/^eth.*/" }, properties: [{ id: "displayName", value: "network" }, { id: "decimals", value: 0 }] },
    { matcher: { id: "byFrameRefID", options: "B" }, properties: [{ id: "max", value: 10 }] },
  ],
} as unknown as FieldConfig;

describe("displayFor", () => {
  it("applies the overrides that match the series, in order", () => {
    const errors = displayFor(config, "errors", "A");
    expect(errors.unit).toBe("percent");
    expect(fixedColor(errors)).toBe("#d9463e");
    expect(errors.decimals).toBe(1);
    const eth = displayFor(config, "eth0", "B");
    expect([eth.unit, eth.displayName, eth.decimals, eth.max]).toEqual(["bytes", "network", 0, 10]);
    expect(displayFor(config, "lo", "A")).toMatchObject({ unit: "bytes", displayName: null, max: null });
    expect(fixedColor(displayFor(config, "lo", "A"))).toBeNull();
  });
});

describe("mapValue", () => {
  const mappings = [
    { type: "value", options: { "1": { text: "UP", color: "green" }, "0": { text: "DOWN", color: "red" } } },
    { type: "range", options: { from: 2, to: 10, result: { text: "several" } } },
    { type: "special", options: { match: "null", result: { text: "N/A" } } },
  ];

  it("maps exact values, ranges and missing values", () => {
    expect(mapValue(mappings, 1)).toEqual({ text: "UP", color: "#3fa65b" });
    expect(mapValue(mappings, 0)).toEqual({ text: "DOWN", color: "#d9463e" });
    expect(mapValue(mappings, 5)).toEqual({ text: "several", color: null });
    expect(mapValue(mappings, null)).toEqual({ text: "N/A", color: null });
    expect(mapValue(mappings, 11)).toBeNull();
    expect(mapValue(undefined, 1)).toBeNull();
  });
});

describe("panel values with overrides and mappings", () => {
  it("renames, re-units and maps a stat's values per series", async () => {
    const { reducedValues, chartSeries } = await import("./panelView");
    const { encodePanelFrame, decodePanelFrame } = await import("../../lib/charts/frame");
    const panel = {
      id: 1,
      type: "stat",
      title: "Up",
      fieldConfig: {
        defaults: { unit: "short", mappings: [{ type: "value", options: { "0": { text: "DOWN", color: "red" } } }] },
        overrides: [{ matcher: { id: "byName", options: "api" }, properties: [{ id: "displayName", value: "API" }, { id: "unit", value: "percent" }] }],
      },
    } as never;
    const result = decodePanelFrame(
      encodePanelFrame([
        {
          refId: "A",
          expr: "up",
          legendFormat: "{{job}}",
          series: [
            { labels: { job: "api" }, timestamps: [1, 2], values: [1, 1] },
            { labels: { job: "node" }, timestamps: [1, 2], values: [1, 0] },
          ],
        },
      ]),
    );
    const values = reducedValues(panel, result);
    expect(values.map((v) => [v.name, v.unit, v.text, v.color])).toEqual([
      ["API", "percent", null, null],
      ["node", "short", "DOWN", "#d9463e"],
    ]);
    expect(chartSeries(result, panel).map((s) => s.name)).toEqual(["API", "node"]);
  });

  it("gives a range query's series its step as their own grid, and none to an instant query's", async () => {
    const { chartSeries } = await import("./panelView");
    const { encodePanelFrame, decodePanelFrame } = await import("../../lib/charts/frame");
    const result = decodePanelFrame(
      encodePanelFrame([
        { refId: "A", expr: "up", series: [{ labels: { job: "api" }, timestamps: [0, 15], values: [1, 1] }] },
        { refId: "B", expr: "up", instant: true, series: [{ labels: { job: "node" }, timestamps: [15], values: [1] }] },
      ]),
    );
    // The test encoder says every range query steps 15 s.
    expect(chartSeries(result).map((s) => s.step)).toEqual([15, undefined]);
  });
});
