import { describe, expect, it } from "vitest";
import { axisLabels, formatUnit } from "./units";

describe("formatUnit", () => {
  it("writes bytes in binary steps", () => {
    expect(formatUnit(512, "bytes")).toBe("512 B");
    expect(formatUnit(1536, "bytes")).toBe("1.5 KiB");
    expect(formatUnit(8 * 1024 ** 3, "bytes")).toBe("8 GiB");
    expect(formatUnit(2_500_000, "decbytes")).toBe("2.5 MB");
  });
  it("writes durations in the largest fitting unit", () => {
    expect(formatUnit(0.25, "s")).toBe("250 ms");
    expect(formatUnit(90, "s")).toBe("1.5 min");
    expect(formatUnit(3 * 86400, "s")).toBe("3 day");
    expect(formatUnit(0.0005, "s")).toBe("500 µs");
  });
  it("writes percent and percentunit", () => {
    expect(formatUnit(42.345, "percent")).toBe("42.3%");
    expect(formatUnit(0.0123, "percentunit")).toBe("1.23%");
    expect(formatUnit(3, "percent", 0)).toBe("3%");
  });
  it("writes rates and short numbers", () => {
    expect(formatUnit(12.5, "reqps")).toBe("12.5 req/s");
    expect(formatUnit(1_200_000, "short")).toBe("1.2 Mil");
    expect(formatUnit(0.004)).toBe("0.004");
  });
  it("handles the odd values", () => {
    expect(formatUnit(NaN, "s")).toBe("–");
    expect(formatUnit(null)).toBe("–");
    expect(formatUnit(Infinity)).toBe("+Inf");
    expect(formatUnit(5, "widgets")).toBe("5 widgets");
  });
});

describe("axisLabels", () => {
  it("adds decimals until ticks differ", () => {
    expect(axisLabels([75.41, 75.43, 75.45], "percent")).toEqual(["75.41%", "75.43%", "75.45%"]);
    expect(axisLabels([0, 50, 100], "percent")).toEqual(["0%", "50%", "100%"]);
  });
});
