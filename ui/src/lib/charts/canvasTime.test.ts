import { describe, expect, it } from "vitest";
import { lowerBound, tickLabel, timeTicks } from "./canvasTime";

describe("timeTicks", () => {
  it("puts round ticks at least the spacing apart, inside the range", () => {
    const from = 1_700_000_000;
    const to = from + 3600;
    const ticks = timeTicks(from, to, 800);
    // 3600 s over 800 px at ≥ 80 px apart: 360 s wanted, so 10-minute ticks.
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(600);
    expect(ticks.every((t) => t >= from && t <= to)).toBe(true);
    expect(new Date(ticks[0]! * 1000).getMinutes() % 10).toBe(0);
    expect(timeTicks(to, from, 800)).toEqual([]);
  });

  it("labels with seconds for short ranges and the date for long ones", () => {
    const t = new Date(2026, 11, 4, 9, 5, 7).getTime() / 1000;
    expect(tickLabel(t, 60)).toBe("09:05:07");
    expect(tickLabel(t, 3600)).toBe("09:05");
    expect(tickLabel(t, 7 * 86400)).toBe("12/4 09:05");
  });
});

describe("lowerBound", () => {
  it("finds the first time at or after t", () => {
    const times = [10, 20, 30];
    expect([5, 10, 11, 30, 31].map((t) => lowerBound(times, t))).toEqual([0, 0, 1, 2, 3]);
  });
});
