// The Incidents view's data, kept per app: the list, the countdowns, which incident is open, and
// who "I" am. Refreshes every few seconds while the view is mounted.

import type { AppContext } from "../../app/context.svelte";
import type { Backend } from "../../lib/backend";
import type { HinomiError, Incident, IncidentDefaults, ResponseCountdown } from "../../lib/bindings";

export class IncidentsStore {
  incidents = $state.raw<Incident[]>([]);
  countdowns = $state.raw<Record<string, ResponseCountdown>>({});
  defaults = $state.raw<IncidentDefaults | null>(null);
  selectedId = $state<string | null>(null);
  showClosed = $state(false);
  loaded = $state(false);
  error = $state.raw<HinomiError | null>(null);
  /** Why "who I am" and the export folder could not be read; the list still loads without them. */
  defaultsError = $state.raw<HinomiError | null>(null);
  /** Set by the palette's "New incident"; the view opens its form and clears it. */
  newRequested = $state(false);
  /** Bumped whenever the open incident changed, so its timeline reloads. */
  revision = $state(0);
  /** How many list refreshes have finished: the page shows it so a test can wait for the next
   * one instead of guessing at the poll's clock. */
  refreshes = $state(0);
  readonly backend: Backend;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  get selected(): Incident | null {
    return this.incidents.find((i) => i.id === this.selectedId) ?? null;
  }

  /** The defaults, read once; null (with `defaultsError` set) while they cannot be read. */
  async loadDefaults(): Promise<IncidentDefaults | null> {
    if (this.defaults) return this.defaults;
    const result = await this.backend.incidentDefaults();
    if (result.status === "error") {
      this.defaultsError = result.error;
      return null;
    }
    this.defaultsError = null;
    this.defaults = result.data;
    return this.defaults;
  }

  async refresh(): Promise<void> {
    await this.loadDefaults();
    const [list, clocks] = await Promise.all([
      this.backend.listIncidents(!this.showClosed),
      this.backend.incidentCountdowns(),
    ]);
    if (list.status === "ok") {
      this.incidents = list.data;
      this.error = null;
    } else {
      this.error = list.error;
    }
    if (clocks.status === "ok") this.countdowns = Object.fromEntries(clocks.data.map((c) => [c.incident_id, c]));
    this.loaded = true;
    this.refreshes += 1;
  }

  /** Replaces one incident after a change and refreshes the countdowns. */
  updated(incident: Incident): void {
    const others = this.incidents.filter((i) => i.id !== incident.id);
    const at = this.incidents.findIndex((i) => i.id === incident.id);
    this.incidents = at < 0 ? [incident, ...others] : this.incidents.map((i) => (i.id === incident.id ? incident : i));
    this.revision += 1;
    void this.backend.incidentCountdowns().then((clocks) => {
      if (clocks.status === "ok") this.countdowns = Object.fromEntries(clocks.data.map((c) => [c.incident_id, c]));
    });
  }

  poll(everyMs = 5000): () => void {
    void this.refresh();
    const id = setInterval(() => void this.refresh(), everyMs);
    return () => clearInterval(id);
  }
}

export function incidentsStore(app: AppContext): IncidentsStore {
  return app.keep("incidents", () => new IncidentsStore(app.backend));
}
