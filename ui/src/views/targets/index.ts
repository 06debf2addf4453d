// The Targets view as the shell sees it: nav entry, palette commands, start-up preload.

import type { ViewDefinition } from "../types";
import { targetsStore } from "./store.svelte";
import TargetsView from "./TargetsView.svelte";

export const targetsView: ViewDefinition = {
  id: "targets",
  title: "view.targets.title",
  icon: "targets",
  component: TargetsView,
  setup: (app) => void targetsStore(app),
  preload: (app) => void targetsStore(app).refresh(),
  commands: (app) => [
    {
      id: "targets-refresh",
      section: "action",
      label: "command.refreshTargets",
      icon: "refresh",
      keywords: ["reload", "scrape"],
      run: () => {
        app.nav.go("targets");
        return targetsStore(app).refresh();
      },
    },
    {
      id: "targets-only-down",
      section: "action",
      label: "command.toggleOnlyDown",
      icon: "x",
      keywords: ["filter", "failing"],
      when: () => !targetsStore(app).onlyDown,
      run: () => {
        targetsStore(app).onlyDown = true;
        app.nav.go("targets");
      },
    },
    {
      id: "targets-show-all",
      section: "action",
      label: "command.showAllTargets",
      icon: "targets",
      keywords: ["filter", "clear"],
      when: () => targetsStore(app).onlyDown || targetsStore(app).filterText !== "",
      run: () => {
        const store = targetsStore(app);
        store.onlyDown = false;
        store.filterText = "";
        app.nav.go("targets");
      },
    },
  ],
};
