// What other views hand to Explore: an alert's expression (from Prometheus's generator URL,
// `…/graph?g0.expr=…`) over the alert's window.

import type { ExploreRange } from "../../app/navigation.svelte";

/** How far before the alert became active Explore starts, to show what led up to it. */
export const ALERT_MARGIN_MS = 30 * 60_000;

export function exprFromGeneratorUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const expr = new URL(url).searchParams.get("g0.expr");
    return expr && expr.trim() !== "" ? expr : null;
  } catch {
    return null;
  }
}

/** From the alert's start minus the margin to now; the last hour when the start is unknown. */
export function alertRange(activeSince: string | null | undefined, nowMs: number): ExploreRange {
  const since = activeSince ? Date.parse(activeSince) : NaN;
  if (!Number.isFinite(since) || since >= nowMs) return { kind: "relative", last: "1h" };
  return { kind: "absolute", fromMs: Math.min(since - ALERT_MARGIN_MS, nowMs - 5 * 60_000), toMs: nowMs };
}
