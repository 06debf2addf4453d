// When the app opens on the welcome, and the three steps it shows.

import type { AppContext } from "../../app/context.svelte";
import type { DatasourceKind } from "../../lib/bindings";

export interface WelcomeStep {
  id: "prometheus" | "alertmanager" | "logs";
  /** The kinds this step adds; logs offer a search cluster or files on this computer. */
  kinds: readonly DatasourceKind[];
}

export const WELCOME_STEPS: readonly WelcomeStep[] = [
  { id: "prometheus", kinds: ["prometheus"] },
  { id: "alertmanager", kinds: ["alertmanager"] },
  { id: "logs", kinds: ["elasticsearch", "local_files"] },
];

/**
 * Nothing to watch yet: no datasources (a first run without `--demo`, or all removed) and a
 * settings file that loaded (a broken one is Settings' business: it shows the error and the
 * way to save over it).
 */
export function nothingConfigured(app: AppContext): boolean {
  const view = app.settings.view;
  return !!view && !view.loaded.load_error && (view.loaded.settings.datasources ?? []).length === 0;
}

/** The first screen: the welcome while nothing is configured, unless the URL names a view. */
export function opensOnWelcome(app: AppContext, hash: string): boolean {
  return hash.replace(/^#\/?/, "") === "" && nothingConfigured(app);
}
