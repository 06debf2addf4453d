// Catalogue lookup and `{param}` interpolation, typed so a key or a parameter that does not exist
// is a compile error.

import { en } from "./en";
import { ja } from "./ja";
import type { Locale } from "./locale";

export type MessageKey = keyof typeof en;
/** Every catalogue has exactly the keys of `en` (the object literal also rejects extra keys). */
export type Catalogue = { readonly [K in MessageKey]: string };

type ParamNames<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

export type ParamValue = string | number;
/** `[]` for a message without placeholders, `[{ name: ... }]` for one with. */
export type ParamsOf<K extends MessageKey> = [ParamNames<(typeof en)[K]>] extends [never]
  ? []
  : [params: Record<ParamNames<(typeof en)[K]>, ParamValue>];

export const catalogues: Record<Locale, Catalogue> = { en, ja };

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
  return interpolate(catalogues[locale][key] ?? en[key], params);
}
