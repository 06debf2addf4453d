// Over 400 lines: one store; every action reads or resets the same query and result set.
// Discover's state, kept per app: the source, the query bar, filters and time range, the result
// set (its rows stay in Rust; this keeps only the pages the table has asked for), the field
// sidebar, the expanded document with its surrounding lines, live tail, export and saved searches.

import { SvelteMap } from "svelte/reactivity";
import type { AppContext } from "../../app/context.svelte";
import type { LogsRequest } from "../../app/navigation.svelte";
import type { Backend } from "../../lib/backend";
import type { HinomiError } from "../../lib/bindings";
import { resolveWindow, type TimeRange, type TimeWindow } from "../dashboards/timeRange";
import {
  DEFAULT_COLUMNS,
  HISTORY_KEY,
  filtersFromLabels,
  logExcerpt,
  toggleNegate,
  withFilter,
  withHistoryEntry,
  withoutFilter,
} from "./query";
import { appendTail, TAIL_EVERY_MS } from "./tail";
import type {
  ExportFormat,
  ExportProgress,
  FieldTopValues,
  IndexStatus,
  LogField,
  LogFilter,
  LogHit,
  LogQuery,
  LogSearchResult,
  LogTarget,
  SavedSearch,
} from "../../lib/bindings";
import type { LogsBackend } from "./types";

/** Rows fetched per `logRows` call. */
export const PAGE_SIZE = 200;
/** How often a local files source's index status is asked for while it is shown. */
export const LOCAL_STATUS_EVERY_MS = 2_000;
/** Lines around an anchor asked for at first, and added by each "load more". */
export const SURROUNDING_STEP = 5;

export interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface Surrounding {
  anchor: LogHit;
  before: LogHit[];
  after: LogHit[];
  beforeCount: number;
  afterCount: number;
  sameRequest: boolean;
  loading: boolean;
  error: HinomiError | null;
}

export interface ExportState {
  running: boolean;
  format: ExportFormat;
  path: string;
  progress: ExportProgress | null;
  error: HinomiError | null;
  cancelled: boolean;
  done: boolean;
}

/** Engine refusals of the query itself (shown at the query bar, not as a view error). */
export function isQueryError(error: HinomiError): boolean {
  return error.code === "invalid_input" || error.code === "backend";
}

export class LogsStore {
  targets = $state.raw<LogTarget[]>([]);
  targetsLoaded = $state(false);
  targetsError = $state.raw<HinomiError | null>(null);
  target = $state.raw<LogTarget | null>(null);

  queryText = $state("");
  filters = $state.raw<LogFilter[]>([]);
  range = $state.raw<TimeRange>({ kind: "relative", last: "1h" });
  window = $state.raw<TimeWindow>({ from_ms: 0, to_ms: 0 });
  columns = $state.raw<string[]>([...DEFAULT_COLUMNS]);
  history = $state.raw<string[]>([]);

  fields = $state.raw<LogField[]>([]);
  fieldsError = $state.raw<HinomiError | null>(null);
  running = $state(false);
  result = $state.raw<LogSearchResult | null>(null);
  /** The query the shown result answers. */
  ranQuery = $state.raw<LogQuery | null>(null);
  searchError = $state.raw<HinomiError | null>(null);
  /** Bumped whenever fetched rows change, so the table re-reads them. */
  rowsVersion = $state(0);
  /** Bumped by every search (the table scrolls back to the top). */
  generation = $state(0);

  openField = $state<string | null>(null);
  readonly topValues = new SvelteMap<string, FieldTopValues | HinomiError>();
  detail = $state.raw<LogHit | null>(null);
  surrounding = $state.raw<Surrounding | null>(null);
  /** Rows ticked for pinning, by hit id. */
  readonly selected = new SvelteMap<string, LogHit>();

  tailOn = $state(false);
  tailPaused = $state(false);
  tailLines = $state.raw<LogHit[]>([]);
  /** Lines from this index on arrived with the latest batch (highlighted). */
  tailFreshFrom = $state(0);
  tailBatches = $state(0);
  tailError = $state.raw<HinomiError | null>(null);
  /** Whether the tail table keeps the newest line in view (false once the user scrolls up). */
  following = $state(true);

  /** The index status of the local files source shown (null for engines). */
  localStatus = $state.raw<IndexStatus | null>(null);
  localStatusError = $state.raw<HinomiError | null>(null);
  /** Adding a local files source (a drop, the chooser or typed paths). */
  adding = $state(false);
  addError = $state.raw<HinomiError | null>(null);
  /** The "Add log files" dialog is open. */
  addOpen = $state(false);
  /** Files are being dragged over the window. */
  dropHover = $state(false);

  exportState = $state.raw<ExportState | null>(null);
  saved = $state.raw<SavedSearch[]>([]);
  savedError = $state.raw<HinomiError | null>(null);

  readonly api: LogsBackend;
  readonly #now: () => number;
  readonly #storage: Storage | null;
  readonly #rows = new Map<number, LogHit>();
  readonly #pending = new Set<number>();
  #run = 0;
  #tailTimer: ReturnType<typeof setTimeout> | null = null;
  #tailCursor: string | null = null;
  #tailRun = 0;
  #lastRequest = 0;
  #started: Promise<void> | null = null;
  #statusTimer: ReturnType<typeof setTimeout> | null = null;
  #statusWatchers = 0;

  constructor(api: LogsBackend, storage: Storage | null = null, now: () => number = Date.now) {
    this.api = api;
    this.#storage = storage;
    this.#now = now;
    this.window = resolveWindow(this.range, now());
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(HISTORY_KEY) ?? "[]");
      if (Array.isArray(parsed)) this.history = parsed.filter((q): q is string => typeof q === "string");
    } catch {
      this.history = [];
    }
  }

  /** The query as the bar, pills and picker say now. */
  currentQuery(): LogQuery {
    return { query: this.queryText, filters: this.filters, window: this.window };
  }

  /** Sources, saved searches and the first source's fields; once (again after a failure). */
  start(): Promise<void> {
    this.#started ??= this.#load().then(() => {
      if (this.targetsError) this.#started = null;
    });
    return this.#started;
  }

  async #load(): Promise<void> {
    const [, saved] = await Promise.all([this.#loadTargets(), this.api.savedSearches()]);
    if (saved.status === "ok") this.saved = saved.data;
    else this.savedError = saved.error;
    await this.loadFields();
  }

  async #loadTargets(): Promise<void> {
    const targets = await this.api.logTargets();
    this.targetsLoaded = true;
    if (targets.status === "ok") {
      this.targets = targets.data;
      this.targetsError = null;
      const same = targets.data.find((t) => t.datasource_id === this.target?.datasource_id);
      // An engine target keeps the index pattern typed in the view; a local one takes the paths
      // Settings now has.
      if (!same) this.target = targets.data[0] ?? null;
      else if (same.local_files) this.target = same;
    } else {
      this.targetsError = targets.error;
    }
  }

  /**
   * Adds a local files source over `paths` (dropped, chosen or typed), switches to it and
   * searches it. Returns the new target, or null when it could not be added (see `addError`).
   */
  async addSource(paths: string[]): Promise<LogTarget | null> {
    const wanted = paths.map((p) => p.trim()).filter((p) => p !== "");
    if (wanted.length === 0) return null;
    return this.#adopt(await this.api.addLocalLogSource(wanted));
  }

  /** The system's folder (or files) chooser; nothing happens when it is cancelled. */
  async chooseSource(folder: boolean): Promise<LogTarget | null> {
    return this.#adopt(await this.api.chooseLocalLogSource(folder));
  }

  async #adopt(answer: { status: "ok"; data: LogTarget | null } | { status: "error"; error: HinomiError }): Promise<LogTarget | null> {
    this.adding = true;
    try {
      if (answer.status === "error") {
        this.addError = answer.error;
        return null;
      }
      this.addError = null;
      const target = answer.data;
      if (!target) return null;
      await this.#loadTargets();
      await this.setTarget(this.targets.find((t) => t.datasource_id === target.datasource_id) ?? target);
      return target;
    } finally {
      this.adding = false;
    }
  }

  /** Asks for the shown local source's index status now (null for an engine). */
  async refreshLocalStatus(): Promise<void> {
    const target = this.target;
    if (!target?.local_files) {
      this.localStatus = null;
      this.localStatusError = null;
      return;
    }
    const answer = await this.api.localLogStatus(target.datasource_id);
    if (this.target?.datasource_id !== target.datasource_id) return;
    if (answer.status === "ok") {
      this.localStatus = answer.data;
      this.localStatusError = null;
    } else {
      this.localStatusError = answer.error;
    }
  }

  /**
   * Keeps the local index status fresh while something shows it; returns the function that
   * stops watching. One timer however many watchers.
   */
  watchLocalStatus(): () => void {
    this.#statusWatchers++;
    if (this.#statusWatchers === 1) void this.#pollStatus();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.#statusWatchers--;
      if (this.#statusWatchers === 0 && this.#statusTimer) {
        clearTimeout(this.#statusTimer);
        this.#statusTimer = null;
      }
    };
  }

  async #pollStatus(): Promise<void> {
    await this.refreshLocalStatus();
    if (this.#statusWatchers === 0) return;
    this.#statusTimer = setTimeout(() => void this.#pollStatus(), LOCAL_STATUS_EVERY_MS);
  }

  async loadFields(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const result = await this.api.logFields(target);
    if (this.target !== target) return;
    if (result.status === "ok") {
      this.fields = result.data;
      this.fieldsError = null;
    } else {
      this.fieldsError = result.error;
    }
  }

  /** Switches source (datasource or index pattern) and runs the query there. */
  async setTarget(target: LogTarget): Promise<void> {
    this.target = target;
    this.fields = [];
    this.topValues.clear();
    this.localStatus = null;
    void this.refreshLocalStatus();
    await this.loadFields();
    await this.search();
  }

  async setRange(range: TimeRange): Promise<void> {
    this.range = range;
    await this.search();
  }

  /** Narrows to a window picked on the histogram (a drag or a bar). */
  async narrow(fromMs: number, toMs: number): Promise<void> {
    if (!(toMs > fromMs)) return;
    await this.setRange({ kind: "absolute", fromMs: Math.round(fromMs), toMs: Math.round(toMs) });
  }

  /** Runs the query; a search still on its way is superseded (its result set is closed). */
  async search(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const mine = ++this.#run;
    this.window = resolveWindow(this.range, this.#now());
    const query = this.currentQuery();
    this.#remember(query.query);
    this.running = true;
    this.searchError = null;
    const answer = await this.api.searchLogs(target, query);
    if (mine !== this.#run) {
      if (answer.status === "ok") void this.api.closeLogResult(answer.data.result_id);
      return;
    }
    this.running = false;
    if (answer.status === "error") {
      if (answer.error.code !== "cancelled") this.searchError = answer.error;
      return;
    }
    const previous = this.result;
    if (previous) void this.api.closeLogResult(previous.result_id);
    this.result = answer.data;
    this.ranQuery = query;
    this.#rows.clear();
    this.#pending.clear();
    answer.data.first_rows.forEach((hit, i) => this.#rows.set(i, hit));
    this.rowsVersion++;
    this.generation++;
    this.detail = null;
    this.surrounding = null;
    this.selected.clear();
    this.topValues.clear();
    if (this.openField) void this.loadTopValues(this.openField);
    // A local source learns its fields as it indexes (a new one knows none at first).
    if (target.local_files) void this.loadFields();
  }

  #remember(query: string): void {
    this.history = withHistoryEntry(this.history, query);
    try {
      this.#storage?.setItem(HISTORY_KEY, JSON.stringify(this.history));
    } catch {
      // History is a convenience; a full storage only loses it.
    }
  }

  /** Row `index` of the result set if fetched (reading `rowsVersion` makes callers reactive). */
  rowAt(index: number): LogHit | undefined {
    void this.rowsVersion;
    return this.#rows.get(index);
  }

  /** Fetches the pages covering rows [start, end) that are neither here nor on their way. */
  async ensureRows(start: number, end: number): Promise<void> {
    const result = this.result;
    if (!result) return;
    const last = Math.min(end, result.row_count);
    const fetches: Promise<void>[] = [];
    for (let page = Math.floor(start / PAGE_SIZE); page * PAGE_SIZE < last; page++) {
      const offset = page * PAGE_SIZE;
      if (this.#pending.has(page) || (this.#rows.has(offset) && this.#rows.has(Math.min(offset + PAGE_SIZE, result.row_count) - 1))) continue;
      this.#pending.add(page);
      fetches.push(
        this.api.logRows(result.result_id, offset, PAGE_SIZE).then((answer) => {
          if (this.result !== result) return;
          this.#pending.delete(page);
          if (answer.status === "error") {
            this.searchError = answer.error;
            return;
          }
          answer.data.rows.forEach((hit, i) => this.#rows.set(answer.data.offset + i, hit));
          this.rowsVersion++;
        }),
      );
    }
    await Promise.all(fetches);
  }

  // ---- filters and fields -----------------------------------------------------------------

  async addFilter(filter: LogFilter): Promise<void> {
    this.filters = withFilter(this.filters, filter);
    await this.search();
  }

  async toggleFilter(index: number): Promise<void> {
    this.filters = toggleNegate(this.filters, index);
    await this.search();
  }

  async removeFilter(index: number): Promise<void> {
    this.filters = withoutFilter(this.filters, index);
    await this.search();
  }

  toggleColumn(field: string): void {
    this.columns = this.columns.includes(field) ? this.columns.filter((c) => c !== field) : [...this.columns, field];
  }

  /** Opens (or closes) a field's top values in the sidebar. */
  async showField(field: string | null): Promise<void> {
    this.openField = this.openField === field ? null : field;
    if (this.openField && !this.topValues.has(this.openField)) await this.loadTopValues(this.openField);
  }

  async loadTopValues(field: string): Promise<void> {
    const target = this.target;
    const query = this.ranQuery ?? this.currentQuery();
    if (!target) return;
    const answer = await this.api.logFieldTopValues(target, query, field);
    this.topValues.set(field, answer.status === "ok" ? answer.data : answer.error);
  }

  // ---- the expanded document and the lines around it -----------------------------------------

  expand(hit: LogHit | null): void {
    this.detail = this.detail?.id === hit?.id ? null : hit;
    this.surrounding = null;
  }

  async loadSurrounding(anchor: LogHit, more: "before" | "after" | null = null, sameRequest?: boolean): Promise<void> {
    const target = this.target;
    if (!target) return;
    const prev = this.surrounding?.anchor.id === anchor.id ? this.surrounding : null;
    const same = sameRequest ?? prev?.sameRequest ?? false;
    const keep = prev && prev.sameRequest === same;
    const beforeCount = (keep ? prev.beforeCount : 0) + (more === "after" ? 0 : SURROUNDING_STEP) || SURROUNDING_STEP;
    const afterCount = (keep ? prev.afterCount : 0) + (more === "before" ? 0 : SURROUNDING_STEP) || SURROUNDING_STEP;
    this.surrounding = {
      anchor,
      before: keep ? prev.before : [],
      after: keep ? prev.after : [],
      beforeCount,
      afterCount,
      sameRequest: same,
      loading: true,
      error: null,
    };
    const answer = await this.api.surroundingLogs(target, anchor, beforeCount, afterCount, same);
    if (this.surrounding?.anchor.id !== anchor.id || this.surrounding.beforeCount !== beforeCount || this.surrounding.afterCount !== afterCount) return;
    this.surrounding =
      answer.status === "ok"
        ? { ...this.surrounding, before: answer.data.before, after: answer.data.after, loading: false }
        : { ...this.surrounding, loading: false, error: answer.error };
  }

  // ---- live tail ----------------------------------------------------------------------------

  /** Starts polling for new lines every TAIL_EVERY_MS (after each answer, never two at once). */
  startTail(): void {
    if (!this.target) return;
    this.stopTail();
    this.tailOn = true;
    this.tailPaused = false;
    this.tailLines = [];
    this.tailFreshFrom = 0;
    this.tailError = null;
    this.following = true;
    this.#tailCursor = null;
    const mine = ++this.#tailRun;
    const loop = async () => {
      if (mine !== this.#tailRun) return;
      if (!this.tailPaused) await this.tailTick();
      if (mine !== this.#tailRun) return;
      this.#tailTimer = setTimeout(() => void loop(), TAIL_EVERY_MS);
    };
    void loop();
  }

  stopTail(): void {
    this.#tailRun++;
    if (this.#tailTimer) clearTimeout(this.#tailTimer);
    this.#tailTimer = null;
    this.tailOn = false;
  }

  setTailPaused(paused: boolean): void {
    this.tailPaused = paused;
  }

  /** One poll: the lines after the cursor (the newest page of the window the first time). */
  async tailTick(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const mine = this.#tailRun;
    const now = this.#now();
    const span = this.range.kind === "relative" ? resolveWindow(this.range, now) : { from_ms: now - 15 * 60_000, to_ms: now };
    // A little into the future: a shipper's clock may run ahead of this one.
    const query: LogQuery = { query: this.queryText, filters: this.filters, window: { from_ms: span.from_ms, to_ms: now + 60_000 } };
    const answer = await this.api.tailLogs(target, query, this.#tailCursor);
    if (mine !== this.#tailRun) return;
    if (answer.status === "error") {
      this.tailError = answer.error;
      return;
    }
    this.tailError = null;
    this.#tailCursor = answer.data.cursor ?? this.#tailCursor;
    if (answer.data.hits.length === 0) return;
    const { lines, added } = appendTail(this.tailLines, answer.data.hits);
    if (added === 0) return;
    this.tailFreshFrom = lines.length - added;
    this.tailLines = lines;
    this.tailBatches++;
  }

  /** The tail table reports whether it is at the bottom; new lines keep it there only if so. */
  setFollowing(atBottom: boolean): void {
    this.following = atBottom;
  }

  // ---- export -------------------------------------------------------------------------------

  async exportTo(format: ExportFormat, path: string): Promise<void> {
    const target = this.target;
    if (!target || this.exportState?.running) return;
    const query = this.ranQuery ?? this.currentQuery();
    this.exportState = { running: true, format, path, progress: null, error: null, cancelled: false, done: false };
    const answer = await this.api.exportLogs(target, query, format, this.columns, path, (progress) => {
      if (this.exportState?.running) this.exportState = { ...this.exportState, progress };
    });
    const state = this.exportState;
    if (answer.status === "ok") {
      this.exportState = { ...state, running: false, progress: answer.data, done: true };
    } else if (answer.error.code === "cancelled") {
      this.exportState = { ...state, running: false, cancelled: true };
    } else {
      this.exportState = { ...state, running: false, error: answer.error };
    }
  }

  async cancelExport(): Promise<void> {
    await this.api.cancelLogExport();
  }

  // ---- saved searches -----------------------------------------------------------------------

  /** Runs a saved search; a parameterised one takes its value from the expanded line. */
  async applySaved(search: SavedSearch): Promise<void> {
    const resolved = await this.api.resolveSavedSearch(search, this.detail);
    if (resolved.status === "error") {
      this.savedError = resolved.error;
      return;
    }
    this.savedError = null;
    this.queryText = resolved.data;
    this.filters = search.filters;
    const m = /^now-(\d+[smhdwy])$/.exec(search.relative_from.trim());
    this.range = { kind: "relative", last: m ? m[1]! : "1h" };
    await this.search();
  }

  async saveCurrent(name: string): Promise<void> {
    const relative =
      this.range.kind === "relative"
        ? `now-${this.range.last}`
        : `now-${Math.max(1, Math.round((this.range.toMs - this.range.fromMs) / 60_000))}m`;
    const search: SavedSearch = {
      id: `user-${this.#now().toString(36)}`,
      name: name.trim(),
      query: this.queryText,
      filters: this.filters,
      relative_from: relative,
      builtin: false,
    };
    const answer = await this.api.saveSearch(search);
    if (answer.status === "ok") {
      this.saved = answer.data;
      this.savedError = null;
    } else {
      this.savedError = answer.error;
    }
  }

  async deleteSaved(id: string): Promise<void> {
    const answer = await this.api.deleteSavedSearch(id);
    if (answer.status === "ok") this.saved = answer.data;
    else this.savedError = answer.error;
  }

  // ---- pinning ------------------------------------------------------------------------------

  toggleSelected(hit: LogHit): void {
    if (this.selected.has(hit.id)) this.selected.delete(hit.id);
    else this.selected.set(hit.id, hit);
  }

  /** Pins the ticked rows, with the query, filters and window they came from. */
  pinSelected(incidentId: string, title: string, datasource: string) {
    const query = this.ranQuery ?? this.currentQuery();
    return this.api.pinEvidence(incidentId, logExcerpt([...this.selected.values()], query, { title, datasource }));
  }

  // ---- "Show logs" from elsewhere -----------------------------------------------------------

  /** Applies a "Show logs" once; true when it was new. */
  async accept(request: LogsRequest | null): Promise<boolean> {
    if (!request || request.id === this.#lastRequest) return false;
    this.#lastRequest = request.id;
    this.stopTail();
    this.queryText = request.query;
    this.range =
      request.range.kind === "relative" ? request.range : { kind: "absolute", fromMs: request.range.fromMs, toMs: request.range.toMs };
    await this.start();
    this.filters = filtersFromLabels(request.labels, this.fields);
    await this.search();
    return true;
  }
}

export function logsStore(app: AppContext): LogsStore {
  return app.keep(
    "logs",
    () => new LogsStore(logsBackend(app.backend), typeof localStorage === "undefined" ? null : localStorage),
  );
}

/** The logs commands of the app's backend. */
export function logsBackend(backend: Backend): LogsBackend {
  return backend;
}
