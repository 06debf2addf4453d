import { describe, expect, it } from "vitest";
import { caretLine, tableRows } from "./result";
import { ALERT_MARGIN_MS, alertRange, exprFromGeneratorUrl } from "./links";

describe("alert links", () => {
  it("reads the expression Prometheus puts in an alert's generator URL", () => {
    const url = "http://127.0.0.1:19090/graph?g0.expr=sum%28rate%28api_requests_total%7Bstatus%3D~%225..%22%7D%5B5m%5D%29%29+%3E+0.05&g0.tab=1";
    expect(exprFromGeneratorUrl(url)).toBe('sum(rate(api_requests_total{status=~"5.."}[5m])) > 0.05');
    expect(exprFromGeneratorUrl("http://am/#/alerts")).toBeNull();
    expect(exprFromGeneratorUrl("not a url")).toBeNull();
    expect(exprFromGeneratorUrl(null)).toBeNull();
  });

  it("spans the alert's window with a margin before it", () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const since = new Date(now - 2 * 3_600_000).toISOString();
    expect(alertRange(since, now)).toEqual({ kind: "absolute", fromMs: now - 2 * 3_600_000 - ALERT_MARGIN_MS, toMs: now });
    expect(alertRange(null, now)).toEqual({ kind: "relative", last: "1h" });
  });
});

describe("results", () => {
  it("puts a caret under the column of the line Prometheus names", () => {
    expect(caretLine("sum(\n  rate(x[5m]", { line: 2, column: 3 })).toEqual({ line: "  rate(x[5m]", marker: "  ^" });
    expect(caretLine("up", { line: 3, column: 1 })).toBeNull();
  });

  it("turns an instant answer into rows", () => {
    expect(tableRows({ type: "scalar", timestamp: 1, value: 2 })).toEqual({ kind: "rows", rows: [{ kind: "scalar", value: 2 }] });
    expect(tableRows({ type: "matrix", series_count: 3 })).toEqual({ kind: "matrix", count: 3 });
    expect(tableRows({ type: "vector", samples: [{ labels: { job: "a" }, timestamp: 1, value: 5 }] }).kind).toBe("rows");
  });
});
