import { describe, expect, it } from "vitest";
import type { Panel } from "../../lib/bindings";
import { clickLegend, hiddenFlags, legendOptions, legendRows, SHOW_ALL } from "./legendTable";

const series = [
  { name: "GET", timestamps: [1, 2, 3], values: [1, 5, 3] },
  { name: "POST", color: "#ff0000", timestamps: [1, 2, 3], values: [NaN, 2, NaN] },
  { name: "DELETE", timestamps: [1, 2], values: [NaN, NaN] },
];

describe("legend options", () => {
  it("reads Grafana's calcs and drops ones it does not know", () => {
    const panel = { options: { legend: { showLegend: true, calcs: ["min", "max", "mean", "lastNotNull", "variance"] } } } as unknown as Panel;
    expect(legendOptions(panel)).toEqual({ show: true, calcs: ["min", "max", "mean", "lastNotNull"] });
  });

  it("shows a plain legend when the panel says nothing, and none when showLegend is false", () => {
    expect(legendOptions({} as Panel)).toEqual({ show: true, calcs: [] });
    expect(legendOptions({ options: { legend: { showLegend: false } } } as unknown as Panel).show).toBe(false);
  });
});

describe("legend rows", () => {
  it("computes each calculation per series, skipping gaps, null for a series with no number", () => {
    const rows = legendRows(series, ["min", "max", "mean", "last", "lastNotNull"], SHOW_ALL);
    expect(rows[0]!.stats).toEqual([1, 5, 3, 3, 3]);
    expect(rows[1]!.stats).toEqual([2, 2, 2, null, 2]);
    expect(rows[2]!.stats).toEqual([null, null, null, null, null]);
  });

  it("marks the hidden series, in the chart's flags and the legend's rows alike", () => {
    const hidden = { only: false, names: new Set(["GET"]) };
    expect(hiddenFlags(series, hidden)).toEqual([true, false, false]);
    expect(legendRows(series, [], hidden).map((r) => r.hidden)).toEqual([true, false, false]);
  });
});

describe("legend clicks", () => {
  const names = series.map((s) => s.name);
  const shownNames = (selection: ReturnType<typeof clickLegend>, list = series) =>
    list.filter((_, i) => !hiddenFlags(list, selection)[i]).map((s) => s.name);

  it("isolates a series on click and shows all again on a second click", () => {
    const isolated = clickLegend(SHOW_ALL, names, "POST", false);
    expect(shownNames(isolated)).toEqual(["POST"]);
    expect(shownNames(clickLegend(isolated, names, "POST", false))).toEqual(["GET", "POST", "DELETE"]);
  });

  it("toggles one series with a modifier, and back", () => {
    const hidden = clickLegend(SHOW_ALL, names, "DELETE", true);
    expect(shownNames(hidden)).toEqual(["GET", "POST"]);
    expect(shownNames(clickLegend(hidden, names, "DELETE", true))).toEqual(["GET", "POST", "DELETE"]);
  });

  it("adds a series to an isolated one with a modifier", () => {
    const isolated = clickLegend(SHOW_ALL, names, "GET", false);
    expect(shownNames(clickLegend(isolated, names, "DELETE", true))).toEqual(["GET", "DELETE"]);
  });

  it("keeps hiding the same series when a refresh reorders them or adds one", () => {
    const hidden = clickLegend(SHOW_ALL, names, "GET", true);
    const refreshed = [series[2]!, { name: "PUT", timestamps: [1], values: [4] }, series[0]!, series[1]!];
    expect(shownNames(hidden, refreshed)).toEqual(["DELETE", "PUT", "POST"]);
    expect(legendRows(refreshed, [], hidden).map((r) => r.hidden)).toEqual([false, false, true, false]);
    // An isolated series stays the only one shown; a newcomer does not sneak in.
    const isolated = clickLegend(SHOW_ALL, names, "POST", false);
    expect(shownNames(isolated, refreshed)).toEqual(["POST"]);
  });
});
