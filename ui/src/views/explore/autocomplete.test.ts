import { describe, expect, it } from "vitest";
import type { PromqlCatalog } from "../../lib/bindings";
import { applySuggestion, completionContext, suggestions } from "./autocomplete";

const catalog: PromqlCatalog = {
  datasource_id: "prom",
  metrics: [
    { name: "api_requests_total", metric_type: "counter", help: "Requests" },
    { name: "node_cpu_seconds_total", metric_type: "counter", help: "" },
    { name: "up", metric_type: "gauge", help: "" },
  ],
  label_names: ["__name__", "job", "instance", "method"],
  functions: ["rate", "irate", "sum", "histogram_quantile"],
};

const at = (text: string) => completionContext(text.replace("|", ""), text.indexOf("|"));

describe("completionContext", () => {
  it("names a metric or function being typed", () => {
    expect(at("sum(rate(api_re|")).toEqual({ kind: "metric", prefix: "api_re", from: 9 });
    expect(at("ra|")).toEqual({ kind: "metric", prefix: "ra", from: 0 });
  });

  it("offers label names inside braces and grouping clauses, with the metric", () => {
    expect(at("api_requests_total{|")).toEqual({ kind: "label_name", prefix: "", from: 19, metric: "api_requests_total" });
    expect(at('up{job="api", ins|')).toEqual({ kind: "label_name", prefix: "ins", from: 14, metric: "up" });
    expect(at("sum by (me|")).toMatchObject({ kind: "label_name", prefix: "me", metric: null });
  });

  it("offers label values inside a matcher's quotes", () => {
    expect(at('up{job="a|')).toEqual({ kind: "label_value", label: "job", prefix: "a", from: 8, metric: "up" });
    expect(at('rate(x{method=~"GE|')).toMatchObject({ kind: "label_value", label: "method", prefix: "GE" });
  });

  it("offers nothing in a range, a duration or a number", () => {
    expect(at("rate(up[5|")).toEqual({ kind: "none" });
    expect(at("rate(up[5m]) > 0.9|")).toEqual({ kind: "none" });
    expect(at('up{job=|')).toEqual({ kind: "none" });
    expect(at('"some str|')).toEqual({ kind: "none" });
  });
});

describe("suggestions", () => {
  it("ranks prefix matches first and includes functions", () => {
    expect(suggestions(at("ra|"), catalog, null).map((x) => x.text)).toEqual(["rate", "irate", "histogram_quantile"]);
    const metric = suggestions(at("req|"), catalog, null);
    expect(metric).toEqual([{ kind: "metric", text: "api_requests_total", detail: "counter · Requests" }]);
  });

  it("hides __name__ from label names and filters values", () => {
    expect(suggestions(at("up{|"), catalog, null).map((s) => s.text)).toEqual(["job", "instance", "method"]);
    expect(suggestions(at('up{job="n|'), catalog, ["api", "node", "node-b"]).map((s) => s.text)).toEqual(["node", "node-b"]);
  });
});

describe("applySuggestion", () => {
  it("replaces the prefix and adds what comes next", () => {
    const ctx = at("sum(ra|");
    if (ctx.kind === "none") throw new Error("context");
    expect(applySuggestion("sum(ra", 6, ctx, { kind: "function", text: "rate", detail: "" })).toEqual({ text: "sum(rate(", cursor: 9 });
    const labelCtx = at("up{jo|");
    if (labelCtx.kind === "none") throw new Error("context");
    expect(applySuggestion("up{jo", 5, labelCtx, { kind: "label_name", text: "job", detail: "" })).toEqual({ text: 'up{job="', cursor: 8 });
    const valueCtx = at('up{job="a|');
    if (valueCtx.kind === "none") throw new Error("context");
    expect(applySuggestion('up{job="a', 9, valueCtx, { kind: "label_value", text: 'a"b', detail: "" })).toEqual({ text: 'up{job="a\\"b', cursor: 12 });
  });
});
