import { describe, expect, it } from "vitest";
import { needsMore, visibleRange } from "./virtual";

describe("timeline virtualisation", () => {
  it("renders only the rows in view plus the overscan", () => {
    const r = visibleRange(0, 400, 50, 10_000, 5);
    expect(r).toEqual({ start: 0, end: 13, offset: 0, total: 500_000 });
    const mid = visibleRange(250_000, 400, 50, 10_000, 5);
    expect(mid.start).toBe(4995);
    expect(mid.end).toBe(5013);
    expect(mid.offset).toBe(4995 * 50);
    expect(mid.end - mid.start).toBeLessThan(20);
  });

  it("clamps at both ends and handles an empty or short list", () => {
    expect(visibleRange(-100, 400, 50, 10_000).start).toBe(0);
    const end = visibleRange(10_000_000, 400, 50, 10_000, 5);
    expect(end.end).toBe(10_000);
    expect(end.start).toBe(10_000 - 8 - 5);
    expect(visibleRange(0, 400, 50, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
    expect(visibleRange(0, 400, 50, 3)).toMatchObject({ start: 0, end: 3, total: 150 });
  });

  it("asks for the next page when the view nears the end of what is loaded", () => {
    const near = visibleRange(150 * 50, 400, 50, 200);
    expect(needsMore(near, 200, true)).toBe(true);
    expect(needsMore(near, 200, false)).toBe(false);
    expect(needsMore(visibleRange(0, 400, 50, 200), 200, true)).toBe(false);
  });
});
