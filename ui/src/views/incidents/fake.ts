// An in-memory incidents backend for Vitest and the dev demo, following the real lifecycle rules.
// Spread into testing/fakeBackend.ts's createFakeBackend.

import type { Backend, CommandResult } from "../../lib/backend";
import type {
  EvidenceRecord,
  HinomiError,
  Incident,
  Postmortem,
  RuleFileProblem,
  Severity,
  Status,
  TimelineEntry,
  TimelineEvent,
} from "../../lib/bindings";

export type IncidentsBackend = Pick<
  Backend,
  | "incidentDefaults"
  | "listIncidents"
  | "incidentCountdowns"
  | "getIncident"
  | "createIncident"
  | "createIncidentFromAlertGroup"
  | "transitionIncident"
  | "acknowledgeIncident"
  | "setIncidentSeverity"
  | "setIncidentCommander"
  | "addIncidentAssignee"
  | "removeIncidentAssignee"
  | "addIncidentNote"
  | "pinEvidence"
  | "incidentTimeline"
  | "getEvidence"
  | "getPostmortem"
  | "savePostmortem"
  | "checkRuleFile"
  | "exportIncidentReport"
  | "pinDashboardPanel"
  | "exportIncidentsFile"
  | "importIncidentsFile"
  | "backupIncidentStore"
  | "choosePath"
>;

/** The lifecycle, as the Rust side defines it (`Status::allowed_next`). */
export const ALLOWED_NEXT: Record<Status, Status[]> = {
  detected: ["assessed"],
  assessed: ["assigned"],
  assigned: ["investigating"],
  investigating: ["mitigated", "resolved"],
  mitigated: ["resolved", "investigating"],
  resolved: ["reported", "investigating"],
  reported: ["closed"],
  closed: [],
};

const TARGET_MINUTES: Record<Severity, number> = { P0: 15, P1: 60, P2: 240, P3: 1440 };

export interface FakeIncidentsState {
  incidents: Incident[];
  timelines: Record<string, TimelineEntry[]>;
  evidence: EvidenceRecord[];
  postmortems: Record<string, Postmortem>;
  exported: Array<{ id: string; format: string; language: string; dir: string }>;
  /** Files written by the fake's export and backup, by path. */
  files: Record<string, string>;
  now: () => number;
}

/** An in-memory incidents backend that follows the real lifecycle rules. */
export function createFakeIncidents(state: FakeIncidentsState = emptyIncidentsState()): IncidentsBackend & {
  incidentsState: FakeIncidentsState;
} {
  let counter = state.incidents.length;
  const iso = () => new Date(state.now()).toISOString();
  const copy = <T>(v: T): T => structuredClone(v);
  const notFound = (id: string): HinomiError => ({ code: "not_found", message: `Incident ${id} does not exist.` });
  const find = (id: string) => state.incidents.find((i) => i.id === id);
  const entry = (incidentId: string, event: TimelineEvent): TimelineEntry => {
    const e: TimelineEntry = {
      id: `e-${Math.random().toString(36).slice(2)}`,
      incident_id: incidentId,
      occurred_at: iso(),
      recorded_at: iso(),
      author: "me",
      event,
    };
    (state.timelines[incidentId] ??= []).push(e);
    return e;
  };
  const change = (id: string, f: (i: Incident) => HinomiError | void): CommandResult<Incident> => {
    const inc = find(id);
    if (!inc) return { status: "error", error: notFound(id) };
    const err = f(inc);
    if (err) return { status: "error", error: err };
    inc.updated_at = iso();
    return { status: "ok", data: copy(inc) };
  };
  return {
    incidentsState: state,
    async incidentDefaults() {
      return {
        status: "ok",
        data: {
          user: "me",
          export_dir: "/home/user/Documents/Hinomi",
          targets: { p0_minutes: 15, p1_minutes: 60, p2_minutes: 240, p3_minutes: 1440, stop_at: "acknowledged" },
          store_error: null,
        },
      };
    },
    async listIncidents(openOnly) {
      const list = state.incidents.filter((i) => !openOnly || i.status !== "closed");
      return { status: "ok", data: copy([...list].reverse()) };
    },
    async incidentCountdowns() {
      const now = state.now();
      return {
        status: "ok",
        data: state.incidents
          .filter((i) => i.status !== "closed")
          .map((i) => {
            const target = TARGET_MINUTES[i.severity] * 60;
            const stopped = i.acknowledged_at ? Date.parse(i.acknowledged_at) : null;
            const elapsed = Math.round(((stopped ?? now) - Date.parse(i.detected_at)) / 1000);
            return {
              incident_id: i.id,
              severity: i.severity,
              target_seconds: target,
              deadline: new Date(Date.parse(i.detected_at) + target * 1000).toISOString(),
              elapsed_seconds: elapsed,
              remaining_seconds: target - elapsed,
              fraction_used: elapsed / target,
              overdue: elapsed >= target,
              stopped_at: i.acknowledged_at,
            };
          }),
      };
    },
    async getIncident(id) {
      const inc = find(id);
      return inc ? { status: "ok", data: copy(inc) } : { status: "error", error: notFound(id) };
    },
    async createIncident(n) {
      if (!n.title.trim()) return { status: "error", error: { code: "invalid_input", message: "An incident needs a title." } };
      counter += 1;
      const id = `INC-20261124-${String(counter).padStart(3, "0")}`;
      const inc: Incident = {
        id,
        uid: id,
        title: n.title.trim(),
        description: n.description ?? "",
        severity: n.severity,
        status: "detected",
        commander: n.commander ?? null,
        assignees: n.assignees ?? [],
        labels: n.labels ?? {},
        detected_at: iso(),
        acknowledged_at: null,
        created_at: iso(),
        updated_at: iso(),
        transitions: [{ id: `t-${id}`, from: null, to: "detected", at: iso(), actor: "me" }],
        durations: { time_to_acknowledge_seconds: null, time_to_mitigate_seconds: null, time_to_resolve_seconds: null },
        allowed_next: ALLOWED_NEXT.detected,
      };
      state.incidents.push(inc);
      entry(id, { kind: "created", title: inc.title, severity: inc.severity });
      return { status: "ok", data: copy(inc) };
    },
    async createIncidentFromAlertGroup() {
      return { status: "error", error: { code: "internal", message: "not in the fake" } };
    },
    async transitionIncident(id, to) {
      return change(id, (inc) => {
        if (!ALLOWED_NEXT[inc.status].includes(to)) {
          return {
            code: "invalid_input",
            message: `${id} cannot go from ${inc.status} to ${to}; allowed next: ${ALLOWED_NEXT[inc.status].join(", ")}.`,
          };
        }
        entry(id, { kind: "status_changed", from: inc.status, to });
        inc.transitions.push({ id: `t-${Math.random()}`, from: inc.status, to, at: iso(), actor: "me" });
        inc.status = to;
        inc.allowed_next = ALLOWED_NEXT[to];
      });
    },
    async acknowledgeIncident(id) {
      return change(id, (inc) => {
        if (inc.acknowledged_at) return;
        inc.acknowledged_at = iso();
        inc.durations.time_to_acknowledge_seconds = Math.round((state.now() - Date.parse(inc.detected_at)) / 1000);
        entry(id, { kind: "acknowledged" });
      });
    },
    async setIncidentSeverity(id, severity) {
      return change(id, (inc) => {
        entry(id, { kind: "severity_changed", from: inc.severity, to: severity });
        inc.severity = severity;
      });
    },
    async setIncidentCommander(id, commander) {
      return change(id, (inc) => {
        entry(id, { kind: "commander_changed", from: inc.commander, to: commander });
        inc.commander = commander;
      });
    },
    async addIncidentAssignee(id, name) {
      return change(id, (inc) => {
        if (!name.trim()) return { code: "invalid_input", message: "An assignee needs a name." };
        if (!inc.assignees.includes(name)) inc.assignees.push(name);
        entry(id, { kind: "assignee_added", name });
      });
    },
    async removeIncidentAssignee(id, name) {
      return change(id, (inc) => {
        inc.assignees = inc.assignees.filter((a) => a !== name);
        entry(id, { kind: "assignee_removed", name });
      });
    },
    async addIncidentNote(id, markdown) {
      if (!find(id)) return { status: "error", error: notFound(id) };
      if (!markdown.trim()) return { status: "error", error: { code: "invalid_input", message: "A note cannot be empty." } };
      return { status: "ok", data: copy(entry(id, { kind: "note", markdown })) };
    },
    async pinEvidence(incidentId, evidence) {
      if (!find(incidentId)) return { status: "error", error: notFound(incidentId) };
      const record: EvidenceRecord = {
        id: `ev-${state.evidence.length + 1}`,
        incident_id: incidentId,
        captured_at: iso(),
        pinned_by: "me",
        data: evidence,
      };
      state.evidence.push(record);
      const title = evidence.kind === "alert" ? (evidence.labels.alertname ?? "") : evidence.title;
      return { status: "ok", data: copy(entry(incidentId, { kind: "evidence_pinned", evidence_id: record.id, evidence_kind: evidence.kind, title })) };
    },
    async incidentTimeline(query) {
      const all = state.timelines[query.incident_id];
      if (!all) return { status: "error", error: notFound(query.incident_id) };
      const ordered = query.order === "newest_first" ? [...all].reverse() : all;
      const start = query.after ? Number(query.after) : 0;
      const entries = ordered.slice(start, start + query.limit);
      const next = start + entries.length;
      return { status: "ok", data: { entries: copy(entries), next_cursor: next < ordered.length ? String(next) : null } };
    },
    async getEvidence(id) {
      const record = state.evidence.find((e) => e.id === id);
      return record ? { status: "ok", data: copy(record) } : { status: "error", error: { code: "not_found", message: `Evidence ${id} does not exist.` } };
    },
    async getPostmortem(id) {
      if (!find(id)) return { status: "error", error: notFound(id) };
      return {
        status: "ok",
        data: copy(
          state.postmortems[id] ?? {
            incident_id: id,
            summary: "",
            impact: "",
            root_cause: "",
            timeline_narrative: "",
            action_items: [],
            monitoring_improvements: [],
            updated_at: null,
          },
        ),
      };
    },
    async savePostmortem(pm) {
      const saved = { ...copy(pm), updated_at: iso() };
      state.postmortems[pm.incident_id] = saved;
      return { status: "ok", data: copy(saved) };
    },
    async checkRuleFile(yaml): Promise<CommandResult<RuleFileProblem | null>> {
      if (!yaml.trim() || /^groups:/m.test(yaml)) return { status: "ok", data: null };
      return { status: "ok", data: { line: 1, column: 1, field: null, message: "missing field `groups`" } };
    },
    async exportIncidentReport(id, format, language, dir) {
      const inc = find(id);
      if (!inc) return { status: "error", error: notFound(id) };
      state.exported.push({ id, format, language, dir });
      const ext = format === "markdown" ? "md" : format;
      return { status: "ok", data: { format, path: `${dir || "/home/user/Documents/Hinomi"}/${id}.${ext}` } };
    },
    async pinDashboardPanel(incidentId, uid, panelId, window, annotations) {
      const from = window.from_ms ?? 0;
      const to = window.to_ms ?? 0;
      return this.pinEvidence(incidentId, {
        kind: "metric",
        title: `${uid} #${panelId}`,
        query: "up",
        datasource: "prometheus",
        range: { start: new Date(from).toISOString(), end: new Date(to).toISOString(), step_seconds: 15 },
        unit: null,
        series: [{ labels: { job: "demo" }, timestamps: [from / 1000, to / 1000], values: [1, 1] }],
        annotations: annotations.map((a) => ({
          kind: a.sourceId === "hinomi:alerts" ? "alert" : a.sourceId === "hinomi:incidents" ? "incident" : "query",
          start: new Date(a.timeMs ?? 0).toISOString(),
          end: a.endMs === null ? null : new Date(a.endMs).toISOString(),
          title: a.title,
          text: a.text,
          tags: a.tags,
          color: a.color,
        })),
      });
    },
    async exportIncidentsFile(ids, path) {
      const chosen = ids.length === 0 ? state.incidents : state.incidents.filter((i) => ids.includes(i.id));
      state.files[path] = JSON.stringify({ format: "hinomi-incidents", version: 1, incidents: chosen.map((i) => i.id) });
      return { status: "ok", data: path };
    },
    async importIncidentsFile(path) {
      const text = state.files[path];
      if (text === undefined) return { status: "error", error: { code: "io", message: `Cannot read ${path}.` } };
      const ids = (JSON.parse(text) as { incidents: string[] }).incidents;
      const known = new Set(state.incidents.map((i) => i.id));
      return {
        status: "ok",
        data: {
          created: ids.filter((id) => !known.has(id)),
          merged: ids.filter((id) => known.has(id)),
          renumbered: [],
          timeline_entries_added: 0,
          evidence_added: 0,
        },
      };
    },
    async backupIncidentStore(path) {
      if (path in state.files) return { status: "error", error: { code: "io", message: `${path} already exists.` } };
      state.files[path] = "sqlite";
      return { status: "ok", data: path };
    },
    // As if the person confirmed the dialog where it opened.
    async choosePath(_choice, current) {
      return { status: "ok", data: current };
    },
  };
}

export function emptyIncidentsState(): FakeIncidentsState {
  return { incidents: [], timelines: {}, evidence: [], postmortems: {}, exported: [], files: {}, now: () => Date.now() };
}
