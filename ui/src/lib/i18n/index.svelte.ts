// The active locale and `t()`. Reading the locale inside `t` makes every template that calls it
// re-render when the language changes.

import { resolveLocale, type Locale } from "./locale";
import { translate, type MessageKey, type ParamsOf, type ParamValue } from "./translate";

let active = $state<Locale>("en");

export const i18n = {
  get locale(): Locale {
    return active;
  },
};

export function setLocale(locale: Locale): void {
  active = locale;
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

export function t<K extends MessageKey>(key: K, ...params: ParamsOf<K>): string {
  return translate(active, key, params[0] as Readonly<Record<string, ParamValue>> | undefined);
}

/** For keys picked at run time (e.g. from a registry); prefer `t` when the key is literal. */
export function tr(key: MessageKey, params?: Readonly<Record<string, ParamValue>>): string {
  return translate(active, key, params);
}

export { resolveLocale };
export type { Locale, MessageKey };
