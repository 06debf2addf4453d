// The alert board as rows: group headers and, for open groups, their alerts. Rows have one
// height, so a board of 10,000 alerts renders only the rows in view (see `visibleRange` in lib/virtual).

import type { Alert, LiveAlertState, BoardGroup } from "../../lib/bindings";

export type BoardRow =
  | { kind: "group"; key: string; group: BoardGroup; collapsed: boolean }
  | { kind: "alert"; key: string; group: BoardGroup; alert: Alert };

/** Headers for every group; alerts only under groups that are not collapsed. */
export function boardRows(groups: readonly BoardGroup[], collapsed: ReadonlySet<string>): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.key);
    rows.push({ kind: "group", key: `g:${group.key}`, group, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (const alert of group.alerts) {
      rows.push({ kind: "alert", key: `a:${group.key}:${alert.fingerprint}`, group, alert });
    }
  }
  return rows;
}

/** A group's name on the board: its label values in group_by order, e.g. "HighErrorRate · critical". */
export function groupTitle(group: BoardGroup): string {
  const values = Object.values(group.labels ?? {}).filter((v): v is string => typeof v === "string" && v !== "");
  return values.length > 0 ? values.join(" · ") : "—";
}

/** The labels worth showing on an alert's row: everything but the group's own labels. */
export function distinctLabels(alert: Alert, group: BoardGroup): Array<[string, string]> {
  const groupLabels = group.labels ?? {};
  return Object.entries(alert.labels ?? {})
    .filter(([name, value]) => typeof value === "string" && groupLabels[name] !== value)
    .map(([name, value]) => [name, value as string]);
}

/** The summary annotation (what the seed writes in Japanese), else the description. */
export function alertSummary(alert: Alert): string {
  const annotations = alert.annotations ?? {};
  return annotations["summary"] ?? annotations["description"] ?? "";
}

export const ALL_STATES: readonly LiveAlertState[] = ["firing", "pending", "silenced", "inhibited"];

/** The filter text split around the parse error, so the UI can mark the character. */
export function markError(text: string, position: number): { before: string; at: string; after: string } {
  const chars = Array.from(text);
  const at = Math.min(Math.max(0, position), chars.length);
  return {
    before: chars.slice(0, at).join(""),
    at: chars[at] ?? " ",
    after: chars.slice(at + 1).join(""),
  };
}

const SI: ReadonlyArray<[number, string]> = [
  [1e15, "P"],
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

/**
 * An alert's value as Prometheus printed it, made readable: up to 4 significant digits,
 * exponents without padding (1.2e-5), and SI suffixes from 10,000 up (12.3k, 4.5M). The full
 * text stays in the tooltip. Anything that is not a number comes back unchanged.
 */
export function formatAlertValue(raw: string | null | undefined): string {
  if (raw == null || raw.trim() === "") return "—";
  const value = Number(raw.trim());
  if (!Number.isFinite(value)) {
    const lower = raw.trim().toLowerCase();
    if (lower === "+inf" || lower === "inf") return "+Inf";
    if (lower === "-inf") return "-Inf";
    if (lower === "nan") return "NaN";
    return raw;
  }
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const trim = (text: string) => text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
  if (abs >= 1e4) {
    for (const [scale, suffix] of SI) {
      if (abs >= scale) return `${trim((value / scale).toPrecision(3))}${suffix}`;
    }
  }
  if (abs < 1e-3) {
    const [mantissa, exponent] = value.toExponential(3).split("e");
    return `${trim(mantissa ?? "")}e${Number(exponent)}`;
  }
  return trim(value.toPrecision(4));
}

/**
 * When an unreachable source's alerts were last known: "14:05" today, else with the date, so
 * yesterday's alerts never read as this afternoon's.
 */
export function lastKnownTime(at: string, now: Date, locale: string): string {
  const when = new Date(at);
  const sameDay = when.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(when);
}

export type SnoozeChoice = "1h" | "4h" | "tomorrow";
export const SNOOZE_CHOICES: readonly SnoozeChoice[] = ["1h", "4h", "tomorrow"];

/** When a snooze chosen at `now` ends: in 1 or 4 hours, or tomorrow at 09:00 local time. */
export function snoozeUntil(choice: SnoozeChoice, now: Date): Date {
  if (choice === "1h") return new Date(now.getTime() + 3600_000);
  if (choice === "4h") return new Date(now.getTime() + 4 * 3600_000);
  const morning = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return morning;
}

/** The group's labels as plain strings (what the backend takes to snooze or acknowledge). */
export function plainLabels(labels: Partial<Record<string, string>> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/**
 * Whether the board group with `boardKey` is the notification group `key`. Board keys are
 * `{…}` (grouped by labels) or `<route path>:{…}` (grouped by the Alertmanager route);
 * notification keys name the route tree too: `seed:root:{…}`, `am:<datasource>:root.0:{…}`.
 */
export function isGroup(boardKey: string, key: string): boolean {
  return boardKey === key || boardKey.endsWith(`:${key}`) || key.endsWith(`:${boardKey}`);
}

/** Enter or Space on a row (a div with role="button") does what a click does. */
export function activateOnKey(event: KeyboardEvent, action: () => void): void {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    action();
  }
}
