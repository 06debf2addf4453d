// Everything a view may need, in one object passed through Svelte context: the backend, the
// settings, navigation, the palette's registry, and a place for views to keep state across
// navigation.

import { getContext, setContext } from "svelte";
import { backendContext, type Backend } from "../lib/backend";
import type { AppInfo, HinomiError } from "../lib/bindings";
import { resolveLocale, type Locale } from "../lib/i18n/locale";
import { CommandRegistry } from "../lib/palette/registry.svelte";
import { Navigator, type ExploreRange, type ExploreRequest, type LogsRequest } from "./navigation.svelte";
import { SettingsStore } from "./settings.svelte";

const KEY = Symbol("hinomi.app");

export interface AppOptions {
  viewIds: readonly string[];
  defaultView: string;
}

export class AppContext {
  readonly backend: Backend;
  readonly settings: SettingsStore;
  readonly commands = new CommandRegistry();
  readonly nav: Navigator;
  info = $state.raw<AppInfo | null>(null);
  paletteOpen = $state(false);
  /** The latest "Open in Explore"; the Explore view runs each one once. */
  exploreRequest = $state.raw<ExploreRequest | null>(null);
  /** The latest "Show logs"; the Logs view runs each one once. */
  logsRequest = $state.raw<LogsRequest | null>(null);
  readonly #kept = new Map<string, unknown>();

  constructor(backend: Backend, options: AppOptions) {
    this.backend = backend;
    this.settings = new SettingsStore(backend);
    this.nav = new Navigator(options.viewIds, options.defaultView);
  }

  get locale(): Locale {
    return resolveLocale(this.settings.language, this.info?.os_locale);
  }

  /**
   * Loads what every view needs before the first render (both are local and fast); the error
   * when one of them failed (the app cannot start without them).
   */
  async start(): Promise<HinomiError | null> {
    const [info, settings] = await Promise.all([this.backend.appInfo(), this.settings.load()]);
    if (info.status === "error") return info.error;
    this.info = info.data;
    return settings;
  }

  /** Shows Explore with `expr` over `range` (Explore's own range when null) and runs it. */
  openExplore(expr: string, range: ExploreRange | null = null, datasourceId: string | null = null): void {
    this.exploreRequest = { id: (this.exploreRequest?.id ?? 0) + 1, expr, range, datasourceId };
    this.nav.go("explore");
  }

  /** Shows Logs (Discover) over `range`, filtered by `labels` where the logs have such fields. */
  openLogs(range: ExploreRange, labels: Record<string, string> = {}, query = ""): void {
    this.logsRequest = { id: (this.logsRequest?.id ?? 0) + 1, range, query, labels };
    this.nav.go("logs");
  }

  /**
   * One instance per app of whatever `make` builds, kept under `key`: view state (a targets
   * poller, a settings draft) that should survive switching views.
   */
  keep<T>(key: string, make: () => T): T {
    if (!this.#kept.has(key)) this.#kept.set(key, make());
    return this.#kept.get(key) as T;
  }
}

export function setApp(app: AppContext): AppContext {
  return setContext(KEY, app);
}

export function getApp(): AppContext {
  const app = getContext<AppContext | undefined>(KEY);
  if (!app) throw new Error("No AppContext: render inside App or pass appContext(app)");
  return app;
}

/** Context for `render`/`mount` in tests: the app and its backend. */
export function appContext(app: AppContext): Map<unknown, unknown> {
  const map = backendContext(app.backend);
  map.set(KEY, app);
  return map;
}
