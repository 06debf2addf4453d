// The Dashboards view's state, kept per app: the library list, the open dashboard with its
// variables, the time range and auto-refresh. Panels watch `generation` and reload when it moves.

import { SvelteMap } from "svelte/reactivity";
import type { AppContext } from "../../app/context.svelte";
import type { AnnotationEvent, Dashboard, DashboardAnnotations, DashboardSummary, HinomiError, ImportReport, Panel, PanelEdit, Variable } from "../../lib/bindings";
import { panelEvents, readChoices, writeChoice, type ChoiceStorage, type Choices } from "./annotations";
import { dashboardsBackend, type DashboardsBackend } from "./api";
import { fromGrafana, refreshMs, resolveWindow, type TimeRange, type TimeWindow } from "./timeRange";

/** Variables whose options are computed or fetched (textbox and constant need nothing). */
const REFRESHED_KINDS = new Set(["query", "custom", "interval", "datasource"]);

export class DashboardsStore {
  list = $state.raw<DashboardSummary[]>([]);
  listLoaded = $state(false);
  listError = $state.raw<HinomiError | null>(null);
  search = $state("");
  starredOnly = $state(false);

  openUid = $state<string | null>(null);
  dashboard = $state.raw<Dashboard | null>(null);
  /**
   * The panels as drawn (from the backend): repeated panels and rows expanded for the live
   * variable selection, titles with their variables replaced. `dashboard.panels` stays the
   * saved model, which edits start from.
   */
  panels = $state.raw<Panel[]>([]);
  openError = $state.raw<HinomiError | null>(null);
  opening = $state(false);
  /**
   * From open until the variables' options are in: panels wait for it, so they query once with
   * the selection they keep rather than first with the saved one and then again.
   */
  variablesLoading = $state(false);
  variables = $state.raw<Variable[]>([]);
  variableErrors = new SvelteMap<string, HinomiError>();
  range = $state.raw<TimeRange>({ kind: "relative", last: "1h" });
  refreshChoice = $state("off");
  window = $state.raw<TimeWindow>({ from_ms: 0, to_ms: 0 });
  /** performance.now() when the dashboard was asked to open (for load timing). */
  openedAt = $state(0);
  /** Bumped on every reload; panels query again when it changes. */
  generation = $state(0);
  /** Row id → folded, for rows the user toggled. */
  readonly folded = new SvelteMap<number, boolean>();
  importError = $state.raw<HinomiError | null>(null);
  /** The last import's report, for the dashboard it imported, until dismissed. */
  importReport = $state.raw<{ uid: string; report: ImportReport } | null>(null);
  lastAction = $state.raw<HinomiError | null>(null);
  /** The open dashboard's annotations for the current window (null until loaded). */
  annotations = $state.raw<DashboardAnnotations | null>(null);
  annotationsError = $state.raw<HinomiError | null>(null);
  /** Annotation sources the user switched on or off on this dashboard (remembered). */
  annotationChoices = $state.raw<Choices>({});
  #annotationRequest = 0;

  readonly api: DashboardsBackend;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #rangePickedWhileOpening = false;
  #unregister: (() => void) | null = null;
  readonly #app: AppContext | null;

  readonly #storage: ChoiceStorage | null;

  constructor(api: DashboardsBackend, now: () => number = Date.now, app: AppContext | null = null, storage: ChoiceStorage | null = defaultStorage()) {
    this.api = api;
    this.#now = now;
    this.#app = app;
    this.#storage = storage;
  }

  async refreshList(): Promise<void> {
    const result = await this.api.listDashboards({ text: "", tags: [], starred_only: false });
    this.listLoaded = true;
    if (result.status === "ok") {
      this.list = result.data;
      this.listError = null;
      this.#registerCommands();
    } else {
      this.listError = result.error;
    }
  }

  get shown(): DashboardSummary[] {
    const text = this.search.trim().toLowerCase();
    return this.list.filter(
      (d) =>
        (!this.starredOnly || d.starred) &&
        (text === "" || d.title.toLowerCase().includes(text) || d.tags.some((t) => t.toLowerCase().includes(text))),
    );
  }

  #registerCommands(): void {
    if (!this.#app) return;
    this.#unregister?.();
    this.#unregister = this.#app.commands.register(
      this.list
        .filter((d) => !d.problem)
        .map((d) => ({
          id: `dashboards-open-${d.uid}`,
          section: "action" as const,
          label: "dashboards.command.open" as const,
          params: () => ({ title: d.title }),
          icon: "database" as const,
          keywords: ["dashboard", "ダッシュボード", ...d.tags],
          run: () => {
            this.#app?.nav.go("dashboards");
            return this.open(d.uid);
          },
        })),
    );
  }

  async open(uid: string): Promise<void> {
    this.openedAt = typeof performance === "undefined" ? 0 : performance.now();
    this.openUid = uid;
    this.opening = true;
    this.variablesLoading = true;
    this.#rangePickedWhileOpening = false;
    this.openError = null;
    this.dashboard = null;
    this.panels = [];
    this.variables = [];
    this.variableErrors.clear();
    this.folded.clear();
    this.annotations = null;
    this.annotationsError = null;
    this.annotationChoices = readChoices(this.#storage, uid);
    const result = await this.api.openDashboard(uid);
    if (this.openUid !== uid) return;
    this.opening = false;
    if (result.status === "error") {
      this.openError = result.error;
      this.variablesLoading = false;
      return;
    }
    this.dashboard = result.data;
    this.panels = result.data.panels ?? [];
    this.variables = result.data.templating?.list ?? [];
    // A range picked while the dashboard was still loading is the person's choice: it wins over
    // the dashboard's saved default, as it would have had the load been instant.
    if (!this.#rangePickedWhileOpening) this.range = fromGrafana(result.data.time);
    this.#rangePickedWhileOpening = false;
    this.window = resolveWindow(this.range, this.#now());
    await this.#refreshVariables(this.variables.map((v) => v.name));
    if (this.openUid !== uid) return;
    this.variablesLoading = false;
    this.reload();
  }

  /** Leaves the dashboard; its panel queries still on their way are dropped. */
  close(): void {
    const uid = this.openUid;
    this.openUid = null;
    this.dashboard = null;
    this.setRefresh("off");
    if (uid) void this.api.cancelDashboardQueries(uid);
  }

  /** Saves edits to one panel and redraws; the error when they were refused. */
  async editPanel(panelId: number, edits: PanelEdit[]): Promise<HinomiError | null> {
    const uid = this.openUid;
    if (!uid) return null;
    const result = await this.api.editDashboardPanel(uid, panelId, edits);
    if (result.status === "error") return result.error;
    if (this.openUid !== uid) return null;
    // The variables keep their live selection; only the panels come from the saved file.
    const saved = result.data;
    if (this.dashboard?.templating) saved.templating = this.dashboard.templating;
    this.dashboard = saved;
    this.reload();
    void this.refreshList();
    return null;
  }

  /** The open dashboard as saved, in Grafana's JSON. */
  async exportJson(): Promise<{ json: string } | { error: HinomiError }> {
    if (!this.openUid) return { error: { code: "not_found", message: "No dashboard is open." } };
    const result = await this.api.exportDashboard(this.openUid);
    return result.status === "ok" ? { json: result.data } : { error: result.error };
  }

  /**
   * Loads the options of `names`, in their order where one uses another (`instance` after the
   * `job` its query names) and at once where they do not: one after the other they would add
   * their round trips to the time before the panels query.
   */
  async #refreshVariables(names: readonly string[]): Promise<void> {
    const uid = this.openUid;
    if (!uid) return;
    const refreshed = names
      .map((name) => this.variables.find((v) => v.name === name))
      .filter((v): v is Variable => !!v && REFRESHED_KINDS.has(v.type));
    const done = new Map<string, Promise<void>>();
    for (const variable of refreshed) {
      const before = [...done].filter(([name]) => usesVariable(variable, name)).map(([, loaded]) => loaded);
      done.set(
        variable.name,
        Promise.all(before).then(() => this.#refreshVariable(uid, variable.name)),
      );
    }
    await Promise.all(done.values());
  }

  async #refreshVariable(uid: string, name: string): Promise<void> {
    if (this.openUid !== uid) return;
    const result = await this.api.refreshDashboardVariable(uid, name, this.window);
    if (this.openUid !== uid) return;
    if (result.status === "ok") {
      this.variableErrors.delete(name);
      this.#replaceVariable(result.data);
    } else {
      this.variableErrors.set(name, result.error);
    }
  }

  #replaceVariable(variable: Variable): void {
    this.variables = this.variables.map((v) => (v.name === variable.name ? variable : v));
  }

  async selectVariable(name: string, values: string[]): Promise<void> {
    const uid = this.openUid;
    if (!uid) return;
    const result = await this.api.selectDashboardVariable(uid, name, values);
    if (result.status === "error") {
      this.variableErrors.set(name, result.error);
      return;
    }
    this.variableErrors.delete(name);
    this.#replaceVariable(result.data.variable);
    await this.#refreshVariables(result.data.dependents);
    this.reload();
  }

  /** Queries every panel again for the current range (a relative range moves to now). */
  reload(): void {
    this.window = resolveWindow(this.range, this.#now());
    this.generation++;
    void this.#refreshPanels();
    void this.#loadAnnotations();
  }

  /**
   * Asks the backend for the panels as drawn now. A copy that stays keeps its id and so its
   * box; copies that come or go with the selection mount or unmount.
   */
  async #refreshPanels(): Promise<void> {
    const uid = this.openUid;
    if (!uid) return;
    const result = await this.api.viewDashboardPanels(uid, this.window);
    if (this.openUid !== uid) return;
    // Without the view the saved panels are still drawn, titles as written.
    this.panels = result.status === "ok" ? result.data : (this.dashboard?.panels ?? []);
  }

  /** The saved panel a drawn one comes from (a repeated copy names it in `repeatPanelId`). */
  sourcePanel(panel: Panel): Panel {
    const sourceId = typeof panel.repeatPanelId === "number" ? panel.repeatPanelId : panel.id;
    const find = (panels: readonly Panel[]): Panel | null => {
      for (const p of panels) {
        if (p.id === sourceId) return p;
        const nested = find(p.panels ?? []);
        if (nested) return nested;
      }
      return null;
    };
    return find(this.dashboard?.panels ?? []) ?? panel;
  }

  async #loadAnnotations(): Promise<void> {
    const uid = this.openUid;
    if (!uid || !this.dashboard) return;
    const mine = ++this.#annotationRequest;
    const result = await this.api.dashboardAnnotations(uid, this.window);
    if (mine !== this.#annotationRequest || this.openUid !== uid) return;
    if (result.status === "ok") {
      this.annotations = result.data;
      this.annotationsError = null;
    } else {
      this.annotationsError = result.error;
    }
  }

  /** Switches an annotation source on or off on this dashboard, and remembers it. */
  setAnnotationEnabled(sourceId: string, on: boolean): void {
    if (!this.openUid) return;
    this.annotationChoices = { ...this.annotationChoices, [sourceId]: on };
    writeChoice(this.#storage, this.openUid, sourceId, on);
  }

  /**
   * What panel `panelId` draws (sources switched off left out). A repeated copy draws what its
   * saved panel does: the backend matches annotations to the panels as saved.
   */
  panelAnnotations(panelId: number): AnnotationEvent[] {
    const drawn = this.panels.find((p) => p.id === panelId) ?? this.panels.flatMap((p) => p.panels ?? []).find((p) => p.id === panelId);
    const sourceId = drawn ? (this.sourcePanel(drawn).id ?? panelId) : panelId;
    return panelEvents(this.annotations, sourceId, this.annotationChoices);
  }

  async setRange(range: TimeRange): Promise<void> {
    if (this.opening) this.#rangePickedWhileOpening = true;
    this.range = range;
    this.window = resolveWindow(range, this.#now());
    // Variables set to refresh on time range change (Grafana's refresh = 2).
    await this.#refreshVariables(this.variables.filter((v) => v.refresh === 2).map((v) => v.name));
    this.reload();
  }

  setRefresh(choice: string): void {
    this.refreshChoice = choice;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const every = refreshMs(choice);
    if (every !== null) this.#timer = setInterval(() => this.reload(), every);
  }

  toggleRow(id: number, folded: boolean): void {
    this.folded.set(id, !folded);
  }

  async setStarred(uid: string, starred: boolean): Promise<void> {
    const result = await this.api.starDashboard(uid, starred);
    this.lastAction = result.status === "error" ? result.error : null;
    await this.refreshList();
  }

  async duplicate(uid: string): Promise<void> {
    const result = await this.api.duplicateDashboard(uid);
    this.lastAction = result.status === "error" ? result.error : null;
    await this.refreshList();
  }

  async remove(uid: string): Promise<void> {
    const result = await this.api.deleteDashboard(uid);
    this.lastAction = result.status === "error" ? result.error : null;
    if (this.openUid === uid) this.close();
    await this.refreshList();
  }

  /** Imports Grafana JSON; returns the new uid, or null with `importError` set. */
  async importJson(text: string, fileName: string): Promise<string | null> {
    const result = await this.api.importDashboard(text, fileName);
    if (result.status === "error") {
      this.importError = result.error;
      return null;
    }
    this.importError = null;
    this.importReport = { uid: result.data.summary.uid, report: result.data.report };
    await this.refreshList();
    return result.data.summary.uid;
  }
}

function defaultStorage(): ChoiceStorage | null {
  return typeof localStorage === "undefined" ? null : localStorage;
}

/** Whether `variable`'s query, datasource or regex names variable `name` (`$name`, `${name…}`, `[[name]]`). */
export function usesVariable(variable: Variable, name: string): boolean {
  const text = JSON.stringify([variable.query, variable.definition, variable.datasource, variable.regex]);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\$\\{?${escaped}(?![A-Za-z0-9_])|\\[\\[${escaped}(?![A-Za-z0-9_])`).test(text);
}

export function dashboardsStore(app: AppContext): DashboardsStore {
  return app.keep("dashboards", () => new DashboardsStore(dashboardsBackend(app.backend), Date.now, app));
}
