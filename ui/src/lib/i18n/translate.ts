// Catalogue lookup and `{param}` interpolation, typed so a key or a parameter that does not exist
// is a compile error.
//
// lib/ knows only its own messages (./en, ./ja). The views' messages are joined where the app is
// assembled (src/messages.ts), which hands them over with `useCatalogues` and widens the key type
// by augmenting `CatalogueRegistry` below. lib/ thus never imports from views/.

import { en as libEn } from "./en";
import { ja as libJa } from "./ja";
import type { Locale } from "./locale";

/**
 * Filled in by the app (`declare module … { interface CatalogueRegistry { en: typeof en } }`) with
 * its complete English catalogue, so `MessageKey` covers every view's keys. Empty, only lib's own.
 */
export interface CatalogueRegistry {}

type EnglishCatalogue = CatalogueRegistry extends { en: infer E extends typeof libEn } ? E : typeof libEn;

export type MessageKey = keyof EnglishCatalogue & string;
/** Every catalogue has exactly the keys of the English one. */
export type Catalogue = { readonly [K in MessageKey]: string };

type ParamNames<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

export type ParamValue = string | number;
type MessageOf<K extends MessageKey> = Extract<EnglishCatalogue[K], string>;
/** `[]` for a message without placeholders, `[{ name: ... }]` for one with. */
export type ParamsOf<K extends MessageKey> = [ParamNames<MessageOf<K>>] extends [never]
  ? []
  : [params: Record<ParamNames<MessageOf<K>>, ParamValue>];

type Lookup = Readonly<Record<string, string>>;

/** lib's own messages until the app hands over the complete catalogues. */
let catalogues: Record<Locale, Lookup> = { en: libEn, ja: libJa };

/** Installs the app's complete catalogues (lib's own messages included); called once at start. */
export function useCatalogues(complete: Readonly<Record<Locale, Catalogue>>): void {
  catalogues = { ...complete };
}

/** `{name}` placeholders found in a message, for the catalogue consistency test. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

export function interpolate(message: string, params?: Readonly<Record<string, ParamValue>>): string {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Untyped-parameter lookup for keys chosen at run time (registries, error codes). */
export function translate(
  locale: Locale,
  key: MessageKey,
  params?: Readonly<Record<string, ParamValue>>,
): string {
  // The key itself, not a crash, if a catalogue was never installed (a wiring mistake).
  return interpolate(catalogues[locale][key] ?? catalogues.en[key] ?? key, params);
}
