// incidents ビューの日本語メッセージ。キーは messages.en.ts と完全に一致させる（型で検査される）。

import type { incidentsEn } from "./messages.en";

export const incidentsJa: { readonly [K in keyof typeof incidentsEn]: string } = {};
