import { describe, expect, it } from "vitest";
import { filterLegend, heldLegendHeight } from "./legendFilter";
import type { LegendRow } from "./legendTable";

const rows: LegendRow[] = Array.from({ length: 1000 }, (_, i) => ({
  index: i,
  name: `{instance="host-${i}", job="${i % 2 ? "api" : "db"}"}`,
  color: "#fff",
  hidden: false,
  stats: [],
}));

describe("filterLegend", () => {
  it("renders a page of a thousand rows and counts the rest", () => {
    const { rows: shown, more } = filterLegend(rows, "", 100);
    expect(shown).toHaveLength(100);
    expect(more).toBe(900);
  });

  it("keeps rows matching every typed word, case-insensitive, with their series index", () => {
    const { rows: shown, more } = filterLegend(rows, "API host-99", 100);
    expect(shown.map((r) => r.index)).toEqual([99, 991, 993, 995, 997, 999]);
    expect(more).toBe(0);
  });
});

describe("heldLegendHeight", () => {
  it("holds the unfiltered height from the first keystroke until the filter is emptied", () => {
    let held = heldLegendHeight(null, "", "0", 40);
    expect(held).toBe(40);
    // The list is one row high by now; the legend keeps the first height.
    held = heldLegendHeight(held, "0", "00", 14);
    held = heldLegendHeight(held, "00", "0042", 14);
    expect(held).toBe(40);
    held = heldLegendHeight(held, "0042", "", 40);
    expect(held).toBeNull();
  });

  it("treats a filter of spaces as none", () => {
    expect(heldLegendHeight(null, "", "  ", 40)).toBeNull();
    expect(heldLegendHeight(null, " ", "a", 38)).toBe(38);
  });
});
