// The log-volume lane of a dashboard time-series panel: matching log lines per bucket of the
// panel's own time window (the `log_volume` command over the first log source), so a metric
// spike and a log burst are seen one above the other. Which panels show a lane, and with which
// query, is remembered per dashboard panel.

import type { Backend } from "../../lib/backend";
import type { HinomiError, LogHistogram, LogTarget } from "../../lib/bindings";
import type { TimeWindow } from "./timeRange";

/** The seed's "level ERROR" question (§6.2). */
export const DEFAULT_VOLUME_QUERY = "level:ERROR";
/** Where the switched-on lanes are remembered: `{ "<uid>/<panel id>": "<query>" }`. */
export const LANES_KEY = "hinomi.dashboards.logVolume";

export type LogVolumeBackend = Pick<Backend, "logTargets" | "logVolume">;

export interface LaneStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function laneKey(uid: string, panelId: number): string {
  return `${uid}/${panelId}`;
}

/** The remembered lanes; anything unreadable counts as none. */
export function readLanes(storage: LaneStorage | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(LANES_KEY) ?? "{}");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {};
  }
}

/** Remembers a lane's query, or forgets the lane (`null`: switched off). */
export function writeLane(storage: LaneStorage | null, key: string, query: string | null): void {
  const lanes = readLanes(storage);
  if (query === null) delete lanes[key];
  else lanes[key] = query;
  try {
    storage?.setItem(LANES_KEY, JSON.stringify(lanes));
  } catch {
    // A full storage only forgets the lane on the next start.
  }
}

/** Lines in the lane and its busiest bucket (the tallest bar). */
export function laneSummary(histogram: LogHistogram): { total: number; peak: number; peakAt: number | null } {
  let total = 0;
  let peak = 0;
  let peakAt: number | null = null;
  for (const bucket of histogram.buckets) {
    total += bucket.count;
    if (bucket.count > peak) {
      peak = bucket.count;
      peakAt = bucket.start_ms;
    }
  }
  return { total, peak, peakAt };
}

/** One panel's lane: its query and the latest answer for the panel's window. */
export class LogVolumeLane {
  query = $state(DEFAULT_VOLUME_QUERY);
  histogram = $state.raw<LogHistogram | null>(null);
  /** The window the shown histogram covers. */
  window = $state.raw<TimeWindow | null>(null);
  error = $state.raw<HinomiError | null>(null);
  loading = $state(false);
  /** No Elasticsearch / OpenSearch datasource in the settings. */
  noSource = $state(false);

  readonly #api: LogVolumeBackend;
  #target: LogTarget | null = null;
  #run = 0;

  constructor(api: LogVolumeBackend, query: string = DEFAULT_VOLUME_QUERY) {
    this.#api = api;
    this.query = query;
  }

  /** Counts the query's lines over `window`; an answer to an older call is dropped. */
  async load(window: TimeWindow): Promise<void> {
    const mine = ++this.#run;
    this.loading = true;
    const target = await this.#resolveTarget();
    if (mine !== this.#run) return;
    if (!target) {
      this.loading = false;
      return;
    }
    const answer = await this.#api.logVolume(target, { query: this.query, filters: [], window });
    if (mine !== this.#run) return;
    this.loading = false;
    if (answer.status === "ok") {
      this.histogram = answer.data;
      this.window = window;
      this.error = null;
    } else {
      this.error = answer.error;
    }
  }

  /** A new query from the lane's box; runs it over `window`. */
  async setQuery(query: string, window: TimeWindow): Promise<void> {
    this.query = query.trim() === "" ? DEFAULT_VOLUME_QUERY : query.trim();
    await this.load(window);
  }

  async #resolveTarget(): Promise<LogTarget | null> {
    if (this.#target) return this.#target;
    const targets = await this.#api.logTargets();
    if (targets.status === "error") {
      this.error = targets.error;
      return null;
    }
    this.#target = targets.data[0] ?? null;
    this.noSource = this.#target === null;
    return this.#target;
  }
}
