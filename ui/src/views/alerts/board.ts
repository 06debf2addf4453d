// The alert board as rows: group headers and, for open groups, their alerts. Rows have one
// height, so a board of 10,000 alerts renders only the rows in view (see `visibleRange`).

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

export interface VisibleRange {
  start: number;
  end: number;
  /** Pixels above the first rendered row. */
  offset: number;
  /** Height of every row together. */
  total: number;
}

/** Which rows to render for a scroll position, with `overscan` rows either side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): VisibleRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
  const total = count * rowHeight;
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, total - viewport));
  const start = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((top + Math.max(0, viewport)) / rowHeight) + overscan);
  return { start, end, offset: start * rowHeight, total };
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
