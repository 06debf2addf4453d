// The Targets view's data, kept per app so switching views neither refetches nor blanks it.
// Polls only while the view is mounted; never runs two fetches at once.

import { SvelteSet } from "svelte/reactivity";
import type { AppContext } from "../../app/context.svelte";
import type { Backend } from "../../lib/backend";
import type { HinomiError } from "../../lib/bindings";
import { mergeAnswers, type DatasourceState } from "./targets";

export class TargetsStore {
  datasources = $state.raw<DatasourceState[]>([]);
  /** True once any answer (even an error) has arrived. */
  loaded = $state(false);
  refreshing = $state(false);
  /** The whole `listTargets` call failed (not one datasource); shown over stale data. */
  error = $state.raw<HinomiError | null>(null);
  filterText = $state("");
  onlyDown = $state(false);
  /** `${datasourceId}/${job}` of the job groups the user folded away. */
  readonly collapsed = new SvelteSet<string>();
  /** The benchmark's "first paint" is reported once per app, not once per mount. */
  firstPaintReported = false;

  readonly #backend: Backend;
  #inflight: Promise<void> | null = null;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** Fetches now; a call while a fetch is running joins that fetch. */
  refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<void> {
    this.refreshing = true;
    // Marked once (the poll runs for hours): the start-up benchmark's "targets asked/answered".
    const first = !this.loaded;
    if (first) performance.mark("hinomi:targets-asked");
    try {
      const result = await this.#backend.listTargets();
      if (first) performance.mark("hinomi:targets-answered");
      if (result.status === "ok") {
        this.datasources = mergeAnswers(this.datasources, result.data);
        this.error = null;
      } else {
        this.error = result.error;
      }
    } finally {
      this.loaded = true;
      this.refreshing = false;
    }
  }

  /**
   * Refreshes now and then every `intervalSecs()` seconds after the previous fetch ended (read
   * each time, so a new setting applies at the next tick). Returns the stop function.
   */
  poll(intervalSecs: () => number): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      await this.refresh();
      if (stopped) return;
      timer = setTimeout(loop, Math.max(1, intervalSecs()) * 1000);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
}

export function targetsStore(app: AppContext): TargetsStore {
  return app.keep("targets", () => new TargetsStore(app.backend));
}
