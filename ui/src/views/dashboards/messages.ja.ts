// dashboards ビューの日本語メッセージ。キーは messages.en.ts と完全に一致させる（型で検査される）。

import type { dashboardsEn } from "./messages.en";

export const dashboardsJa: { readonly [K in keyof typeof dashboardsEn]: string } = {};
