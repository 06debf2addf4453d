// Which catalogue to use. Pure functions; the reactive state lives in index.svelte.ts.

import type { Language } from "../bindings";

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

/** "system" follows the OS locale: any Japanese tag (ja, ja-JP, ja_JP.UTF-8) → ja, else en. */
export function resolveLocale(language: Language | undefined, osLocale: string | undefined): Locale {
  if (language === "en" || language === "ja") return language;
  return /^ja(?:[-_.@]|$)/i.test((osLocale ?? "").trim()) ? "ja" : "en";
}
