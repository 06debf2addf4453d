import { describe, expect, it } from "vitest";
import { createFakeDashboards } from "../dashboards/fake";
import { ExploreStore, HISTORY_KEY, HISTORY_LIMIT, readHistory, withEntry, type HistoryStorage } from "./store.svelte";

function memory(initial: Record<string, string> = {}): HistoryStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

const NOW = Date.UTC(2026, 0, 1, 12);

describe("history", () => {
  it("puts the newest first without repeats, and survives garbage", () => {
    expect(withEntry(["a", "b", "c"], "b")).toEqual(["b", "a", "c"]);
    const many = Array.from({ length: HISTORY_LIMIT }, (_, i) => `q${i}`);
    expect(withEntry(many, "new")).toHaveLength(HISTORY_LIMIT);
    expect(readHistory(memory({ [HISTORY_KEY]: "not json" }))).toEqual([]);
    expect(readHistory(memory({ [HISTORY_KEY]: '["up", 3, "rate(x[5m])"]' }))).toEqual(["up", "rate(x[5m])"]);
  });
});

describe("ExploreStore", () => {
  it("runs a graph over its range, keeps history across instances", async () => {
    const api = createFakeDashboards();
    const storage = memory();
    const store = new ExploreStore(api, storage, () => NOW);
    store.expr = "up";
    await store.run();
    expect(store.graph?.queries[0]?.series).toHaveLength(2);
    expect(store.graph?.queries[0]?.series[0]?.timestamps[0]).toBeGreaterThanOrEqual((NOW - 3_600_000) / 1000);
    expect(store.ranExpr).toBe("up");
    await store.setMode("table");
    expect(store.table?.result).toMatchObject({ type: "vector" });
    expect(api.dashboardsState.explores).toEqual([
      ["range", "up"],
      ["instant", "up"],
    ]);
    const again = new ExploreStore(api, storage, () => NOW);
    expect(again.history).toEqual(["up"]);
  });

  it("shows Prometheus's error with its position", async () => {
    const store = new ExploreStore(createFakeDashboards(), null, () => NOW);
    store.expr = "sum(rate(up[5m])";
    await store.run();
    const q = store.graph?.queries[0];
    expect(q?.error?.message).toContain("parse error");
    expect(q?.errorPosition).toEqual({ line: 1, column: 17 });
  });

  it("applies each Open in Explore request once", () => {
    const store = new ExploreStore(createFakeDashboards(), null, () => NOW);
    const request = { id: 1, expr: "rate(x[5m])", range: { kind: "absolute" as const, fromMs: NOW - 60_000, toMs: NOW }, datasourceId: null };
    expect(store.accept(request)).toBe(true);
    expect(store.expr).toBe("rate(x[5m])");
    expect(store.range).toEqual(request.range);
    store.expr = "changed";
    expect(store.accept(request)).toBe(false);
    expect(store.expr).toBe("changed");
  });

  it("fetches label values once per metric and label", async () => {
    const api = createFakeDashboards();
    let calls = 0;
    const counting = { ...api, promqlLabelValues: (...args: Parameters<typeof api.promqlLabelValues>) => (calls++, api.promqlLabelValues(...args)) };
    const store = new ExploreStore(counting, null, () => NOW);
    expect(await store.loadLabelValues("job", "up")).toEqual(["api", "node"]);
    expect(await store.loadLabelValues("job", "up")).toEqual(["api", "node"]);
    expect(calls).toBe(1);
  });
});
