import { describe, expect, it } from "vitest";
import { formatDateTime, formatMillis, formatRelative } from "./format";

const now = Date.parse("2026-03-01T12:00:00Z");
const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe("formatRelative", () => {
  it("says seconds under a minute", () => {
    expect(formatRelative(before(12), now, "en")).toMatch(/^12\s?s(ec\.?)? ago$/);
    expect(formatRelative(before(59), now, "en")).toMatch(/^59\s?s/);
    expect(formatRelative(before(12), now, "ja")).toMatch(/^12\s?秒前$/);
  });

  it("rounds down into minutes, hours and days", () => {
    expect(formatRelative(before(61), now, "en")).toMatch(/^1\s?m(in\.?)? ago$/);
    expect(formatRelative(before(119), now, "en")).toMatch(/^1\s?m/);
    expect(formatRelative(before(3 * 3600 + 59 * 60), now, "en")).toMatch(/^3\s?h/);
    expect(formatRelative(before(3 * 3600), now, "ja")).toMatch(/^3\s?時間前$/);
    expect(formatRelative(before(2 * 86400 + 10), now, "en")).toMatch(/^2\s?d(ays)? ago$/);
  });

  it("reads a tiny future skew and zero as now", () => {
    expect(formatRelative(before(-2), now, "en")).toBe("now");
    expect(formatRelative(before(0), now, "ja")).toBe("今");
  });

  it("shows a real future time as future", () => {
    expect(formatRelative(before(-30), now, "en")).toMatch(/^in 30\s?s/);
  });

  it("gives nothing for an unparsable time", () => {
    expect(formatRelative("not a date", now, "en")).toBe("");
  });

  it("accepts Date objects and epoch millis", () => {
    expect(formatRelative(new Date(now - 5000), now, "en")).toMatch(/^5\s?s/);
    expect(formatRelative(now - 5000, now, "en")).toMatch(/^5\s?s/);
  });
});

describe("formatMillis", () => {
  it("shows seconds as milliseconds with fitting precision", () => {
    expect(formatMillis(0.012345, "en")).toBe("12.3 ms");
    expect(formatMillis(0.0012, "en")).toBe("1.2 ms");
    expect(formatMillis(0.00123, "en")).toBe("1.23 ms");
    expect(formatMillis(0.4126, "en")).toBe("413 ms");
    expect(formatMillis(10, "en")).toBe("10,000 ms");
  });
});

describe("formatDateTime", () => {
  it("formats in the locale and passes through what it cannot parse", () => {
    expect(formatDateTime("2026-03-01T12:00:00Z", "ja")).toMatch(/2026\/03\/01|2026\/3\/1/);
    expect(formatDateTime("garbage", "en")).toBe("garbage");
  });
});
