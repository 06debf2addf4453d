// The Dashboards view as the shell sees it: nav entry, "Open dashboard …" palette commands.

import type { ViewDefinition } from "../types";
import { dashboardsStore } from "./store.svelte";

export const dashboardsView: ViewDefinition = {
  id: "dashboards",
  title: "dashboards.title",
  icon: "database",
  load: () => import("./DashboardsView.svelte"),
  // The list is fetched at start-up so every dashboard has its palette command.
  setup: (app) => void dashboardsStore(app).refreshList(),
};
