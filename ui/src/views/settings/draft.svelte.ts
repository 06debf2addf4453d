// The Settings view's working copy. Kept per app (not per mount) so unsaved edits survive a
// trip to another view; the nav entry shows when there are any.

import type { AppContext } from "../../app/context.svelte";
import type {
  ConnectionReport,
  DatasourceKind,
  DatasourceProblem,
  HinomiError,
  Settings,
} from "../../lib/bindings";
import {
  cleanPaths,
  DEFAULT_SERIES_LIMIT,
  datasourceFromEntry,
  datasourceId,
  editedPart,
  entryFromDatasource,
  isHttp,
  nextKey,
  normalizeDatasource,
  parseWholeNumber,
  randomSuffix,
  sameEdits,
  type DraftEntry,
  type EditedPart,
} from "./draft";

export type ConnectionTest =
  | { status: "testing"; signature: string }
  | { status: "ok"; signature: string; report: ConnectionReport }
  | { status: "error"; signature: string; error: HinomiError };

/** Form fields a backend problem can point at. */
export type ProblemField =
  | "id"
  | "name"
  | "url"
  | "timeout_ms"
  | "logs.paths"
  | "logs.time_zone"
  | "tls.client_cert_file"
  | "tls.client_key_file"
  | "tls.insecure_skip_verify";

/**
 * The fields a card of this kind shows, so the only ones its problems can be about. Skipping
 * verification is a warning with its own badge, not a fault that marks the card.
 */
function problemFields(kind: DatasourceKind): readonly ProblemField[] {
  return isHttp(kind)
    ? ["id", "name", "url", "timeout_ms", "tls.client_cert_file", "tls.client_key_file"]
    : ["id", "name", "logs.paths", "logs.time_zone", "timeout_ms"];
}

/** What a connection test's result depends on: the datasource as it would be saved, less the
 * switches that only shape its queries (asking long range queries in halves). */
function connectionSignature(entry: DraftEntry): string {
  const connection = { ...datasourceFromEntry(entry) };
  delete connection.split_range_queries;
  return JSON.stringify(connection);
}

export class SettingsDraft {
  entries = $state<DraftEntry[]>([]);
  refresh = $state("5");
  seriesLimit = $state(String(DEFAULT_SERIES_LIMIT));
  saving = $state(false);
  saveError = $state.raw<HinomiError | null>(null);
  saveStatus = $state<"saved" | "savedWithProblems" | null>(null);
  /** Entry to focus when the view next renders (a datasource just added). */
  focusKey = $state<string | null>(null);
  tests = $state.raw<Record<string, ConnectionTest>>({});
  /** Per datasource id: the last failure to store or clear its secret. */
  secretErrors = $state.raw<Record<string, HinomiError>>({});
  secretBusy = $state<string | null>(null);
  readonly #app: AppContext;
  #initialized = $state(false);

  constructor(app: AppContext) {
    this.#app = app;
    this.sync();
    // The settings changed elsewhere (a log source added by a drop): an untouched draft follows
    // them; one with edits keeps its edits, and saving shows the difference as usual.
    app.settings.onReloaded((previous) => {
      const current = this.#app.settings.settings;
      if (!this.#initialized || !previous || !current) return;
      if (sameEdits(this.edited, editedPart(previous))) this.reset(current);
    });
  }

  /** Takes the saved settings as the starting point, once they are there. */
  sync(): void {
    const saved = this.#app.settings.settings;
    if (this.#initialized || !saved) return;
    this.#initialized = true;
    this.reset(saved);
  }

  /** Starts over from `settings`, keeping the UI state (open rows, test results) of known ids. */
  reset(settings: Settings): void {
    const previous = new Map(this.entries.map((e) => [e.id, e]));
    this.entries = (settings.datasources ?? []).map((ds) => {
      const before = previous.get(ds.id);
      const entry = entryFromDatasource(ds, before?.key);
      entry.expanded = before?.expanded ?? this.hasProblems(entry);
      return entry;
    });
    this.refresh = String(settings.refresh_interval_secs ?? 5);
    this.seriesLimit = String(settings.series_limit ?? DEFAULT_SERIES_LIMIT);
  }

  get #saved(): Settings | null {
    return this.#app.settings.settings;
  }

  get edited(): EditedPart {
    return {
      refresh_interval_secs: parseWholeNumber(this.refresh) ?? Number.NaN,
      series_limit: parseWholeNumber(this.seriesLimit) ?? Number.NaN,
      datasources: this.entries.map(datasourceFromEntry),
    };
  }

  get dirty(): boolean {
    const saved = this.#saved;
    return saved && this.#initialized ? !sameEdits(this.edited, editedPart(saved)) : false;
  }

  /**
   * Save is offered for changes, and also while the file on disk is broken: saving is how the
   * user accepts the defaults shown (the broken file is kept aside by the backend).
   */
  get canSave(): boolean {
    const brokenFile = !!this.#app.settings.view?.loaded.load_error;
    return (this.dirty || brokenFile) && this.numbersValid && !this.saving;
  }

  get refreshValid(): boolean {
    return parseWholeNumber(this.refresh) !== null;
  }

  get seriesLimitValid(): boolean {
    return parseWholeNumber(this.seriesLimit) !== null;
  }

  /** Local files do not show their timeout; datasourceFromEntry sends the default for junk. */
  timeoutValid(entry: DraftEntry): boolean {
    return !isHttp(entry.kind) || parseWholeNumber(entry.timeout) !== null;
  }

  /** Numbers that cannot even be sent (the backend's own checks come back as problems). */
  get numbersValid(): boolean {
    return this.refreshValid && this.seriesLimitValid && this.entries.every((e) => this.timeoutValid(e));
  }

  add(kind: DatasourceKind): DraftEntry {
    this.sync();
    const taken = new Set(this.entries.map((e) => e.id));
    const { id, suffix } = datasourceId("", kind, randomSuffix(), taken);
    const entry: DraftEntry = {
      key: nextKey(),
      isNew: true,
      suffix,
      id,
      name: "",
      kind,
      url: "",
      timeout: "10000",
      ca: "",
      clientCert: "",
      clientKey: "",
      skipVerify: false,
      authType: "none",
      username: "",
      indexPattern: "",
      timeField: "",
      paths: "",
      timeZone: "",
      logs: null,
      splitRangeQueries: true,
      expanded: true,
    };
    this.entries.push(entry);
    this.focusKey = entry.key;
    this.saveStatus = null;
    return entry;
  }

  /** Changes fields of one datasource; a new one's id follows its name and kind. */
  edit(key: string, changes: Partial<Pick<DraftEntry, "name" | "kind" | "url" | "timeout" | "ca" | "clientCert" | "clientKey" | "skipVerify" | "authType" | "username" | "indexPattern" | "timeField" | "paths" | "timeZone" | "splitRangeQueries" | "expanded">>): void {
    const entry = this.entries.find((e) => e.key === key);
    if (!entry) return;
    Object.assign(entry, changes);
    if ("name" in changes || "kind" in changes) this.#renameNew(entry);
    if (!("expanded" in changes)) this.saveStatus = null;
  }

  #renameNew(entry: DraftEntry): void {
    if (!entry.isNew) return;
    const taken = new Set(this.entries.filter((e) => e.key !== entry.key).map((e) => e.id));
    const { id, suffix } = datasourceId(entry.name, entry.kind, entry.suffix, taken);
    entry.id = id;
    entry.suffix = suffix;
  }

  remove(key: string): void {
    this.entries = this.entries.filter((e) => e.key !== key);
    this.saveStatus = null;
  }

  discard(): void {
    const saved = this.#saved;
    if (saved) {
      this.entries = this.entries.filter((e) => !e.isNew);
      this.reset(saved);
    }
    this.saveError = null;
    this.saveStatus = null;
  }

  /**
   * The backend's problem for this field, while the field still holds the value it was about.
   * Once the user edits it, the old complaint no longer applies and is hidden until next save.
   */
  problem(entry: DraftEntry, field: ProblemField): DatasourceProblem | undefined {
    if (entry.isNew) return undefined;
    const view = this.#app.settings.view;
    const found = view?.problems.find((p) => p.datasource_id === entry.id && p.field === field);
    if (!found) return undefined;
    const saved = view?.loaded.settings.datasources?.find((ds) => ds.id === entry.id);
    if (!saved) return found;
    const now = datasourceFromEntry(entry);
    const same =
      field === "id"
        ? true
        : field === "timeout_ms"
          ? now.timeout_ms === (saved.timeout_ms ?? now.timeout_ms)
          : field === "logs.paths"
            ? now.kind === saved.kind && JSON.stringify(now.logs?.paths ?? []) === JSON.stringify(cleanPaths(saved.logs?.paths ?? []))
            : field === "logs.time_zone"
              ? now.kind === saved.kind && (now.logs?.time_zone ?? "") === (saved.logs?.time_zone ?? "").trim()
              : field.startsWith("tls.")
                ? JSON.stringify(now.tls) === JSON.stringify(normalizeDatasource(saved).tls)
                : now[field as "id" | "name" | "url"] === saved[field as "id" | "name" | "url"];
    return same ? found : undefined;
  }

  get refreshProblem(): DatasourceProblem | undefined {
    const view = this.#app.settings.view;
    const found = view?.problems.find((p) => p.field === "refresh_interval_secs");
    if (!found) return undefined;
    return parseWholeNumber(this.refresh) === (view?.loaded.settings.refresh_interval_secs ?? null) ? found : undefined;
  }

  get seriesLimitProblem(): DatasourceProblem | undefined {
    const view = this.#app.settings.view;
    const found = view?.problems.find((p) => p.field === "series_limit");
    if (!found) return undefined;
    return parseWholeNumber(this.seriesLimit) === (view?.loaded.settings.series_limit ?? null) ? found : undefined;
  }

  /** Problems that point at no field on screen (e.g. a datasource with an empty id). */
  get otherProblems(): DatasourceProblem[] {
    const view = this.#app.settings.view;
    const ids = new Set(this.entries.map((e) => e.id));
    return (view?.problems ?? []).filter(
      (p) =>
        p.field !== "refresh_interval_secs" &&
        p.field !== "series_limit" &&
        !p.field.startsWith("incidents.") &&
        !(ids.has(p.datasource_id) && p.datasource_id !== ""),
    );
  }

  hasProblems(entry: DraftEntry): boolean {
    return problemFields(entry.kind).some((f) => this.problem(entry, f));
  }

  /** Whether the keyring holds this saved datasource's secret (the secret never comes back). */
  hasSecret(entry: DraftEntry): boolean {
    return !entry.isNew && this.#app.settings.view?.has_secret?.[entry.id] === true;
  }

  /** Stores the password or token in the OS keyring under the datasource's id. */
  async storeSecret(entry: DraftEntry, secret: string): Promise<boolean> {
    return this.#secretCall(entry.id, () => this.#app.backend.setDatasourceSecret(entry.id, secret));
  }

  async clearSecret(entry: DraftEntry): Promise<boolean> {
    return this.#secretCall(entry.id, () => this.#app.backend.clearDatasourceSecret(entry.id));
  }

  async #secretCall(id: string, call: () => ReturnType<AppContext["backend"]["clearDatasourceSecret"]>): Promise<boolean> {
    this.secretBusy = id;
    const { [id]: _previous, ...others } = this.secretErrors;
    this.secretErrors = others;
    let ok = false;
    const result = await call();
    if (result.status === "ok") {
      this.#app.settings.view = result.data;
      // A connection test from before the secret changed no longer says anything.
      const keys = new Set(this.entries.filter((e) => e.id === id).map((e) => e.key));
      this.tests = Object.fromEntries(Object.entries(this.tests).filter(([key]) => !keys.has(key)));
      ok = true;
    } else {
      this.secretErrors = { ...this.secretErrors, [id]: result.error };
    }
    this.secretBusy = null;
    return ok;
  }

  testFor(entry: DraftEntry): ConnectionTest | undefined {
    const test = this.tests[entry.key];
    // A result about other settings than the ones on screen would mislead.
    return test && test.signature === connectionSignature(entry) ? test : undefined;
  }

  async testConnection(entry: DraftEntry): Promise<void> {
    const datasource = datasourceFromEntry(entry);
    const signature = connectionSignature(entry);
    const key = entry.key;
    this.tests = { ...this.tests, [key]: { status: "testing", signature } };
    const result = await this.#app.backend.testConnection(datasource);
    const test: ConnectionTest =
      result.status === "ok"
        ? { status: "ok", signature, report: result.data }
        : { status: "error", signature, error: result.error };
    this.tests = { ...this.tests, [key]: test };
  }

  async save(): Promise<boolean> {
    const saved = this.#saved;
    if (!saved || !this.canSave) return false;
    this.saving = true;
    this.saveError = null;
    this.saveStatus = null;
    const result = await this.#app.settings.save({ ...saved, ...this.edited });
    this.saving = false;
    if (result.status === "error") {
      this.saveError = result.error;
      return false;
    }
    this.reset(result.data.loaded.settings);
    this.saveStatus = result.data.problems.length > 0 ? "savedWithProblems" : "saved";
    for (const entry of this.entries) if (this.hasProblems(entry)) entry.expanded = true;
    return true;
  }
}

export function settingsDraft(app: AppContext): SettingsDraft {
  return app.keep("settings-draft", () => new SettingsDraft(app));
}

/** "Add <kind> datasource" from anywhere (palette, an empty Targets view). */
export function addDatasource(app: AppContext, kind: DatasourceKind): void {
  settingsDraft(app).add(kind);
  app.nav.go("settings");
}
