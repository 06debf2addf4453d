// An in-memory logs backend (a few thousand seed-format lines, hostile ones included) for tests
// and the dev demo. Spread into testing/fakeBackend.ts's createFakeBackend.

import type { CommandResult } from "../../lib/backend";
import type { HinomiError } from "../../lib/bindings";
import type {
  ExportProgress,
  FieldTopValues,
  IndexStatus,
  LogField,
  LogFilter,
  LogHistogram,
  LogHit,
  LogQuery,
  LogTarget,
  SavedSearch,
} from "../../lib/bindings";
import type { LogsBackend } from "./types";

/** A hit in the seed's format (§6.2): timestamp, level, message, context.request_id... */
export function fakeLogHit(n: number, timeMs: number, extra: Record<string, string> = {}): LogHit {
  const level = n % 17 === 0 ? "ERROR" : n % 5 === 0 ? "WARN" : "INFO";
  const request = `req-${Math.floor(n / 3)}`;
  const fields: Record<string, string> = {
    "@timestamp": new Date(timeMs).toISOString(),
    level,
    message: level === "ERROR" ? `dataset ${n % 7} import failed: timeout` : `GET /api/datasets/${n % 11} 200`,
    service: "dataset-management",
    "context.request_id": request,
    "context.user": `user-${n % 4}`,
    ...extra,
  };
  const source = Object.fromEntries(Object.entries(fields));
  return {
    id: `dataset-management-fake/${n}`,
    index: "dataset-management-fake",
    time_ms: timeMs,
    level: fields.level ?? null,
    fields,
    source_json: JSON.stringify(source, null, 2),
    cursor: JSON.stringify([timeMs, n]),
  };
}

/** Lines that must stay text and keep the layout: markup, ANSI, bidi override, NUL, 1 MB. */
export function hostileMessages(): string[] {
  return [
    "<script>window.__pwned = true</script>",
    '<img src=x onerror="window.__pwned = true">',
    "\u001b[31mred ANSI\u001b[0m and \u001b[1mbold\u001b[0m",
    "user \u202Egnp.exe\u202C uploaded",
    "NUL here:\u0000:end",
    "x".repeat(1_000_000),
  ];
}

/** The logs commands themselves (pinning goes through the incidents slice). */
export type LogsOnlyBackend = Omit<LogsBackend, "listIncidents" | "pinEvidence">;

export interface FakeLogsState {
  targets: LogTarget[];
  /** Newest first, as a search answers. */
  docs: LogHit[];
  fields: LogField[];
  saved: SavedSearch[];
  /** When set, searchLogs answers with it (e.g. a query_string parse error). */
  searchError: HinomiError | null;
  /** Shard failures reported with every search. */
  partial: { failed_shards: number; total_shards: number; reasons: string[] } | null;
  /** Hits the next tailLogs call returns (then emptied). */
  tailQueue: LogHit[];
  /** Progress messages an export sends before it ends. */
  exportSteps: number;
  /** Every call: [name, args]. */
  calls: Array<[string, unknown[]]>;
  /** Result sets kept "in Rust". */
  results: Map<string, LogHit[]>;
  exportCancelled: boolean;
  /** The index status of every local files target. */
  localStatus: IndexStatus;
  /** What the system chooser "picks" (null: cancelled). */
  chosen: string[] | null;
}

function matches(hit: LogHit, query: LogQuery): boolean {
  const t = hit.time_ms ?? 0;
  if (t < (query.window.from_ms ?? 0) || t > (query.window.to_ms ?? 0)) return false;
  for (const f of query.filters) if (filterMatches(hit, f) === f.negate) return false;
  const q = query.query.trim();
  if (q === "" || q === "*") return true;
  return q.split(/\s+AND\s+/).every((term) => {
    const m = /^([\w.@-]+):"?([^"]*)"?$/.exec(term);
    if (m) return (hit.fields[m[1]!] ?? "").toLowerCase() === m[2]!.toLowerCase() || (m[2] === "*" && m[1]! in hit.fields);
    return hit.source_json.toLowerCase().includes(term.toLowerCase());
  });
}

function filterMatches(hit: LogHit, f: LogFilter): boolean {
  return f.kind === "exists" ? f.field in hit.fields : hit.fields[f.field] === f.value;
}

function histogram(hits: readonly LogHit[], logWindow: { from_ms: number | null; to_ms: number | null }): LogHistogram {
  const window = { from_ms: logWindow.from_ms ?? 0, to_ms: logWindow.to_ms ?? 0 };
  const span = Math.max(1, window.to_ms - window.from_ms);
  const interval = Math.max(1000, Math.ceil(span / 40 / 1000) * 1000);
  const start = Math.floor(window.from_ms / interval) * interval;
  const count = Math.ceil((window.to_ms - start) / interval) || 1;
  const buckets = Array.from({ length: count }, (_, i) => ({ start_ms: start + i * interval, count: 0 }));
  for (const h of hits) {
    const i = Math.floor(((h.time_ms ?? 0) - start) / interval);
    if (buckets[i]) buckets[i].count++;
  }
  return { interval_ms: interval, interval_label: `${interval / 1000}s`, buckets };
}

/** As hinomi_logs::saved::builtin_searches has them. */
const BUILTINS: SavedSearch[] = [
  { id: "builtin:errors-last-hour", name: "Errors in the last hour", query: "level:ERROR", filters: [], relative_from: "now-1h", builtin: true },
  {
    id: "builtin:request-lines",
    name: "All lines of a request",
    query: "context.request_id:{{value}}",
    filters: [],
    relative_from: "now-24h",
    builtin: true,
    parameter: "context.request_id",
  },
];

export function createFakeLogs(
  initial: Partial<FakeLogsState> = {},
  now: () => number = Date.now,
): LogsOnlyBackend & { logsState: FakeLogsState } {
  const nowMs = now();
  const docs: LogHit[] = [];
  for (let n = 0; n < 3_000; n++) docs.push(fakeLogHit(n, nowMs - n * 1_100));
  hostileMessages().forEach((message, i) => {
    docs.splice(3 + i * 2, 0, fakeLogHit(10_000 + i, nowMs - (3 + i * 2) * 1_100 + 5, { message, level: "WARN" }));
  });
  const state: FakeLogsState = {
    targets: [{ datasource_id: "logs", index: "dataset-management-*", time_field: "@timestamp" }],
    docs,
    fields: ["@timestamp", "level", "message", "service", "context.request_id", "context.user", "instance"].map((name) => ({
      name,
      field_type: name === "@timestamp" ? "date" : name === "message" ? "text" : "keyword",
      aggregatable: name !== "message",
      searchable: true,
      aggregatable_field: name === "message" ? null : name,
    })),
    saved: [...BUILTINS],
    searchError: null,
    partial: null,
    tailQueue: [],
    exportSteps: 3,
    calls: [],
    results: new Map(),
    exportCancelled: false,
    localStatus: {
      files: [{ path: "/var/log/dataset-management/dataset-management-2024-03-21.log", state: "following", lines: 3_000, bytes_read: 612_000, size: 612_000 }],
      lines_indexed: 3_000,
      lag_bytes: 0,
      since_last_pass_ms: 400,
      issues: [{ path: "/var/log/dataset-management/dataset-management-2024-03-21.log", kind: "invalid_utf8", first_line: 17, count: 2, detail: "" }],
    },
    chosen: null,
    ...initial,
  };
  const addTarget = (paths: string[]): LogTarget => {
    const existing = state.targets.find((t) => t.local_files && t.index === paths.join(", "));
    if (existing) return existing;
    const target: LogTarget = { datasource_id: `local-files-${state.targets.length}`, index: paths.join(", "), time_field: "", local_files: true };
    state.targets = [...state.targets, target];
    return target;
  };
  let nextResult = 0;
  const ok = <T>(data: T): CommandResult<T> => ({ status: "ok", data: structuredClone(data) });
  const log = (name: string, args: unknown[]) => state.calls.push([name, args]);
  const run = (query: LogQuery) => state.docs.filter((h) => matches(h, query));

  return {
    logsState: state,
    async logTargets() {
      log("logTargets", []);
      return ok(state.targets);
    },
    async logFields(target) {
      log("logFields", [target]);
      return ok(state.fields);
    },
    async searchLogs(target, query) {
      log("searchLogs", [target, query]);
      if (state.searchError) return { status: "error", error: state.searchError };
      if ((query.query.match(/\(/g) ?? []).length !== (query.query.match(/\)/g) ?? []).length) {
        return {
          status: "error",
          error: {
            code: "invalid_input",
            message: "query_shard_exception: Failed to parse query [" + query.query + "]",
            detail: "parse_exception: Encountered \"<EOF>\"",
          },
        };
      }
      const hits = run(query);
      const id = `fake-${++nextResult}`;
      state.results.set(id, hits);
      const capped = Math.min(hits.length, 100_000);
      return ok({
        result_id: id,
        total: hits.length > 10_000 ? { value: 10_000, exact: false } : { value: hits.length, exact: true },
        row_count: capped,
        capped: hits.length > capped,
        first_rows: hits.slice(0, 100),
        histogram: histogram(hits, query.window),
        partial: state.partial,
        took_ms: 3,
      });
    },
    async logRows(resultId, offset, limit) {
      log("logRows", [resultId, offset, limit]);
      const hits = state.results.get(resultId);
      if (!hits) return { status: "error", error: { code: "not_found", message: `no result set ${resultId}` } };
      return ok({ offset, rows: hits.slice(offset, offset + limit) });
    },
    async closeLogResult(resultId) {
      log("closeLogResult", [resultId]);
      state.results.delete(resultId);
      return ok(null);
    },
    async logFieldTopValues(target, query, field) {
      log("logFieldTopValues", [target, query, field]);
      const hits = run(query);
      const counts = new Map<string, number>();
      let withField = 0;
      for (const h of hits) {
        const v = h.fields[field];
        if (v === undefined) continue;
        withField++;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const values = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([value, count]) => ({ value, count }));
      const top: FieldTopValues = { field, values, with_field: withField, total: hits.length };
      return ok(top);
    },
    async surroundingLogs(target, anchor, before, after, sameRequest) {
      log("surroundingLogs", [target, anchor.id, before, after, sameRequest]);
      const request = anchor.fields["context.request_id"];
      const pool = sameRequest ? state.docs.filter((h) => h.fields["context.request_id"] === request) : state.docs;
      const at = pool.findIndex((h) => h.id === anchor.id);
      // `pool` is newest first: older lines follow the anchor, newer ones precede it.
      const older = pool.slice(at + 1, at + 1 + before).reverse();
      const newer = pool.slice(Math.max(0, at - after), at).reverse();
      return ok({ before: older, anchor, after: newer });
    },
    async tailLogs(target, query, cursor) {
      log("tailLogs", [target, query, cursor]);
      if (cursor === null) {
        const latest = run(query).slice(0, 50).reverse();
        return ok({ hits: latest, cursor: latest.at(-1)?.cursor ?? null });
      }
      const hits = state.tailQueue;
      state.tailQueue = [];
      return ok({ hits, cursor: hits.at(-1)?.cursor ?? cursor });
    },
    async exportLogs(target, query, format, columns, path, onProgress) {
      log("exportLogs", [target, query, format, columns, path]);
      state.exportCancelled = false;
      const total = run(query).length;
      for (let step = 1; step <= state.exportSteps; step++) {
        await Promise.resolve();
        if (state.exportCancelled) return { status: "error", error: { code: "cancelled", message: "The export was cancelled." } };
        const written = Math.round((total * step) / (state.exportSteps + 1));
        onProgress({ written, total, bytes: written * 120, done: false });
      }
      const last: ExportProgress = { written: total, total, bytes: total * 120, done: true };
      onProgress(last);
      return ok(last);
    },
    async cancelLogExport() {
      log("cancelLogExport", []);
      state.exportCancelled = true;
      return ok(true);
    },
    async savedSearches() {
      log("savedSearches", []);
      return ok(state.saved);
    },
    async saveSearch(search) {
      log("saveSearch", [search]);
      state.saved = [...state.saved.filter((s) => s.id !== search.id), { ...search, builtin: false }];
      return ok(state.saved);
    },
    async deleteSavedSearch(id) {
      log("deleteSavedSearch", [id]);
      state.saved = state.saved.filter((s) => s.id !== id || s.builtin);
      return ok(state.saved);
    },
    async resolveSavedSearch(search, hit) {
      log("resolveSavedSearch", [search.id, hit?.id ?? null]);
      if (!search.parameter) return ok(search.query);
      const value = hit?.fields[search.parameter];
      if (value === undefined) {
        return { status: "error", error: { code: "invalid_input", message: `Select a line that has ${search.parameter} to use this search.` } };
      }
      return ok(search.query.replace("{{value}}", JSON.stringify(value)));
    },
    async logVolume(target, query) {
      log("logVolume", [target, query]);
      return ok(histogram(run(query), query.window));
    },
    async localLogStatus(datasourceId) {
      log("localLogStatus", [datasourceId]);
      if (!state.targets.some((t) => t.datasource_id === datasourceId && t.local_files)) {
        return { status: "error", error: { code: "invalid_input", message: `"${datasourceId}" is not a local files datasource.` } };
      }
      return ok(state.localStatus);
    },
    async addLocalLogSource(paths) {
      log("addLocalLogSource", [paths]);
      if (paths.length === 0) return { status: "error", error: { code: "invalid_input", message: "Drop or choose a folder or a log file." } };
      return ok(addTarget(paths));
    },
    async chooseLocalLogSource(folder) {
      log("chooseLocalLogSource", [folder]);
      return ok(state.chosen ? addTarget(state.chosen) : null);
    },
  };
}
