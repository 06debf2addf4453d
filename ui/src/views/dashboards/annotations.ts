// A dashboard's annotation toggles and what each time series draws: the sources the backend
// reported (its Prometheus annotation queries, Hinomi's alerts and incidents), switched on or
// off per dashboard (remembered across restarts), and each panel's events as chart marks.

import type { AnnotationEvent, AnnotationSource, DashboardAnnotations } from "../../lib/bindings";
import { ANNOTATION_COLORS, cssColor, type ChartMark } from "../../lib/charts/annotations";

/** Where the choices are remembered: `{ "<dashboard uid>": { "<source id>": on } }`. */
export const ANNOTATION_CHOICES_KEY = "hinomi.dashboards.annotations";

export interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export type Choices = Record<string, boolean>;

/** The remembered choices of dashboard `uid`; anything unreadable counts as none. */
export function readChoices(storage: ChoiceStorage | null, uid: string): Choices {
  try {
    const all: unknown = JSON.parse(storage?.getItem(ANNOTATION_CHOICES_KEY) ?? "{}");
    const mine = all && typeof all === "object" ? (all as Record<string, unknown>)[uid] : undefined;
    if (!mine || typeof mine !== "object" || Array.isArray(mine)) return {};
    return Object.fromEntries(Object.entries(mine).filter((e): e is [string, boolean] => typeof e[1] === "boolean"));
  } catch {
    return {};
  }
}

export function writeChoice(storage: ChoiceStorage | null, uid: string, sourceId: string, on: boolean): void {
  let all: Record<string, Choices> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(ANNOTATION_CHOICES_KEY) ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) all = parsed as Record<string, Choices>;
  } catch {
    all = {};
  }
  all[uid] = { ...(all[uid] ?? {}), [sourceId]: on };
  try {
    storage?.setItem(ANNOTATION_CHOICES_KEY, JSON.stringify(all));
  } catch {
    // A full storage forgets the choice on the next start; the toggle still works now.
  }
}

/** On unless the user switched it off (or the dashboard says `enable: false` and the user has
 * not switched it on). */
export function isEnabled(source: AnnotationSource, choices: Choices): boolean {
  return choices[source.id] ?? source.enabledByDefault;
}

export function sourceColor(source: AnnotationSource): string {
  return cssColor(source.color, ANNOTATION_COLORS[source.kind]);
}

/** The events drawn on panel `panelId`: of sources switched on, for that panel or every one. */
export function panelEvents(data: DashboardAnnotations | null, panelId: number, choices: Choices): AnnotationEvent[] {
  if (!data) return [];
  const on = new Set(data.sources.filter((s) => isEnabled(s, choices)).map((s) => s.id));
  return data.events.filter((e) => on.has(e.sourceId) && (e.panelIds === null || e.panelIds.includes(panelId)));
}

/** Events as the chart draws them (seconds, CSS colours). */
export function chartMarks(data: DashboardAnnotations | null, events: readonly AnnotationEvent[]): ChartMark[] {
  const sources = new Map((data?.sources ?? []).map((s) => [s.id, s]));
  return events.map((e) => {
    const source = sources.get(e.sourceId);
    const fallback = source ? sourceColor(source) : ANNOTATION_COLORS.prometheus;
    return {
      time: (e.timeMs ?? 0) / 1000,
      end: e.endMs === null ? null : e.endMs / 1000,
      title: e.title || source?.name || "",
      text: e.text,
      tags: e.tags,
      color: cssColor(e.color, fallback),
      source: e.sourceId,
    };
  });
}
