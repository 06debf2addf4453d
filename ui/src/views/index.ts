// The views, in sidebar order. A new domain view is one folder plus one line here.

import { alertsView } from "./alerts";
import { incidentsView } from "./incidents";
import { dashboardsView } from "./dashboards";
import { exploreView } from "./explore";
import { logsView } from "./logs";
import { settingsView } from "./settings";
import { targetsView } from "./targets";
import type { ViewDefinition } from "./types";
import { welcomeView } from "./welcome";

export const views: readonly ViewDefinition[] = [
  welcomeView,
  targetsView,
  dashboardsView,
  exploreView,
  logsView,
  alertsView,
  incidentsView,
  settingsView,
];

export const DEFAULT_VIEW = targetsView.id;

export type { ViewDefinition };
