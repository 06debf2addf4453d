// The dashboards commands, as a slice of the Backend.

import type { Backend } from "../../lib/backend";

export const DASHBOARD_COMMANDS = [
  "listDashboards",
  "openDashboard",
  "importDashboard",
  "starDashboard",
  "duplicateDashboard",
  "deleteDashboard",
  "refreshDashboardVariable",
  "selectDashboardVariable",
  "runPanel",
  "dashboardAnnotations",
  "cancelDashboardQueries",
  "editDashboardPanel",
  "exportDashboard",
  "viewDashboardPanels",
  "exploreRange",
  "exploreInstant",
  "promqlCatalog",
  "promqlLabelValues",
] as const;

export type DashboardsBackend = Pick<Backend, (typeof DASHBOARD_COMMANDS)[number]>;

/** The app's backend, which carries the dashboards commands (see backend.ts). */
export function dashboardsBackend(backend: DashboardsBackend): DashboardsBackend {
  return backend;
}
