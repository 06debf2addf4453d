import { describe, expect, it } from "vitest";
import type { Panel } from "../../lib/bindings";
import { seriesColor } from "../../lib/charts/align";
import { clickLegend, legendOptions, legendRows, visibleSeries } from "./legendTable";

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
    const rows = legendRows(series, ["min", "max", "mean", "last", "lastNotNull"], new Set());
    expect(rows[0]!.stats).toEqual([1, 5, 3, 3, 3]);
    expect(rows[1]!.stats).toEqual([2, 2, 2, null, 2]);
    expect(rows[2]!.stats).toEqual([null, null, null, null, null]);
  });

  it("keeps every series' colour when one is hidden", () => {
    const hidden = new Set([0]);
    const drawn = visibleSeries(series, hidden);
    expect(drawn.map((s) => s.name)).toEqual(["POST", "DELETE"]);
    expect(drawn[1]!.color).toBe(seriesColor(2));
    expect(drawn[0]!.color).toBe("#ff0000");
    expect(legendRows(series, [], hidden).map((r) => r.hidden)).toEqual([true, false, false]);
  });
});

describe("legend clicks", () => {
  it("isolates a series on click and shows all again on a second click", () => {
    const isolated = clickLegend(new Set(), 3, 1, false);
    expect([...isolated].sort()).toEqual([0, 2]);
    expect(clickLegend(isolated, 3, 1, false).size).toBe(0);
  });

  it("toggles one series with a modifier", () => {
    const hidden = clickLegend(new Set(), 3, 2, true);
    expect([...hidden]).toEqual([2]);
    expect(clickLegend(hidden, 3, 2, true).size).toBe(0);
  });
});
