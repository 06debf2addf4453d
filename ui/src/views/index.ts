// The views, in sidebar order. A new domain view is one folder plus one line here.

import { settingsView } from "./settings";
import { targetsView } from "./targets";
import type { ViewDefinition } from "./types";

export const views: readonly ViewDefinition[] = [targetsView, settingsView];

export const DEFAULT_VIEW = targetsView.id;

export type { ViewDefinition };
