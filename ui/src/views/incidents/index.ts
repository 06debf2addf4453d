// The Incidents view as the shell sees it: nav entry, palette command, attention when overdue.

import type { ViewDefinition } from "../types";
import { liveCountdown } from "./countdown";
import { incidentsStore } from "./store.svelte";

export const incidentsView: ViewDefinition = {
  id: "incidents",
  title: "incidents.title",
  icon: "alert",
  load: () => import("./IncidentsView.svelte"),
  setup: (app) => void incidentsStore(app),
  attention: (app) =>
    Object.values(incidentsStore(app).countdowns).some((c) => liveCountdown(c, Date.now()).state === "overdue"),
  commands: (app) => [
    {
      id: "incidents-new",
      section: "action",
      label: "incidents.command.new",
      icon: "plus",
      keywords: ["incident", "インシデント", "create"],
      run: () => {
        incidentsStore(app).newRequested = true;
        app.nav.go("incidents");
      },
    },
  ],
};
