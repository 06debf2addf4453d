// The Alerts view's state, kept per app: the query (filter text + state toggles), the board the
// backend built for it, open/closed groups, the selected alert. The backend polls the servers;
// this store only asks for the board — when the poller says something changed, and on a timer.

import { SvelteSet } from "svelte/reactivity";
import type { AppContext } from "../../app/context.svelte";
import type { Backend } from "../../lib/backend";
import type { AlertBoard, LiveAlertState, HinomiError, ParseError } from "../../lib/bindings";

export type AlertsTab = "board" | "silences" | "rules" | "watch" | "routing";

export class AlertsStore {
  tab = $state<AlertsTab>("board");
  filterText = $state("");
  readonly states = new SvelteSet<LiveAlertState>(["firing", "pending", "silenced"]);
  board = $state.raw<AlertBoard | null>(null);
  /** The filter as last sent could not be parsed; the board shown is the last good one. */
  filterError = $state.raw<ParseError | null>(null);
  error = $state.raw<HinomiError | null>(null);
  readonly collapsed = new SvelteSet<string>();
  /** `${groupKey}\n${fingerprint}` of the alert shown in the detail panel. */
  selected = $state<string | null>(null);
  /** Set by a notification's "Open": the group to scroll to. */
  focusGroup = $state<string | null>(null);
  /** Set by a notification's "Create incident": the group to create an incident from. */
  incidentRequest = $state<string | null>(null);
  readonly #backend: Backend;
  #seq = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** Asks for the board for the current query; an older answer never overwrites a newer one. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    const result = await this.#backend.alertBoard({ filter: this.filterText, states: [...this.states] });
    if (seq !== this.#seq) return;
    if (result.status === "error") {
      this.error = result.error;
      return;
    }
    const answer = result.data;
    this.error = null;
    if (answer.filter_error) {
      this.filterError = answer.filter_error;
      return;
    }
    this.filterError = null;
    this.board = answer;
  }

  toggleState(state: LiveAlertState): void {
    if (this.states.has(state)) this.states.delete(state);
    else this.states.add(state);
    void this.load();
  }

  toggleGroup(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
  }

  /** Reloads every `intervalSecs()` and whenever `subscribe` reports a change. Returns stop. */
  watch(intervalSecs: () => number, subscribe?: (onChange: () => void) => () => void): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      await this.load();
      if (stopped) return;
      timer = setTimeout(loop, Math.max(1, intervalSecs()) * 1000);
    };
    void loop();
    const unsubscribe = subscribe?.(() => void this.load());
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe?.();
    };
  }
}

export function alertsStore(app: AppContext): AlertsStore {
  return app.keep("alerts", () => new AlertsStore(app.backend));
}
