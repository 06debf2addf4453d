// The dashboard's time range: relative ("now-1h" to "now") or absolute, resolved to the
// millisecond window the backend plans queries for.

export const RELATIVE_CHOICES = ["5m", "15m", "1h", "6h", "24h", "7d"] as const;
export const REFRESH_CHOICES = ["off", "5s", "10s", "30s", "1m", "5m"] as const;

export type TimeRange = { kind: "relative"; last: string } | { kind: "absolute"; fromMs: number; toMs: number };

export interface TimeWindow {
  from_ms: number;
  to_ms: number;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** `15m`, `6h`, `7d` in milliseconds; null when not a duration. */
export function durationMs(text: string): number | null {
  const m = /^\s*(\d+)\s*(s|m|h|d|w|y)\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A Grafana absolute time: epoch milliseconds (as its URLs and some exports write it) or a date. */
function parseGrafanaTime(text: string): number {
  const trimmed = text.trim();
  return /^\d{10,}$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
}

/**
 * Grafana's `now-6h`/`now` pair, or two absolute times (dates or epoch milliseconds), as a
 * range; anything else falls back to the last hour.
 */
export function fromGrafana(spec: { from: string; to: string } | null | undefined): TimeRange {
  const m = spec && spec.to.trim() === "now" ? /^now-(\d+[smhdwy])$/.exec(spec.from.trim()) : null;
  if (m) return { kind: "relative", last: m[1]! };
  if (spec) {
    const from = parseGrafanaTime(spec.from);
    const to = parseGrafanaTime(spec.to);
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: "absolute", fromMs: from, toMs: to };
  }
  return { kind: "relative", last: "1h" };
}

export function resolveWindow(range: TimeRange, nowMs: number): TimeWindow {
  if (range.kind === "absolute") return { from_ms: range.fromMs, to_ms: range.toMs };
  const span = durationMs(range.last) ?? 3_600_000;
  return { from_ms: nowMs - span, to_ms: nowMs };
}

/** `YYYY-MM-DDTHH:MM` in local time, the value of an `<input type="datetime-local">`. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Reads two `datetime-local` values; an error key when they do not make a range. */
export function parseAbsolute(
  from: string,
  to: string,
): { ok: true; range: TimeRange } | { ok: false; problem: "invalid" | "order" } {
  const f = Date.parse(from);
  const t = Date.parse(to);
  if (!Number.isFinite(f) || !Number.isFinite(t)) return { ok: false, problem: "invalid" };
  if (f >= t) return { ok: false, problem: "order" };
  return { ok: true, range: { kind: "absolute", fromMs: f, toMs: t } };
}

/** Auto-refresh period in ms; null for "off". */
export function refreshMs(choice: string): number | null {
  return choice === "off" ? null : durationMs(choice);
}
