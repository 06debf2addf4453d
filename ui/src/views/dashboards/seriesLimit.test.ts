import { describe, expect, it } from "vitest";
import { decodePanelFrame, encodePanelFrame } from "../../lib/charts/frame";
import { translate } from "../../lib/i18n/translate";
import { limitedSeries, parseSeriesLimit } from "./seriesLimit";

const one = (i: number) => ({ labels: { i: String(i) }, timestamps: [1, 2], values: [i, i] });

describe("showing N of M", () => {
  it("counts the series drawn and those the limit left out, over every query", () => {
    const result = decodePanelFrame(
      encodePanelFrame([
        { refId: "A", expr: "a", series: [one(1), one(2)], truncatedSeries: 0 },
        { refId: "B", expr: "b", series: [one(3)], truncatedSeries: 1_500 },
      ]),
    );
    expect(limitedSeries(result)).toEqual({ shown: 3, total: 1_503 });
    const whole = decodePanelFrame(encodePanelFrame([{ refId: "A", expr: "a", series: [one(1)] }]));
    expect(limitedSeries(whole)).toBeNull();
    expect(limitedSeries(null)).toBeNull();
  });

  it("says it in English and Japanese", () => {
    const values = { shown: "1,000", total: "1,440" };
    expect(translate("en", "dashboards.panel.truncated", values)).toMatch(/^Showing 1,000 of 1,440 series/);
    expect(translate("ja", "dashboards.panel.truncated", values)).toMatch(/^1,440 系列のうち 1,000 系列を表示中/);
  });
});

describe("parseSeriesLimit", () => {
  it("takes whole numbers from 1 to 20,000, empty for the settings", () => {
    expect(parseSeriesLimit("1000")).toBe(1000);
    expect(parseSeriesLimit(" 20,000 ")).toBe(20_000);
    expect(parseSeriesLimit("")).toBeNull();
    for (const bad of ["0", "20001", "1.5", "-3", "many"]) expect(parseSeriesLimit(bad)).toBeUndefined();
  });
});
