import { describe, expect, it } from "vitest";
import { cssColor, marksAt, placeMarks, type ChartMark } from "./annotations";

const mark = (time: number, end: number | null, title = "m"): ChartMark => ({ time, end, title, text: "", tags: [], color: "#000", source: "s" });
// 100 s of range over 200 px.
const toPx = (s: number) => (s - 100) * 2;

describe("placeMarks", () => {
  it("places points and regions, clips regions to the plot, drops what is outside", () => {
    const placed = placeMarks([mark(150, null, "point"), mark(80, 120, "region"), mark(300, null, "late"), mark(10, 20, "early"), mark(160, 160, "zero")], 100, 200, toPx, 200);
    expect(placed.map((p) => [p.mark.title, p.left, p.width, p.region])).toEqual([
      ["region", 0, 40, true],
      ["point", 100, 0, false],
      ["zero", 120, 0, false],
    ]);
  });

  it("gives a region at least one pixel", () => {
    expect(placeMarks([mark(150, 150.1)], 100, 200, toPx, 200)[0]).toMatchObject({ width: 1, region: true });
  });
});

describe("marksAt", () => {
  it("finds regions under the pointer and points near it", () => {
    const placed = placeMarks([mark(110, 130, "region"), mark(150, null, "point")], 100, 200, toPx, 200);
    expect(marksAt(placed, 30).map((m) => m.title)).toEqual(["region"]);
    expect(marksAt(placed, 103).map((m) => m.title)).toEqual(["point"]);
    expect(marksAt(placed, 80)).toEqual([]);
  });

  it("lists the most specific first: points, then the narrowest regions", () => {
    const placed = placeMarks([mark(100, 200, "all day"), mark(140, 160, "burst"), mark(150, null, "point")], 100, 200, toPx, 200);
    expect(marksAt(placed, 100).map((m) => m.title)).toEqual(["point", "burst", "all day"]);
  });
});

describe("cssColor", () => {
  it("takes CSS colours and Grafana's names, and refuses anything else", () => {
    expect(cssColor("rgba(0, 211, 255, 1)", "x")).toBe("rgba(0, 211, 255, 1)");
    expect(cssColor("#f00", "x")).toBe("#f00");
    expect(cssColor("red", "x")).toBe("#f2495c");
    expect(cssColor("red; background: url(x)", "x")).toBe("x");
    expect(cssColor(null, "x")).toBe("x");
  });
});
