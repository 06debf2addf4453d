// Dates, numbers and durations through Intl, in the active locale. Formatters are costly to build
// and tables call these per cell, so they are cached per locale and options.

import type { Locale } from "./locale";

const cache = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<F extends Intl.RelativeTimeFormat | Intl.DateTimeFormat | Intl.NumberFormat>(
  key: string,
  make: () => F,
): F {
  let formatter = cache.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

function toMillis(value: Date | string | number): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  return Date.parse(value);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/**
 * "12s ago", "3m ago", "12 秒前". Seconds under a minute, then minutes, hours, days, always
 * rounded down so "59s" never shows as "1m". A small future skew (clocks differ) reads as now.
 */
export function formatRelative(value: Date | string | number, now: number, locale: Locale): string {
  const then = toMillis(value);
  if (Number.isNaN(then)) return "";
  let seconds = Math.round((then - now) / 1000);
  if (seconds > 0 && seconds < 5) seconds = 0;
  const rtf = cached(`rel:${locale}`, () => new Intl.RelativeTimeFormat(locale, { style: "narrow", numeric: "auto" }));
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === "second") {
      const amount = Math.trunc(seconds / size);
      return rtf.format(amount === 0 ? 0 : amount, unit);
    }
  }
  return rtf.format(0, "second");
}

/** Full local date and time, for tooltips and "fetched at". */
export function formatDateTime(value: Date | string | number, locale: Locale): string {
  const millis = toMillis(value);
  if (Number.isNaN(millis)) return String(value);
  return cached(
    `dt:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }),
  ).format(millis);
}

/** Time of day only, for compact "fetched at" labels. */
export function formatTime(value: Date | string | number, locale: Locale): string {
  const millis = toMillis(value);
  if (Number.isNaN(millis)) return String(value);
  return cached(`t:${locale}`, () => new Intl.DateTimeFormat(locale, { timeStyle: "medium" })).format(millis);
}

export function formatNumber(value: number, locale: Locale): string {
  return cached(`n:${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** A duration given in seconds, shown in milliseconds with precision that suits its size. */
export function formatMillis(seconds: number, locale: Locale): string {
  const ms = seconds * 1000;
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return cached(
    `ms:${locale}:${digits}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: "unit",
        unit: "millisecond",
        unitDisplay: "short",
        maximumFractionDigits: digits,
      }),
  ).format(ms);
}
