// Silences as the UI lists them.

import type { Silence, SilenceMatcher } from "../../lib/bindings";

/** `{alertname="Watchdog", severity=~"crit.*"}`, the way Alertmanager writes matchers. */
export function silenceMatchersText(matchers: readonly SilenceMatcher[]): string {
  const op = (m: SilenceMatcher) => (m.is_regex ? (m.is_equal ? "=~" : "!~") : m.is_equal ? "=" : "!=");
  return `{${matchers.map((m) => `${m.name}${op(m)}${JSON.stringify(m.value)}`).join(", ")}}`;
}

const ORDER: Record<string, number> = { active: 0, pending: 1, expired: 2 };

/** Active first, then pending, then expired; within each, the one ending soonest first. */
export function sortSilences(silences: readonly Silence[]): Silence[] {
  return [...silences].sort(
    (a, b) => (ORDER[a.state] ?? 3) - (ORDER[b.state] ?? 3) || Date.parse(a.ends_at) - Date.parse(b.ends_at),
  );
}
