// What a view tells the shell about itself. Adding a view: make `views/<domain>/`, export a
// ViewDefinition from its index.ts, and list it in views/index.ts.

import type { Component } from "svelte";
import type { AppContext } from "../app/context.svelte";
import type { IconName } from "../lib/components/icons";
import type { MessageKey } from "../lib/i18n/translate";
import type { PaletteCommand } from "../lib/palette/registry.svelte";

/**
 * The view itself, which takes no props (views read what they need from context: getApp,
 * getBackend). The views a start normally shows (Targets, the welcome) give the component; the
 * others give `load`, an import of it, so their code is fetched and parsed when first opened
 * rather than before the first paint (start-up benchmark, docs/benchmarks.md). A start on one of
 * those (its URL hash) begins that import beside the settings (App.svelte).
 */
export type ViewBody =
  | { component: Component; load?: never }
  | { load: () => Promise<{ default: Component }>; component?: never };

export type ViewDefinition = ViewBody & {
  /** Also the URL hash (#/targets) and the nav test id (nav-targets). */
  id: string;
  title: MessageKey;
  icon: IconName;
  /** Palette actions beyond the automatic "Go to <view>". */
  commands?: (app: AppContext) => PaletteCommand[];
  /**
   * Runs once after settings are loaded, before anything renders: create the view's kept state
   * here (`app.keep`). State first created inside a template expression would not be tracked by
   * the expression that created it.
   */
  setup?: (app: AppContext) => void;
  /** Runs at start-up when this view is the first shown, to start fetching before it mounts. */
  preload?: (app: AppContext) => void;
  /** Whether the sidebar lists it now (always when absent); the URL and palette still reach it. */
  inNav?: (app: AppContext) => boolean;
  /** Marks the nav entry (e.g. unsaved changes). */
  attention?: (app: AppContext) => boolean;
};
