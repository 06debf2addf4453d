// alerts ビューの日本語メッセージ。キーは messages.en.ts と完全に一致させる（型で検査される）。

import type { alertsEn } from "./messages.en";

export const alertsJa: { readonly [K in keyof typeof alertsEn]: string } = {};
