// What the board's buttons do: silence, acknowledge, create or attach to an incident, snooze.
// Kept apart from the components that draw them so the board frame, the group rows and the
// detail panel share one outcome line (`message`/`error`) and one open snooze menu.

import type { AppContext } from "../../app/context.svelte";
import type { Alert, BoardGroup, HinomiError, Incident, SilenceDraft } from "../../lib/bindings";
import { t } from "../../lib/i18n/index.svelte";
import { plainLabels, snoozeUntil, type SnoozeChoice } from "./board";
import { groupSnapshots } from "./incidentLink";
import type { AlertsStore } from "./store.svelte";

export class BoardActions {
  /** The last action's outcome, shown above the board. */
  message = $state<string | null>(null);
  error = $state<HinomiError | null>(null);
  /** The silence being drafted in the dialog; null while it is closed. */
  silenceDraft = $state<SilenceDraft | null>(null);
  defaults = $state<{ created_by: string; alertmanagers: Array<[string, string]> } | null>(null);
  /** Open incidents to attach the selected group to; null while the picker is closed. */
  attachChoices = $state.raw<Incident[] | null>(null);
  attachTo = $state("");
  /** The group whose snooze choices are open. */
  snoozeMenu = $state<string | null>(null);
  readonly #app: AppContext;
  readonly #store: AlertsStore;

  constructor(app: AppContext, store: AlertsStore) {
    this.#app = app;
    this.#store = store;
  }

  /** The silence defaults, read once; null (with the error shown) while they cannot be read. */
  async loadDefaults() {
    if (this.defaults) return this.defaults;
    const result = await this.#app.backend.silenceDefaults();
    if (result.status === "error") {
      this.error = result.error;
      return null;
    }
    this.defaults = result.data;
    return this.defaults;
  }

  async openSilence(alert: Alert) {
    const d = await this.loadDefaults();
    if (!d) return;
    const now = new Date();
    this.silenceDraft = {
      matchers: Object.entries(alert.labels ?? {}).map(([name, value]) => ({
        name,
        value: value ?? "",
        is_regex: false,
        is_equal: true,
      })),
      starts_at: now.toISOString(),
      ends_at: new Date(now.getTime() + 2 * 3600_000).toISOString(),
      created_by: d.created_by,
      comment: "",
    };
  }

  silenceSaved(id: string) {
    this.silenceDraft = null;
    this.message = t("alerts.silence.created", { id });
    void this.#store.load();
  }

  /** One command does it all (silence, notifications, my open incident): see `acknowledge_group` in Rust. */
  async acknowledge(group: BoardGroup) {
    this.message = null;
    this.error = null;
    const result = await this.#app.backend.acknowledgeAlertGroup(plainLabels(group.labels), 60);
    if (result.status === "error") {
      this.error = result.error;
      await this.#store.load();
      return;
    }
    const done = result.data;
    if (!done) {
      this.message = t("alerts.action.noAlertmanager");
      return;
    }
    if (done.incident) {
      this.message = t("alerts.action.acknowledgedAttached", { id: done.silence_id, title: done.incident.title });
    } else if (done.incident_error) {
      this.message = t("alerts.action.acknowledged", { id: done.silence_id });
      this.error = done.incident_error;
    } else {
      this.message = t("alerts.action.acknowledgedNoIncident", { id: done.silence_id });
    }
    await this.#store.load();
  }

  /** Pins every alert of the group on the incident; false (with the error shown) if one failed. */
  async #attach(incident: Incident, group: BoardGroup): Promise<boolean> {
    for (const snapshot of groupSnapshots(group)) {
      const pinned = await this.#app.backend.pinEvidence(incident.id, { kind: "alert", ...snapshot });
      if (pinned.status === "error") {
        this.error = pinned.error;
        return false;
      }
    }
    return true;
  }

  async openAttach() {
    this.message = null;
    this.error = null;
    const open = await this.#app.backend.listIncidents(true);
    if (open.status === "error") {
      this.error = open.error;
      return;
    }
    this.attachChoices = open.data;
    this.attachTo = open.data[0]?.id ?? "";
  }

  async confirmAttach(group: BoardGroup) {
    const incident = this.attachChoices?.find((i) => i.id === this.attachTo);
    if (!incident) return;
    this.attachChoices = null;
    if (await this.#attach(incident, group)) {
      this.message = t("alerts.action.attached", { count: group.alerts.length, title: incident.title });
    }
  }

  async snooze(group: BoardGroup, choice: SnoozeChoice | null) {
    this.snoozeMenu = null;
    const until = choice ? snoozeUntil(choice, new Date()).toISOString() : null;
    const result = await this.#app.backend.snoozeAlertGroup(plainLabels(group.labels), until);
    if (result.status === "error") this.error = result.error;
    await this.#store.load();
  }

  async createIncident(group: BoardGroup) {
    this.message = null;
    this.error = null;
    const result = await this.#app.backend.createIncidentFromAlertGroup(
      { labels: plainLabels(group.labels), alerts: groupSnapshots(group) },
      {},
    );
    if (result.status === "ok") this.message = t("alerts.action.incidentCreated", { id: result.data.id });
    else this.error = result.error;
  }
}
