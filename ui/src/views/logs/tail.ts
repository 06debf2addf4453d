// Live tail's two rules: which lines are kept (the newest, appended in time order, without
// repeats) and whether the table follows the newest line (only while the user is at the bottom).

import type { LogHit } from "../../lib/bindings";

/** Lines a live tail keeps; older ones scroll out, as in `tail -f`. */
export const TAIL_LIMIT = 5_000;
/** How often live tail asks for new lines. */
export const TAIL_EVERY_MS = 2_000;
/** Pixels from the bottom that still count as "at the bottom". */
export const FOLLOW_SLACK_PX = 24;

/** Appends a batch (oldest first), dropping hits already shown and the oldest beyond `limit`. */
export function appendTail(
  lines: readonly LogHit[],
  batch: readonly LogHit[],
  limit = TAIL_LIMIT,
): { lines: LogHit[]; added: number } {
  const seen = new Set(lines.slice(-batch.length * 2 - 10).map((h) => h.id));
  const fresh = batch.filter((h) => !seen.has(h.id));
  const all = [...lines, ...fresh];
  return { lines: all.length > limit ? all.slice(all.length - limit) : all, added: Math.min(fresh.length, limit) };
}

/** True when the scroll position is at the bottom (so new lines should keep it there). */
export function atBottom(scrollTop: number, clientHeight: number, scrollHeight: number, slack = FOLLOW_SLACK_PX): boolean {
  return scrollHeight - (scrollTop + clientHeight) <= slack;
}
