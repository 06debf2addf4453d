// The welcome as the shell sees it: listed in the nav only while nothing is configured.

import type { ViewDefinition } from "../types";
import { nothingConfigured } from "./welcome";
import WelcomeView from "./WelcomeView.svelte";

export const welcomeView: ViewDefinition = {
  id: "welcome",
  title: "welcome.nav",
  icon: "bolt",
  component: WelcomeView,
  inNav: nothingConfigured,
};
