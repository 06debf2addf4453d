// Every message of the app: lib's own plus each domain view's (views/<domain>/messages.*.ts),
// joined here where the app is assembled so that lib/ never imports from views/. The augmentation
// below makes `t("…")` type-check against these keys everywhere.

import { en as libEn } from "./lib/i18n/en";
import { ja as libJa } from "./lib/i18n/ja";
import type { Catalogue } from "./lib/i18n/translate";
import { alertsEn } from "./views/alerts/messages.en";
import { alertsJa } from "./views/alerts/messages.ja";
import { dashboardsEn } from "./views/dashboards/messages.en";
import { dashboardsJa } from "./views/dashboards/messages.ja";
import { exploreEn } from "./views/explore/messages.en";
import { exploreJa } from "./views/explore/messages.ja";
import { incidentsEn } from "./views/incidents/messages.en";
import { incidentsJa } from "./views/incidents/messages.ja";
import { logsEn } from "./views/logs/messages.en";
import { logsJa } from "./views/logs/messages.ja";
import { welcomeEn } from "./views/welcome/messages.en";
import { welcomeJa } from "./views/welcome/messages.ja";

/** The reference catalogue: every key here must exist in `ja` with the same placeholders. */
export const en = {
  ...libEn,
  ...dashboardsEn,
  ...exploreEn,
  ...alertsEn,
  ...incidentsEn,
  ...logsEn,
  ...welcomeEn,
} as const;

export const ja: Catalogue = {
  ...libJa,
  ...dashboardsJa,
  ...exploreJa,
  ...alertsJa,
  ...incidentsJa,
  ...logsJa,
  ...welcomeJa,
};

export const catalogues = { en, ja } as const;

declare module "./lib/i18n/translate" {
  interface CatalogueRegistry {
    en: typeof en;
  }
}
