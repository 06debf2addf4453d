// The Explore view as the shell sees it: nav entry ("Go to Explore" in the palette comes with it).

import type { ViewDefinition } from "../types";
import { exploreStore } from "./store.svelte";

export const exploreView: ViewDefinition = {
  id: "explore",
  title: "explore.title",
  icon: "search",
  load: () => import("./ExploreView.svelte"),
  setup: (app) => void exploreStore(app),
};
