import { describe, expect, it } from "vitest";
import { seriesColor } from "./align";
import { tooltipLeft, tooltipRows } from "./tooltip";

const series = [
  { name: "GET", timestamps: [], values: [] },
  { name: "POST", color: "#ff0000", timestamps: [], values: [] },
  { name: "DELETE", timestamps: [], values: [] },
];

describe("chart tooltip", () => {
  it("lists each series' value at the cursor, highest first, leaving out gaps", () => {
    const columns = [
      [1, 2, 3],
      [5, null, 1],
      [NaN, 7, 0.5],
    ];
    expect(tooltipRows(series, columns, 1)).toEqual([
      { name: "DELETE", color: seriesColor(2), value: 7 },
      { name: "GET", color: seriesColor(0), value: 2 },
    ]);
    expect(tooltipRows(series, columns, 0).map((r) => r.name)).toEqual(["POST", "GET"]);
    expect(tooltipRows(series, columns, 0)[0]!.color).toBe("#ff0000");
  });

  it("leaves out the series the legend hides, keeping the others' colours", () => {
    const columns = [
      [1, 2, 3],
      [5, 6, 1],
      [4, 7, 0.5],
    ];
    expect(tooltipRows(series, columns, 1, (i) => i !== 2)).toEqual([
      { name: "POST", color: "#ff0000", value: 6 },
      { name: "GET", color: seriesColor(0), value: 2 },
    ]);
  });

  it("flips to the left of the cursor near the right edge", () => {
    expect(tooltipLeft(100, 800)).toBe(112);
    expect(tooltipLeft(700, 800)).toBe(468);
    expect(tooltipLeft(50, 100)).toBe(0);
  });
});
