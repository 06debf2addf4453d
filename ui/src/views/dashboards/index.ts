// The Dashboards view as the shell sees it: nav entry, "Open dashboard …" palette commands.

import type { ViewDefinition } from "../types";
import DashboardsView from "./DashboardsView.svelte";
import { dashboardsStore } from "./store.svelte";

export const dashboardsView: ViewDefinition = {
  id: "dashboards",
  title: "dashboards.title",
  icon: "database",
  component: DashboardsView,
  // The list is fetched at start-up so every dashboard has its palette command.
  setup: (app) => void dashboardsStore(app).refreshList(),
};
