// A datasource's health as the settings list shows it: a dot's colour and one line of text.
// Pure, so the wording in both languages is unit-tested without rendering.

import type { DatasourceHealth } from "../../lib/bindings";
import { formatRelative, formatTime } from "../../lib/i18n/format";
import type { Locale } from "../../lib/i18n/locale";
import { t } from "../../lib/i18n/index.svelte";

export type HealthDotState = "ok" | "failing" | "unknown";

export interface HealthLine {
  state: HealthDotState;
  text: string;
  /** The failure's own message, for the tooltip. */
  detail: string | null;
}

/** `health` is undefined while no read of the datasource has happened since Hinomi started. */
export function healthLine(health: DatasourceHealth | undefined, now: number, locale: Locale): HealthLine {
  if (!health) return { state: "unknown", text: t("settings.ds.health.unknown"), detail: null };
  if (health.state === "ok") {
    const time = formatRelative(health.last_success ?? health.checked_at, now, locale);
    return { state: "ok", text: t("settings.ds.health.ok", { time }), detail: null };
  }
  const since = formatTime(health.failing_since ?? health.checked_at, locale);
  const lastOk = health.last_success ? formatTime(health.last_success, locale) : t("settings.ds.health.never");
  const code = health.error ? ` (${health.error.code})` : "";
  return {
    state: "failing",
    text: t("settings.ds.health.failing", { since, lastOk }) + code,
    detail: health.error?.message ?? null,
  };
}
