// An in-memory alerts backend for Vitest and the dev demo. Spread into testing/fakeBackend.ts's
// createFakeBackend.

import type { Backend, CommandResult } from "../../lib/backend";
import type {
  Acknowledged,
  Alert,
  AlertBoard,
  LiveAlertState,
  BoardGroup,
  DatasourceRouting,
  DatasourceRules,
  DatasourceSilences,
  HinomiError,
  IncidentRef,
  RuleFileError,
  Silence,
} from "../../lib/bindings";
import { ALL_STATES } from "./board";
import { groupSnapshots, incidentOf } from "./incidentLink";

export type AlertsBackend = Pick<
  Backend,
  | "alertBoard"
  | "refreshAlerts"
  | "silenceDefaults"
  | "listSilences"
  | "createSilence"
  | "updateSilence"
  | "expireSilence"
  | "acknowledgeAlertGroup"
  | "listAlertRules"
  | "pauseNotifications"
  | "alertRouting"
  | "snoozeAlertGroup"
  | "watchRules"
  | "checkWatchRules"
  | "saveWatchRules"
>;

/** What the fake "servers" hold; tests change it between calls. */
export interface FakeAlertsState {
  alerts: Alert[];
  silences: Silence[];
  /** When set, silence writes fail with it (Alertmanager's answer). */
  silenceError: HinomiError | null;
  /** Snoozed groups: `{alertname="…", severity="…"}` → until (ISO). */
  snoozes: Record<string, string>;
  /** The watch-rule file's text. */
  watchRulesText: string;
  /** Sources that cannot be reached → when they last answered (ISO; null: never). */
  unreachable?: Record<string, string | null>;
}

/** A stand-in for the Rust checker: every rule needs an expr:. */
function fakeCheck(text: string): RuleFileError[] {
  const lines = text.split("\n");
  const problems: RuleFileError[] = [];
  lines.forEach((line, index) => {
    const m = /^(\s*)- alert:\s*(\S+)/.exec(line);
    if (!m) return;
    const rest = lines.slice(index + 1);
    const end = rest.findIndex((l) => /^\s*- /.test(l));
    const body = end < 0 ? rest : rest.slice(0, end);
    if (!body.some((l) => /^\s*expr:/.test(l))) {
      problems.push({
        file: "watch-rules.yml",
        line: index + 1,
        column: m[1]!.length + 3,
        group: "g",
        rule_index: 1,
        rule_name: m[2]!,
        field: "expr",
        path: "groups[0].rules[0].expr",
        message: "field 'expr' must be set in rule",
      });
    }
  });
  return problems;
}

const SEVERITY_RANK: Record<string, number> = { critical: 3, warning: 2, info: 1, none: 0 };

/** A small stand-in for the Rust board: groups by alertname + severity, `a="b"` and text filters. */
function groupKeyOf(labels: Partial<Record<string, string>>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}="${labels[name] ?? ""}"`)
    .join(", ")}}`;
}

function fakeBoard(state: FakeAlertsState, filter: string, states: LiveAlertState[]): AlertBoard {
  const unreachable = state.unreachable ?? {};
  const lastKnownOf = (alert: Alert): string | null | undefined => {
    // Stale only when every source of the alert is unreachable; the latest of their times.
    if (alert.sources.length === 0 || !alert.sources.every((s) => s.datasource_id in unreachable)) return undefined;
    const times = alert.sources.map((s) => unreachable[s.datasource_id] ?? null);
    return times.includes(null) ? null : times.sort().at(-1)!;
  };
  const knownTimes = Object.values(unreachable);
  const stale = {
    unreachable_sources: knownTimes.length,
    stale_alerts: state.alerts.filter((a) => lastKnownOf(a) !== undefined).length,
    stale_firing: state.alerts.filter((a) => a.state === "firing" && lastKnownOf(a) !== undefined).length,
    last_known_at: knownTimes.length === 0 || knownTimes.includes(null) ? null : [...knownTimes].sort()[0]!,
  };
  const broken = filter.indexOf("{") >= 0 && filter.indexOf("}") < 0;
  if (broken) {
    return {
      polled_at: new Date(0).toISOString(),
      board: { groups: [], total_alerts: state.alerts.length, shown_alerts: 0 },
      filter_error: { position: filter.length, message: "missing closing '}'" },
      stale,
      sources: [],
      history_error: null,
      monitoring_notices: [],
      notifications_paused_until: null,
      snoozed_until: {},
    };
  }
  const terms = filter.split(/\s+/).filter(Boolean);
  const passes = (alert: Alert) =>
    states.includes(alert.state) &&
    terms.every((term) => {
      const m = /^(\w+)="(.*)"$/.exec(term);
      if (m) return alert.labels?.[m[1]!] === m[2];
      const needle = term.toLowerCase();
      return [...Object.values(alert.labels ?? {}), ...Object.values(alert.annotations ?? {})].some((v) =>
        String(v).toLowerCase().includes(needle),
      );
    });
  const groups = new Map<string, BoardGroup>();
  let shown = 0;
  for (const alert of state.alerts.filter(passes)) {
    shown++;
    const labels = { alertname: alert.labels?.["alertname"] ?? "", severity: alert.labels?.["severity"] ?? "" };
    const key = `{alertname="${labels.alertname}", severity="${labels.severity}"}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        receiver: null,
        labels,
        worst_severity: alert.severity,
        oldest_since: alert.active_since,
        counts: { firing: 0, pending: 0, silenced: 0, inhibited: 0 },
        alert_count: 0,
        alerts: [],
        stale: null,
      };
      groups.set(key, group);
    }
    group.counts[alert.state]++;
    group.alert_count++;
    group.alerts.push(alert);
    const known = lastKnownOf(alert);
    if (known !== undefined) {
      const before = group.stale;
      group.stale = {
        alerts: (before?.alerts ?? 0) + 1,
        last_known_at: before === null ? known : before.last_known_at && known ? [before.last_known_at, known].sort()[0]! : null,
      };
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => (SEVERITY_RANK[b.worst_severity] ?? 0) - (SEVERITY_RANK[a.worst_severity] ?? 0) || a.key.localeCompare(b.key),
  );
  return {
    polled_at: new Date(0).toISOString(),
    board: { groups: sorted, total_alerts: state.alerts.length, shown_alerts: shown },
    filter_error: null,
    stale,
    sources: [],
    history_error: null,
    monitoring_notices: [],
    notifications_paused_until: null,
    snoozed_until: Object.fromEntries(
      sorted.flatMap((group) => {
        const until = state.snoozes[groupKeyOf(group.labels ?? {})];
        return until ? [[group.key, until]] : [];
      }),
    ),
  };
}

export function createFakeAlerts(): AlertsBackend & { alertsState: FakeAlertsState } {
  const state: FakeAlertsState = { alerts: [], silences: [], silenceError: null, snoozes: {}, watchRulesText: "" };
  let next = 1;
  const ok = <T>(data: T): CommandResult<T> => ({ status: "ok", data });
  return {
    alertsState: state,
    alertBoard: async (query) => ok(fakeBoard(state, query.filter, query.states)),
    refreshAlerts: async () => ok(undefined),
    silenceDefaults: async () =>
      ok({
        created_by: "tester",
        now: new Date(0).toISOString(),
        alertmanagers: [["am", "Alertmanager"] as [string, string]],
      }),
    listSilences: async () =>
      ok<DatasourceSilences[]>([
        { datasource_id: "am", datasource_name: "Alertmanager", silences: state.silences, error: null },
      ]),
    createSilence: async (_ds, draft) => {
      if (state.silenceError) return { status: "error", error: state.silenceError };
      const id = `silence-${next++}`;
      state.silences.push({ id, ...draft, state: "active", updated_at: null });
      return ok(id);
    },
    updateSilence: async (_ds, id, draft) => {
      if (state.silenceError) return { status: "error", error: state.silenceError };
      const silence = state.silences.find((s) => s.id === id);
      if (silence) Object.assign(silence, draft);
      return ok(id);
    },
    expireSilence: async (_ds, id) => {
      if (state.silenceError) return { status: "error", error: state.silenceError };
      const silence = state.silences.find((s) => s.id === id);
      if (silence) silence.state = "expired";
      return ok(null);
    },
    // Like the Rust command: a silence, then the group's alerts on my open incident. The incidents
    // fake is reached through the Backend this slice is spread into (when it is).
    async acknowledgeAlertGroup(labels) {
      const silence_id = `silence-${next++}`;
      const incidents = this as unknown as Partial<Pick<Backend, "incidentDefaults" | "listIncidents" | "pinEvidence">>;
      let incident: IncidentRef | null = null;
      if (incidents.incidentDefaults && incidents.listIncidents && incidents.pinEvidence) {
        const defaults = await incidents.incidentDefaults();
        const open = await incidents.listIncidents(true);
        const mine = defaults.status === "ok" && open.status === "ok" ? incidentOf(defaults.data.user, open.data) : null;
        const group = fakeBoard(state, "", [...ALL_STATES]).board.groups.find(
          (g) => groupKeyOf(g.labels ?? {}) === groupKeyOf(labels),
        );
        if (mine && group) {
          for (const snapshot of groupSnapshots(group)) await incidents.pinEvidence(mine.id, { kind: "alert", ...snapshot });
          incident = { id: mine.id, title: mine.title };
        }
      }
      return ok<Acknowledged | null>({ silence_id, datasource_id: "am", incident, incident_error: null });
    },
    listAlertRules: async () => ok<DatasourceRules[]>([]),
    pauseNotifications: async () => ok(null),
    alertRouting: async () => ok<DatasourceRouting[]>([]),
    snoozeAlertGroup: async (labels, until) => {
      const key = groupKeyOf(labels);
      if (until) state.snoozes[key] = until;
      else delete state.snoozes[key];
      return ok(undefined);
    },
    watchRules: async () =>
      ok({
        path: "/data/watch-rules.yml",
        text: state.watchRulesText,
        errors: [],
        rules: [],
        datasource_name: "Demo Prometheus",
      }),
    checkWatchRules: async (text) => ok(fakeCheck(text)),
    saveWatchRules: async (text) => {
      const problems = fakeCheck(text);
      if (problems.length === 0) state.watchRulesText = text;
      return ok(problems);
    },
  };
}
