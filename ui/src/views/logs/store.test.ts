import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeIncidents } from "../incidents/fake";
import { createFakeLogs, fakeLogHit } from "./fake";
import { PAGE_SIZE, LogsStore } from "./store.svelte";
import { TAIL_EVERY_MS } from "./tail";
import type { LogsBackend } from "./types";

const NOW = Date.parse("2026-11-24T12:00:00Z");

function setup() {
  const logs = createFakeLogs({}, () => NOW);
  const incidents = createFakeIncidents();
  const api = { ...incidents, ...logs } as unknown as LogsBackend;
  const storage = new Map<string, string>();
  const store = new LogsStore(api, { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) }, () => NOW);
  const calls = (name: string) => logs.logsState.calls.filter(([n]) => n === name);
  return { logs, incidents, store, storage, calls };
}

afterEach(() => vi.useRealTimers());

describe("LogsStore search", () => {
  it("loads the sources and fields, then searches the window the time picker says", async () => {
    const { store, calls } = setup();
    await store.start();
    expect(store.target?.index).toBe("dataset-management-*");
    expect(store.fields.map((f) => f.name)).toContain("context.request_id");
    await store.search();
    const [, [, query]] = calls("searchLogs")[0] as [string, [unknown, { window: { from_ms: number; to_ms: number } }]];
    expect(query.window).toEqual({ from_ms: NOW - 3_600_000, to_ms: NOW });
    expect(store.result?.row_count).toBeGreaterThan(3_000);
    expect(store.rowAt(0)?.time_ms).toBe(NOW);
  });

  it("keeps the query in the history, newest first and without repeats", async () => {
    const { store, storage } = setup();
    await store.start();
    for (const q of ["level:ERROR", "timeout", "level:ERROR"]) {
      store.queryText = q;
      await store.search();
    }
    expect(store.history).toEqual(["level:ERROR", "timeout"]);
    expect(JSON.parse(storage.get("hinomi.logs.history")!)).toEqual(["level:ERROR", "timeout"]);
  });

  it("shows the engine's refusal at the query bar and keeps no result", async () => {
    const { store } = setup();
    await store.start();
    store.queryText = "level:(ERROR";
    await store.search();
    expect(store.searchError?.message).toContain("Failed to parse query");
    expect(store.result).toBeNull();
  });

  it("fetches only the pages the table reaches, once each, from the kept result", async () => {
    const { store, calls } = setup();
    await store.start();
    await store.search();
    await store.ensureRows(0, 50);
    expect(calls("logRows")).toHaveLength(1);
    await store.ensureRows(PAGE_SIZE * 10 + 5, PAGE_SIZE * 10 + 40);
    await Promise.all([store.ensureRows(PAGE_SIZE * 10, PAGE_SIZE * 10 + 40), store.ensureRows(PAGE_SIZE * 10, PAGE_SIZE * 10 + 40)]);
    const offsets = calls("logRows").map(([, args]) => args[1]);
    expect(offsets).toEqual([0, PAGE_SIZE * 10]);
    expect(store.rowAt(PAGE_SIZE * 10 + 5)).toBeDefined();
    expect(store.rowAt(PAGE_SIZE * 5)).toBeUndefined();
  });

  it("closes the previous result set when a new search replaces it", async () => {
    const { store, calls } = setup();
    await store.start();
    await store.search();
    const first = store.result!.result_id;
    await store.search();
    expect(calls("closeLogResult").map(([, a]) => a[0])).toEqual([first]);
  });

  it("narrows to a histogram selection as an absolute range", async () => {
    const { store } = setup();
    await store.start();
    await store.search();
    await store.narrow(NOW - 120_000, NOW - 60_000);
    expect(store.range).toEqual({ kind: "absolute", fromMs: NOW - 120_000, toMs: NOW - 60_000 });
    expect(store.result!.row_count).toBeLessThan(60);
  });
});

describe("LogsStore filters and fields", () => {
  it("adds, negates and removes filter pills, searching each time", async () => {
    const { store, calls } = setup();
    await store.start();
    await store.addFilter({ kind: "is", field: "level", value: "ERROR", negate: false });
    const errors = store.result!.row_count;
    expect(store.rowAt(0)?.fields.level).toBe("ERROR");
    await store.toggleFilter(0);
    expect(store.filters[0]!.negate).toBe(true);
    expect(store.rowAt(0)?.fields.level).not.toBe("ERROR");
    await store.removeFilter(0);
    expect(store.filters).toEqual([]);
    expect(store.result!.row_count).toBeGreaterThan(errors);
    expect(calls("searchLogs")).toHaveLength(3);
  });

  it("loads a field's top values for the query that was run", async () => {
    const { store } = setup();
    await store.start();
    await store.search();
    await store.showField("level");
    const top = store.topValues.get("level");
    expect(top && "values" in top ? top.values.map((v) => v.value) : []).toEqual(["INFO", "WARN", "ERROR"]);
    await store.showField("level");
    expect(store.openField).toBeNull();
  });

  it("toggles columns", () => {
    const { store } = setup();
    store.toggleColumn("context.request_id");
    expect(store.columns).toEqual(["level", "message", "context.request_id"]);
    store.toggleColumn("level");
    expect(store.columns).toEqual(["message", "context.request_id"]);
  });
});

describe("LogsStore surrounding documents", () => {
  it("loads lines around the anchor and more on either side", async () => {
    const { store, calls } = setup();
    await store.start();
    await store.search();
    const anchor = store.rowAt(40)!;
    await store.loadSurrounding(anchor);
    expect(store.surrounding?.before).toHaveLength(5);
    expect(store.surrounding?.after).toHaveLength(5);
    expect(store.surrounding!.before.every((h) => (h.time_ms ?? 0) <= (anchor.time_ms ?? 0))).toBe(true);
    await store.loadSurrounding(anchor, "before");
    expect(store.surrounding?.before).toHaveLength(10);
    expect(store.surrounding?.after).toHaveLength(5);
    await store.loadSurrounding(anchor, null, true);
    expect(calls("surroundingLogs").at(-1)![1]).toEqual([expect.anything(), anchor.id, 5, 5, true]);
    expect(store.surrounding!.before.every((h) => h.fields["context.request_id"] === anchor.fields["context.request_id"])).toBe(true);
  });
});

describe("LogsStore live tail", () => {
  it("polls every two seconds with the cursor, appends new lines and marks them fresh", async () => {
    vi.useFakeTimers();
    const { logs, store, calls } = setup();
    await store.start();
    store.startTail();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.tailLines).toHaveLength(50);
    const cursor = store.tailLines.at(-1)!.cursor;
    logs.logsState.tailQueue = [fakeLogHit(90_001, NOW + 1_000), fakeLogHit(90_002, NOW + 2_000)];
    await vi.advanceTimersByTimeAsync(TAIL_EVERY_MS);
    expect(calls("tailLogs")[1]![1][2]).toBe(cursor);
    expect(store.tailLines).toHaveLength(52);
    expect(store.tailFreshFrom).toBe(50);
    expect(store.tailLines.at(-1)!.id).toBe("dataset-management-fake/90002");
    store.stopTail();
    await vi.advanceTimersByTimeAsync(TAIL_EVERY_MS * 3);
    expect(calls("tailLogs")).toHaveLength(2);
  });

  it("asks nothing while paused and resumes where it was", async () => {
    vi.useFakeTimers();
    const { logs, store, calls } = setup();
    await store.start();
    store.startTail();
    await vi.advanceTimersByTimeAsync(0);
    store.setTailPaused(true);
    await vi.advanceTimersByTimeAsync(TAIL_EVERY_MS * 3);
    expect(calls("tailLogs")).toHaveLength(1);
    logs.logsState.tailQueue = [fakeLogHit(90_003, NOW + 3_000)];
    store.setTailPaused(false);
    await vi.advanceTimersByTimeAsync(TAIL_EVERY_MS);
    expect(store.tailLines.at(-1)!.id).toBe("dataset-management-fake/90003");
    store.stopTail();
  });
});

describe("LogsStore export", () => {
  it("reports progress as it arrives and ends done", async () => {
    const { store } = setup();
    await store.start();
    await store.search();
    const seen: number[] = [];
    const job = store.exportTo("csv", "/tmp/out.csv");
    // Progress arrives through the channel while the export runs.
    for (let i = 0; i < 6; i++) {
      await Promise.resolve();
      if (store.exportState?.progress) seen.push(store.exportState.progress.written);
    }
    await job;
    expect(store.exportState).toMatchObject({ running: false, done: true, format: "csv", path: "/tmp/out.csv" });
    expect(store.exportState!.progress!.written).toBe(store.exportState!.progress!.total);
    expect(seen.length).toBeGreaterThan(0);
  });

  it("ends cancelled, not failed, when cancelled", async () => {
    const { store } = setup();
    await store.start();
    await store.search();
    const job = store.exportTo("ndjson", "/tmp/out.ndjson");
    await store.cancelExport();
    await job;
    expect(store.exportState).toMatchObject({ running: false, cancelled: true, error: null, done: false });
  });
});

describe("LogsStore saved searches, pins and requests from other views", () => {
  it("applies a built-in, saves the current search and deletes it", async () => {
    const { store } = setup();
    await store.start();
    await store.applySaved(store.saved.find((s) => s.id === "builtin:errors-last-hour")!);
    expect(store.queryText).toBe("level:ERROR");
    expect(store.range).toEqual({ kind: "relative", last: "1h" });
    await store.saveCurrent("My errors");
    const mine = store.saved.find((s) => !s.builtin)!;
    expect(mine).toMatchObject({ name: "My errors", query: "level:ERROR", relative_from: "now-1h" });
    await store.deleteSaved(mine.id);
    expect(store.saved.every((s) => s.builtin)).toBe(true);
  });

  it("pins the ticked rows with the query, filters and window that found them", async () => {
    const { store, incidents } = setup();
    await store.start();
    const created = await incidents.createIncident({ title: "Errors", severity: "P1" } as never);
    expect(created.status).toBe("ok");
    await store.addFilter({ kind: "is", field: "level", value: "ERROR", negate: false });
    store.toggleSelected(store.rowAt(1)!);
    store.toggleSelected(store.rowAt(0)!);
    const id = created.status === "ok" ? created.data.id : "";
    const pinned = await store.pinSelected(id, "Log lines", "Logs · dataset-management-*");
    expect(pinned.status).toBe("ok");
    const timeline = await incidents.incidentTimeline({ incident_id: id, limit: 50 });
    const evidenceId = timeline.status === "ok" ? timeline.data.entries.map((e) => ("evidence_id" in e.event ? e.event.evidence_id : null)).find(Boolean) : null;
    const evidence = await incidents.getEvidence(evidenceId as string);
    expect(evidence.status === "ok" && evidence.data.data).toMatchObject({
      kind: "logs",
      query: 'level:"ERROR"',
      range: { start: new Date(NOW - 3_600_000).toISOString(), end: new Date(NOW).toISOString() },
    });
    const lines = evidence.status === "ok" && evidence.data.data.kind === "logs" ? evidence.data.data.lines : [];
    expect(lines).toHaveLength(2);
    expect(lines[0]!.timestamp! < lines[1]!.timestamp!).toBe(true);
    expect(lines[0]!.text).toMatch(/^ERROR /);
  });

  it("opens on another view's window with the alert labels the logs have as fields", async () => {
    const { store, calls } = setup();
    const accepted = await store.accept({
      id: 1,
      range: { kind: "absolute", fromMs: NOW - 600_000, toMs: NOW },
      query: "",
      labels: { alertname: "HighErrorRate", service: "dataset-management", job: "api" },
    });
    expect(accepted).toBe(true);
    expect(store.filters).toEqual([{ kind: "is", field: "service", value: "dataset-management", negate: false }]);
    expect(store.window).toEqual({ from_ms: NOW - 600_000, to_ms: NOW });
    expect(calls("searchLogs")).toHaveLength(1);
    expect(await store.accept({ id: 1, range: { kind: "relative", last: "1h" }, query: "", labels: {} })).toBe(false);
  });
});
