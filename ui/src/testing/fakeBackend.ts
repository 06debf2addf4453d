// An in-memory Backend for tests and the dev-mode demo, made of each view's fake. Its state is public so a test can change
// what the "server" answers between two refreshes.

import type {
  AppInfo,
  ConnectionReport,
  Datasource,
  DatasourceHealth,
  DatasourceProblem,
  DatasourceTargets,
  HinomiError,
  ScrapeTarget,
  Settings,
  SettingsView,
} from "../lib/bindings";
import type { Backend, CommandResult } from "../lib/backend";
import { createFakeAlerts } from "../views/alerts/fake";
import { createFakeDashboards } from "../views/dashboards/fake";
import { createFakeIncidents } from "../views/incidents/fake";
import { createFakeLogs } from "../views/logs/fake";

/** What one Prometheus answers: its targets, or an error. A function is asked on every call. */
export type FakeTargets = ScrapeTarget[] | HinomiError | (() => ScrapeTarget[] | HinomiError);

export interface FakeState {
  appInfo: AppInfo;
  settings: Settings;
  loadError: HinomiError | null;
  settingsPath: string;
  /** No settings file yet; the first save (or "Open the demo") ends it. */
  firstRun: boolean;
  /** What "Open the demo" (`openDemo`) saves as the datasources. */
  demoDatasources: Datasource[];
  /** Keyed by datasource id; a Prometheus missing here is "unreachable". */
  targets: Record<string, FakeTargets>;
  /** When set, `listTargets` itself fails (the IPC call, not one datasource). */
  listTargetsError: HinomiError | null;
  /** When set, `saveSettings` fails with it. */
  saveError: HinomiError | null;
  /** Keyed by datasource id; missing means "connected". */
  connection: Record<string, ConnectionReport | HinomiError>;
  /** Milliseconds every call waits, to make loading states visible. */
  latencyMs: number;
  /** Datasource secrets ("the keyring"), keyed by datasource id; never sent back to the UI. */
  secrets: Record<string, string>;
  /** What `datasourceHealth` answers: the health book's entries. */
  health: DatasourceHealth[];
  /** Whether the autostart entry is there; `autostartError` makes changing it fail. */
  autostart: boolean;
  autostartError: HinomiError | null;
}

export interface FakeBackend extends Backend {
  state: FakeState;
  /** Every call made, in order: `["listTargets", []]`, `["saveSettings", [settings]]`... */
  calls: Array<[string, unknown[]]>;
  /** The views passed to `reportFirstPaint`. */
  firstPaints: string[];
  /** The settings most recently saved, if any. */
  saved: Settings[];
}

export function defaultAppInfo(): AppInfo {
  return {
    version: "0.0.0-fake",
    os_locale: "en-US",
    paths: {
      config_dir: "/home/user/.config/hinomi",
      data_dir: "/home/user/.local/share/hinomi",
      cache_dir: "/home/user/.cache/hinomi",
      log_dir: "/home/user/.local/state/hinomi",
    },
  };
}

/** A plain HTTP datasource as the settings file would hold it. */
export function fakeDatasource(id: string, name: string, kind: Datasource["kind"], url: string): Datasource {
  return { id, name, kind, url, timeout_ms: 10_000, tls: { ca_file: null }, auth: { type: "none" } };
}

export function isError(value: unknown): value is HinomiError {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "code" in value;
}

/**
 * A rough stand-in for the Rust-side validation, so the fake answers with *some* problems. The
 * real rules live in Rust (`Settings::problems`); nothing in the UI relies on this matching them.
 */
function fakeProblems(settings: Settings): DatasourceProblem[] {
  const problems: DatasourceProblem[] = [];
  const seen = new Set<string>();
  const problem = (datasource_id: string, field: string, message: string) =>
    problems.push({ datasource_id, field, error: { code: "invalid_input", message } });
  for (const ds of settings.datasources ?? []) {
    if (!ds.id.trim()) problem(ds.id, "id", "The datasource has no id.");
    else if (seen.has(ds.id)) problem(ds.id, "id", `Another datasource already uses the id "${ds.id}".`);
    seen.add(ds.id);
    if (!ds.name.trim()) problem(ds.id, "name", "Give the datasource a name.");
    // As Settings::problems: local files need a path, not a URL.
    if (ds.kind === "local_files") {
      if (!(ds.logs?.paths ?? []).some((p) => p.trim() !== "")) problem(ds.id, "logs.paths", "Add a folder, file or glob to read logs from.");
    } else if (!/^https?:\/\/[^/?#\s]+/.test(ds.url.trim())) problem(ds.id, "url", `"${ds.url}" is not a URL.`);
    const timeout = ds.timeout_ms ?? 10_000;
    if (timeout < 100 || timeout > 600_000) {
      problem(ds.id, "timeout_ms", `Timeout must be between 100 ms and 10 min, not ${timeout} ms.`);
    }
  }
  const every = settings.refresh_interval_secs ?? 5;
  if (every < 1 || every > 3600) {
    problem("", "refresh_interval_secs", "The refresh interval must be between 1 s and 1 h.");
  }
  return problems;
}

export function createFakeBackend(initial: Partial<FakeState> = {}): FakeBackend {
  const state: FakeState = {
    appInfo: defaultAppInfo(),
    settings: { version: 1, language: "en", refresh_interval_secs: 5, datasources: [] },
    loadError: null,
    settingsPath: "/home/user/.config/hinomi/settings.toml",
    firstRun: false,
    demoDatasources: [
      fakeDatasource("demo-prometheus", "Demo Prometheus", "prometheus", "http://127.0.0.1:19090"),
      fakeDatasource("demo-alertmanager", "Demo Alertmanager", "alertmanager", "http://127.0.0.1:19093"),
    ],
    targets: {},
    listTargetsError: null,
    saveError: null,
    connection: {},
    latencyMs: 0,
    secrets: {},
    health: [],
    autostart: false,
    autostartError: null,
    ...initial,
  };
  const calls: Array<[string, unknown[]]> = [];
  const firstPaints: string[] = [];
  const saved: Settings[] = [];

  const wait = () =>
    state.latencyMs > 0
      ? new Promise<void>((resolve) => setTimeout(resolve, state.latencyMs))
      : Promise.resolve();
  const copy = <T>(value: T): T => structuredClone(value);
  const settingsView = (): SettingsView => ({
    loaded: { settings: copy(state.settings), load_error: state.loadError, path: state.settingsPath, first_run: state.firstRun },
    problems: fakeProblems(state.settings),
    has_secret: Object.fromEntries(
      (state.settings.datasources ?? [])
        .filter((ds) => ds.auth && ds.auth.type !== "none")
        .map((ds) => [ds.id, !!state.secrets[ds.id]]),
    ),
  });

  const answerFor = (ds: Datasource): DatasourceTargets => {
    const source = state.targets[ds.id];
    const answer: ScrapeTarget[] | HinomiError =
      typeof source === "function"
        ? source()
        : (source ?? {
            code: "unreachable",
            message: `Cannot reach ${ds.url}: connection refused`,
            detail: "error sending request: tcp connect error: Connection refused (os error 111)",
          });
    return {
      datasource_id: ds.id,
      datasource_name: ds.name,
      url: ds.url,
      targets: isError(answer) ? [] : copy(answer),
      error: isError(answer) ? answer : null,
      fetched_at: new Date().toISOString(),
    };
  };

  const logs = createFakeLogs();
  /** As the shell does: an added local files source is a datasource in the settings too. */
  const savedAsDatasource = async <T extends { datasource_id: string; index: string } | null>(
    answer: CommandResult<T>,
  ): Promise<CommandResult<T>> => {
    const target = answer.status === "ok" ? answer.data : null;
    if (target && !(state.settings.datasources ?? []).some((ds) => ds.id === target.datasource_id)) {
      const paths = target.index.split(", ");
      state.settings.datasources = [
        ...(state.settings.datasources ?? []),
        {
          id: target.datasource_id,
          name: paths[0]!.split("/").filter(Boolean).at(-1) ?? paths[0]!,
          kind: "local_files",
          url: "",
          timeout_ms: 10_000,
          tls: { ca_file: null },
          auth: { type: "none" },
          logs: { paths, time_field: "" },
        },
      ];
    }
    return answer;
  };

  return {
    ...createFakeIncidents(),
    ...createFakeAlerts(),
    ...createFakeDashboards(),
    ...logs,
    addLocalLogSource: async (paths) => savedAsDatasource(await logs.addLocalLogSource(paths)),
    chooseLocalLogSource: async (folder) => savedAsDatasource(await logs.chooseLocalLogSource(folder)),
    state,
    calls,
    firstPaints,
    saved,
    async appInfo() {
      calls.push(["appInfo", []]);
      await wait();
      return { status: "ok", data: copy(state.appInfo) };
    },
    async autostartEnabled() {
      calls.push(["autostartEnabled", []]);
      await wait();
      return { status: "ok", data: state.autostart };
    },
    async setAutostart(enabled) {
      calls.push(["setAutostart", [enabled]]);
      await wait();
      if (state.autostartError) return { status: "error", error: copy(state.autostartError) };
      state.autostart = enabled;
      return { status: "ok", data: enabled };
    },
    async reportFirstPaint(view) {
      calls.push(["reportFirstPaint", [view]]);
      firstPaints.push(view);
      return { status: "ok", data: undefined };
    },
    async getSettings() {
      calls.push(["getSettings", []]);
      await wait();
      return { status: "ok", data: settingsView() };
    },
    async saveSettings(settings): Promise<CommandResult<SettingsView>> {
      calls.push(["saveSettings", [settings]]);
      await wait();
      if (state.saveError) return { status: "error", error: state.saveError };
      state.settings = copy(settings);
      state.loadError = null;
      state.firstRun = false;
      saved.push(copy(settings));
      return { status: "ok", data: settingsView() };
    },
    async openDemo(): Promise<CommandResult<SettingsView>> {
      calls.push(["openDemo", []]);
      await wait();
      if (state.saveError) return { status: "error", error: state.saveError };
      state.settings = { ...copy(state.settings), datasources: copy(state.demoDatasources) };
      state.loadError = null;
      state.firstRun = false;
      saved.push(copy(state.settings));
      return { status: "ok", data: settingsView() };
    },
    async setDatasourceSecret(id, secret): Promise<CommandResult<SettingsView>> {
      // The secret itself is not recorded in `calls`: tests check it never travels back.
      calls.push(["setDatasourceSecret", [id]]);
      await wait();
      if (secret === "") return { status: "error", error: { code: "invalid_input", message: "The password or token is empty." } };
      state.secrets[id] = secret;
      return { status: "ok", data: settingsView() };
    },
    async clearDatasourceSecret(id): Promise<CommandResult<SettingsView>> {
      calls.push(["clearDatasourceSecret", [id]]);
      await wait();
      delete state.secrets[id];
      return { status: "ok", data: settingsView() };
    },
    async testConnection(datasource): Promise<CommandResult<ConnectionReport>> {
      calls.push(["testConnection", [datasource]]);
      await wait();
      const answer = state.connection[datasource.id];
      if (isError(answer)) return { status: "error", error: answer };
      return {
        status: "ok",
        data: answer ?? { datasource_id: datasource.id, server: "Prometheus 2.53.0", latency_ms: 12 },
      };
    },
    async datasourceHealth(): Promise<CommandResult<DatasourceHealth[]>> {
      calls.push(["datasourceHealth", []]);
      await wait();
      return { status: "ok", data: copy(state.health) };
    },
    async listTargets(): Promise<CommandResult<DatasourceTargets[]>> {
      calls.push(["listTargets", []]);
      await wait();
      if (state.listTargetsError) return { status: "error", error: state.listTargetsError };
      const prometheus = (state.settings.datasources ?? []).filter((ds) => ds.kind === "prometheus");
      return { status: "ok", data: prometheus.map(answerFor) };
    },
  };
}

/** A scrape target with sensible defaults, for tests and demo data. */
export function fakeTarget(partial: Partial<ScrapeTarget> & Pick<ScrapeTarget, "job" | "instance">): ScrapeTarget {
  return {
    scrape_pool: partial.job,
    scrape_url: `http://${partial.instance}/metrics`,
    health: "up",
    last_scrape: new Date().toISOString(),
    last_scrape_duration_seconds: 0.012,
    last_error: "",
    scrape_interval: "15s",
    labels: { job: partial.job, instance: partial.instance },
    ...partial,
  };
}
