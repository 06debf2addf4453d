import { describe, expect, it } from "vitest";
import type { CommandResult } from "../../lib/backend";
import type { LogHistogram, LogQuery, LogTarget } from "../../lib/bindings";
import { createFakeLogs } from "../logs/fake";
import { DEFAULT_VOLUME_QUERY, LANES_KEY, LogVolumeLane, laneKey, laneSummary, readLanes, writeLane, type LogVolumeBackend } from "./logVolume.svelte";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const WINDOW = { from_ms: NOW - 15 * 60_000, to_ms: NOW };

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

/** A backend whose logVolume answers wait until the test releases them, in any order. */
function controlledBackend() {
  const target: LogTarget = { datasource_id: "logs", index: "dataset-management-*", time_field: "@timestamp" };
  const pending: { query: LogQuery; resolve: (r: CommandResult<LogHistogram>) => void }[] = [];
  const api: LogVolumeBackend = {
    logTargets: async () => ({ status: "ok", data: [target] }),
    logVolume: (_t, query) => new Promise((resolve) => pending.push({ query, resolve })),
  };
  const answer = (count: number): CommandResult<LogHistogram> => ({
    status: "ok",
    data: { interval_ms: 60_000, interval_label: "1m", buckets: [{ start_ms: NOW - 60_000, count }] },
  });
  return { api, pending, answer };
}

const flush = () => new Promise<void>((r) => queueMicrotask(r)).then(() => Promise.resolve());

describe("log-volume lane", () => {
  it("counts level:ERROR over the panel's window on the first log source by default", async () => {
    const fake = createFakeLogs({}, () => NOW);
    const lane = new LogVolumeLane(fake);
    expect(lane.query).toBe(DEFAULT_VOLUME_QUERY);
    await lane.load(WINDOW);
    const call = fake.logsState.calls.find(([name]) => name === "logVolume");
    expect(call?.[1]).toEqual([fake.logsState.targets[0], { query: "level:ERROR", filters: [], window: WINDOW }]);
    expect(lane.window).toEqual(WINDOW);
    expect(lane.histogram?.buckets.length).toBeGreaterThan(0);
    const errors = fake.logsState.docs.filter((d) => d.level === "ERROR" && d.time_ms! >= WINDOW.from_ms && d.time_ms! <= WINDOW.to_ms).length;
    expect(laneSummary(lane.histogram!).total).toBe(errors);
    expect(lane.loading).toBe(false);
  });

  it("runs an edited query, and an empty one falls back to the default", async () => {
    const fake = createFakeLogs({}, () => NOW);
    const lane = new LogVolumeLane(fake);
    await lane.setQuery("  level:WARN ", WINDOW);
    expect(lane.query).toBe("level:WARN");
    expect(fake.logsState.calls.filter(([n]) => n === "logVolume").at(-1)?.[1][1]).toMatchObject({ query: "level:WARN" });
    await lane.setQuery("   ", WINDOW);
    expect(lane.query).toBe(DEFAULT_VOLUME_QUERY);
  });

  it("asks for the log sources once", async () => {
    const fake = createFakeLogs({}, () => NOW);
    const lane = new LogVolumeLane(fake);
    await lane.load(WINDOW);
    await lane.load({ from_ms: NOW - 60_000, to_ms: NOW });
    expect(fake.logsState.calls.filter(([n]) => n === "logTargets")).toHaveLength(1);
    expect(fake.logsState.calls.filter(([n]) => n === "logVolume")).toHaveLength(2);
  });

  it("keeps the newest window's answer when an older one arrives last", async () => {
    const { api, pending, answer } = controlledBackend();
    const lane = new LogVolumeLane(api);
    const older = lane.load(WINDOW);
    await flush();
    const newerWindow = { from_ms: NOW - 5 * 60_000, to_ms: NOW };
    const newer = lane.load(newerWindow);
    await flush();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(answer(7));
    await newer;
    pending[0]!.resolve(answer(99));
    await older;
    expect(laneSummary(lane.histogram!).total).toBe(7);
    expect(lane.window).toEqual(newerWindow);
    expect(lane.loading).toBe(false);
  });

  it("says when no log source is configured, and shows the engine's refusal", async () => {
    const none = new LogVolumeLane(createFakeLogs({ targets: [] }, () => NOW));
    await none.load(WINDOW);
    expect(none.noSource).toBe(true);
    expect(none.histogram).toBeNull();
    expect(none.loading).toBe(false);

    const { api } = controlledBackend();
    const refusing = new LogVolumeLane({
      ...api,
      logVolume: async () => ({ status: "error", error: { code: "invalid_input", message: "Failed to parse query [level:(]" } }),
    });
    await refusing.load(WINDOW);
    expect(refusing.error?.message).toMatch(/Failed to parse query/);
    expect(refusing.loading).toBe(false);
  });

  it("sums the buckets and finds the busiest one", () => {
    expect(
      laneSummary({
        interval_ms: 1000,
        interval_label: "1s",
        buckets: [
          { start_ms: 1000, count: 2 },
          { start_ms: 2000, count: 9 },
          { start_ms: 3000, count: 9 },
          { start_ms: 4000, count: 0 },
        ],
      }),
    ).toEqual({ total: 20, peak: 9, peakAt: 2000 });
    expect(laneSummary({ interval_ms: null, interval_label: "", buckets: [] })).toEqual({ total: 0, peak: 0, peakAt: null });
  });

  it("remembers switched-on lanes per dashboard panel and forgets switched-off ones", () => {
    const storage = memoryStorage();
    writeLane(storage, laneKey("overview", 1), "level:ERROR");
    writeLane(storage, laneKey("overview", 5), "message:timeout");
    expect(readLanes(storage)).toEqual({ "overview/1": "level:ERROR", "overview/5": "message:timeout" });
    writeLane(storage, laneKey("overview", 1), null);
    expect(readLanes(storage)).toEqual({ "overview/5": "message:timeout" });
    expect(readLanes(memoryStorage({ [LANES_KEY]: "not json" }))).toEqual({});
    expect(readLanes(memoryStorage({ [LANES_KEY]: '{"a/1": 3, "b/2": "level:WARN"}' }))).toEqual({ "b/2": "level:WARN" });
    expect(readLanes(null)).toEqual({});
  });
});
