// Response-target countdowns as the list and the detail show them. Pure, so Vitest checks them.

import type { ResponseCountdown } from "../../lib/bindings";

export type CountdownState = "running" | "warning" | "overdue" | "stopped";

export interface CountdownView {
  state: CountdownState;
  /** Seconds left (negative when overdue), recomputed from the deadline and `now`. */
  remaining: number;
  fraction: number;
}

/** 80% of the target is where the app warns; 100% is overdue. */
export const WARNING_FRACTION = 0.8;

/** Live remaining time: the backend's countdown is a snapshot, the clock keeps moving. */
export function liveCountdown(c: ResponseCountdown, now: number): CountdownView {
  if (c.stopped_at) {
    return {
      state: c.overdue ? "overdue" : "stopped",
      remaining: c.remaining_seconds,
      fraction: c.fraction_used ?? 1,
    };
  }
  const remaining = Math.floor((Date.parse(c.deadline) - now) / 1000);
  const fraction = c.target_seconds > 0 ? (c.target_seconds - remaining) / c.target_seconds : 1;
  const state: CountdownState = remaining <= 0 ? "overdue" : fraction >= WARNING_FRACTION ? "warning" : "running";
  return { state, remaining, fraction };
}

/** "14:59", "1:05:03", "23:59:00"; the sign is shown separately (overdue). */
export function formatClock(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** A duration between two lifecycle points, "4 min 10 s" style in either language's units. */
export function formatDuration(seconds: number | null, units: { h: string; m: string; s: string }): string | null {
  if (seconds === null) return null;
  const s = Math.max(0, Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}${units.h} ${m}${units.m}`;
  if (m > 0) return `${m}${units.m} ${sec}${units.s}`;
  return `${sec}${units.s}`;
}
