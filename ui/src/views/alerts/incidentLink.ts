// Alerts on incidents: a board group as the incident store takes it (alert snapshots), and
// which open incident is "mine" when acknowledging (the one I command or am assigned to).

import type { Alert, AlertSnapshot, BoardGroup, Incident } from "../../lib/bindings";
import { plainLabels } from "./board";

/** One board alert as incident evidence (the alert as it is now). */
export function alertSnapshot(alert: Alert, now: Date = new Date()): AlertSnapshot {
  return {
    labels: plainLabels(alert.labels),
    annotations: plainLabels(alert.annotations),
    starts_at: alert.active_since ?? now.toISOString(),
    ends_at: null,
    state: alert.state === "firing" ? "firing" : alert.state === "pending" ? "pending" : "suppressed",
    source: alert.sources[0]?.datasource_id ?? "",
    generator_url: alert.generator_url,
    fingerprint: alert.fingerprint,
  };
}

/** Every alert of the group the board holds, as snapshots. */
export function groupSnapshots(group: BoardGroup, now: Date = new Date()): AlertSnapshot[] {
  return group.alerts.map((alert) => alertSnapshot(alert, now));
}

/** The open incident `user` commands or is assigned to, the most recently updated first. */
export function incidentOf(user: string, incidents: readonly Incident[]): Incident | null {
  const mine = incidents.filter(
    (incident) =>
      incident.status !== "closed" && (incident.commander === user || incident.assignees.includes(user)),
  );
  mine.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  return mine[0] ?? null;
}
