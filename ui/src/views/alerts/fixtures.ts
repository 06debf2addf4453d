// Alerts for Vitest.

import type { Alert } from "../../lib/bindings";

export function fakeAlert(labels: Record<string, string>, extra: Partial<Alert> = {}): Alert {
  return {
    fingerprint: Object.values(labels).join("-"),
    labels,
    annotations: {},
    state: "firing",
    severity: (labels["severity"] as Alert["severity"]) ?? "none",
    active_since: "2026-03-21T09:00:00Z",
    value: null,
    silenced_by: [],
    inhibited_by: [],
    receivers: [],
    generator_url: null,
    sources: [{ datasource_id: "am", kind: "alertmanager" }],
    ...extra,
  };
}
