// Explore's state, kept per app: the expression, range and mode, the last graph or table, the
// autocomplete catalog, and the query history (kept in localStorage, newest first).

import { SvelteMap } from "svelte/reactivity";
import type { AppContext } from "../../app/context.svelte";
import type { ExploreRequest } from "../../app/navigation.svelte";
import type { Backend } from "../../lib/backend";
import type { HinomiError, InstantAnswer, PromqlCatalog } from "../../lib/bindings";
import { decodePanelFrame, type PanelResult } from "../../lib/charts/frame";
import { resolveWindow, type TimeRange, type TimeWindow } from "../dashboards/timeRange";

export type ExploreBackend = Pick<Backend, "exploreRange" | "exploreInstant" | "promqlCatalog" | "promqlLabelValues">;
export type ExploreMode = "graph" | "table";

export const HISTORY_KEY = "hinomi.explore.history";
export const HISTORY_LIMIT = 50;

/** Where history is kept: localStorage in the app, a Map in tests. */
export interface HistoryStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readHistory(storage: HistoryStorage | null): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === "string").slice(0, HISTORY_LIMIT) : [];
  } catch {
    return [];
  }
}

/** `expr` first, without repeating it, at most HISTORY_LIMIT entries. */
export function withEntry(history: readonly string[], expr: string): string[] {
  return [expr, ...history.filter((e) => e !== expr)].slice(0, HISTORY_LIMIT);
}

export class ExploreStore {
  expr = $state("");
  mode = $state<ExploreMode>("graph");
  range = $state.raw<TimeRange>({ kind: "relative", last: "1h" });
  window = $state.raw<TimeWindow>({ from_ms: 0, to_ms: 0 });
  datasourceId = $state<string | null>(null);
  /** The graph's drawing width, which the range query is downsampled to. */
  widthPx = $state(800);
  running = $state(false);
  /** Bumped by every run; the chart redraws for it. */
  generation = $state(0);
  graph = $state.raw<PanelResult | null>(null);
  table = $state.raw<InstantAnswer | null>(null);
  /** The call itself failed (not Prometheus's answer, which is inside graph/table). */
  failure = $state.raw<HinomiError | null>(null);
  /** The expression the shown result is for. */
  ranExpr = $state("");
  history = $state.raw<string[]>([]);
  catalog = $state.raw<PromqlCatalog | null>(null);
  catalogError = $state.raw<HinomiError | null>(null);
  readonly labelValues = new SvelteMap<string, string[]>();

  readonly api: ExploreBackend;
  readonly #now: () => number;
  readonly #storage: HistoryStorage | null;
  #lastRequest = 0;
  #run = 0;

  constructor(api: ExploreBackend, storage: HistoryStorage | null, now: () => number = Date.now) {
    this.api = api;
    this.#storage = storage;
    this.#now = now;
    this.history = readHistory(storage);
    this.window = resolveWindow(this.range, now());
  }

  /** Fetches the autocomplete catalog once (again after a failure). */
  async loadCatalog(): Promise<void> {
    if (this.catalog && this.catalog.datasource_id === (this.datasourceId ?? this.catalog.datasource_id)) return;
    const result = await this.api.promqlCatalog(this.datasourceId);
    if (result.status === "ok") {
      this.catalog = result.data;
      this.catalogError = null;
    } else {
      this.catalogError = result.error;
    }
  }

  /** Values of `label` for autocomplete, fetched once per metric and label. */
  async loadLabelValues(label: string, metric: string | null): Promise<string[]> {
    const key = `${metric ?? ""}\n${label}`;
    const known = this.labelValues.get(key);
    if (known) return known;
    const result = await this.api.promqlLabelValues(label, metric, this.datasourceId);
    const values = result.status === "ok" ? result.data : [];
    this.labelValues.set(key, values);
    return values;
  }

  /** Applies an "Open in Explore" once; true when it was new. */
  accept(request: ExploreRequest | null): boolean {
    if (!request || request.id === this.#lastRequest) return false;
    this.#lastRequest = request.id;
    this.expr = request.expr;
    if (request.range) this.range = request.range;
    if (request.datasourceId) this.datasourceId = request.datasourceId;
    this.mode = "graph";
    return true;
  }

  /** A new range runs the expression again (a query for the old range is dropped). */
  async setRange(range: TimeRange): Promise<void> {
    this.range = range;
    this.window = resolveWindow(range, this.#now());
    await this.run();
  }

  async setMode(mode: ExploreMode): Promise<void> {
    this.mode = mode;
    await this.run();
  }

  /** Runs the expression in the current mode. */
  async run(): Promise<void> {
    const expr = this.expr.trim();
    if (expr === "") return;
    const mine = ++this.#run;
    this.window = resolveWindow(this.range, this.#now());
    this.history = withEntry(this.history, expr);
    try {
      this.#storage?.setItem(HISTORY_KEY, JSON.stringify(this.history));
    } catch {
      // History is a convenience; a full or missing storage only loses it.
    }
    this.running = true;
    this.failure = null;
    try {
      if (this.mode === "graph") {
        const result = await this.api.exploreRange(expr, this.datasourceId, this.window, Math.max(10, Math.round(this.widthPx)));
        if (mine !== this.#run) return;
        if (result.status === "ok") {
          this.graph = decodePanelFrame(result.data);
        } else if (result.error.code !== "cancelled") {
          this.failure = result.error;
        }
      } else {
        const result = await this.api.exploreInstant(expr, this.datasourceId, this.window);
        if (mine !== this.#run) return;
        if (result.status === "ok") this.table = result.data;
        else if (result.error.code !== "cancelled") this.failure = result.error;
      }
      this.ranExpr = expr;
      this.generation++;
    } finally {
      if (mine === this.#run) this.running = false;
    }
  }

  clearHistory(): void {
    this.history = [];
    try {
      this.#storage?.setItem(HISTORY_KEY, "[]");
    } catch {
      // see run()
    }
  }
}

export function exploreStore(app: AppContext): ExploreStore {
  return app.keep("explore", () => new ExploreStore(app.backend, typeof localStorage === "undefined" ? null : localStorage));
}
