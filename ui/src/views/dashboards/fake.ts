// An in-memory dashboards backend (one dashboard, synthetic series) for tests and the dev demo.
// Spread into testing/fakeBackend.ts's createFakeBackend.

import type { Dashboard, DashboardAnnotations, DashboardSummary, HinomiError, ImportReport, PanelEdit, PromqlCatalog, UnsupportedFeature, Variable } from "../../lib/bindings";
import { encodePanelFrame, type EncodeQuery } from "../../lib/charts/frame";
import type { DashboardsBackend } from "./api";

export interface FakeDashboardsState {
  dashboards: Dashboard[];
  starred: string[];
  /** Panel id → what its queries answer; a missing panel answers one sine wave per target. */
  panels: Record<number, EncodeQuery[] | HinomiError>;
  /** Panel id → answer as the last good one, from `sinceMs`, because of `error`. */
  stale: Record<number, { sinceMs: number; error: HinomiError }>;
  /** Variable name → its options (values). */
  variableOptions: Record<string, string[]>;
  /** Every runPanel call: [uid, panelId, window, widthPx]. */
  runs: Array<[string, number, { from_ms: number; to_ms: number }, number]>;
  /** Every cancelDashboardQueries call's uid. */
  cancelled: string[];
  /** Every exploreRange / exploreInstant call: [kind, expr]. */
  explores: Array<["range" | "instant", string]>;
  /** What autocomplete gets; an error makes promqlCatalog fail. */
  catalog: PromqlCatalog | HinomiError;
  /** Label name → its values. */
  labelValues: Record<string, string[]>;
  /** What an import's report names as ignored. */
  importUnsupported: UnsupportedFeature[];
  /** What dashboardAnnotations answers (for any dashboard and window), or its error. */
  annotations: DashboardAnnotations | HinomiError;
  /** Every dashboardAnnotations call: [uid, window]. */
  annotationRuns: Array<[string, { from_ms: number; to_ms: number }]>;
}

/** Fake Prometheus's answer to a bad expression: an unbalanced "(" is a parse error at its end. */
function fakeParseError(expr: string): { error: HinomiError; position: { line: number; column: number } } | null {
  const open = (expr.match(/\(/g) ?? []).length;
  const close = (expr.match(/\)/g) ?? []).length;
  if (open === close) return null;
  const column = expr.length + 1;
  return {
    error: { code: "backend", message: `1:${column}: parse error: unclosed left parenthesis`, detail: "bad_data" },
    position: { line: 1, column },
  };
}

export function demoDashboard(): Dashboard {
  return {
    uid: "demo-overview",
    title: "Demo overview",
    tags: ["demo"],
    time: { from: "now-1h", to: "now" },
    templating: {
      list: [
        {
          type: "query",
          name: "job",
          multi: true,
          includeAll: true,
          query: "label_values(up, job)",
          current: { value: ["$__all"], text: ["All"] },
        } as Variable,
      ],
    },
    panels: [
      {
        id: 1,
        type: "timeseries",
        title: "Requests",
        gridPos: { x: 0, y: 0, w: 12, h: 8 },
        targets: [{ refId: "A", expr: 'sum by (method) (rate(api_requests_total{job=~"$job"}[5m]))', legendFormat: "{{method}}" }],
        fieldConfig: { defaults: { unit: "reqps" }, overrides: [] },
      },
      {
        id: 2,
        type: "gauge",
        title: "Error rate",
        gridPos: { x: 12, y: 0, w: 6, h: 8 },
        targets: [{ refId: "A", expr: "errors" }],
        fieldConfig: {
          defaults: {
            unit: "percent",
            thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 5 }] },
          },
          overrides: [],
        },
      },
      { id: 3, type: "text", title: "Notes", gridPos: { x: 18, y: 0, w: 6, h: 8 }, options: { content: "# Runbook\n\nCheck **errors** first." } },
      { id: 4, type: "piechart", title: "Share by endpoint", gridPos: { x: 0, y: 8, w: 24, h: 6 }, targets: [{ refId: "A", expr: "x" }] },
    ],
  } as unknown as Dashboard;
}

function wave(labels: Record<string, string>, window: { from_ms: number; to_ms: number }, phase: number) {
  const timestamps: number[] = [];
  const values: number[] = [];
  const from = window.from_ms / 1000;
  const to = window.to_ms / 1000;
  const step = Math.max(1, (to - from) / 60);
  for (let ts = from; ts <= to; ts += step) {
    timestamps.push(ts);
    values.push(10 + 5 * Math.sin(ts / 300 + phase));
  }
  return { labels, timestamps, values };
}

export function createFakeDashboards(initial: Partial<FakeDashboardsState> = {}): DashboardsBackend & {
  dashboardsState: FakeDashboardsState;
} {
  const state: FakeDashboardsState = {
    dashboards: [demoDashboard()],
    starred: [],
    panels: {},
    stale: {},
    variableOptions: { job: ["api", "node"] },
    runs: [],
    cancelled: [],
    explores: [],
    catalog: {
      datasource_id: "prom",
      metrics: [
        { name: "api_requests_total", metric_type: "counter", help: "API requests." },
        { name: "up", metric_type: "gauge", help: "Target up." },
      ],
      label_names: ["__name__", "job", "method"],
      functions: ["rate", "sum", "histogram_quantile"],
    },
    labelValues: { job: ["api", "node"], method: ["GET", "POST"] },
    importUnsupported: [],
    annotations: { sources: [], events: [] },
    annotationRuns: [],
    ...initial,
  };
  const copy = <T>(v: T): T => structuredClone(v);
  const summary = (d: Dashboard): DashboardSummary => ({
    uid: d.uid ?? "",
    title: d.title ?? "",
    tags: d.tags ?? [],
    starred: state.starred.includes(d.uid ?? ""),
    panel_count: d.panels?.length ?? 0,
    problem: null,
  });
  const find = (uid: string) => state.dashboards.find((d) => d.uid === uid);
  const notFound = (uid: string): { status: "error"; error: HinomiError } => ({
    status: "error",
    error: { code: "not_found", message: `no dashboard with uid "${uid}"` },
  });
  const variable = (uid: string, name: string) => find(uid)?.templating?.list?.find((v) => v.name === name);

  return {
    dashboardsState: state,
    async listDashboards(search) {
      const text = (search.text ?? "").toLowerCase();
      return {
        status: "ok",
        data: state.dashboards
          .map(summary)
          .filter((s) => s.title.toLowerCase().includes(text) && (!search.starred_only || s.starred))
          .sort((a, b) => Number(b.starred) - Number(a.starred) || a.title.localeCompare(b.title)),
      };
    },
    async openDashboard(uid) {
      const d = find(uid);
      return d ? { status: "ok", data: copy(d) } : notFound(uid);
    },
    async importDashboard(text, fileName) {
      let parsed: Dashboard;
      try {
        parsed = JSON.parse(text) as Dashboard;
      } catch (err) {
        return { status: "error", error: { code: "invalid_config", message: `${fileName}: .: ${String(err)}`, detail: `${fileName}: .` } };
      }
      parsed.uid = parsed.uid ?? `imported-${state.dashboards.length}`;
      state.dashboards.push(parsed);
      // The fake's report: panel counts only; the real one also names what is ignored.
      const total = (parsed.panels ?? []).length;
      const report: ImportReport = {
        title: parsed.title ?? "",
        total_panels: total,
        supported_panels: total,
        placeholder_panels: 0,
        by_type: [],
        placeholders: [],
        variables: [],
        unsupported: state.importUnsupported,
        notes: [],
      };
      return { status: "ok", data: { summary: summary(parsed), report } };
    },
    async starDashboard(uid, starred) {
      if (!find(uid)) return notFound(uid);
      state.starred = starred ? [...state.starred, uid] : state.starred.filter((s) => s !== uid);
      return { status: "ok", data: null };
    },
    async duplicateDashboard(uid) {
      const d = find(uid);
      if (!d) return notFound(uid);
      const c = { ...copy(d), uid: `${uid}-copy`, title: `${d.title} (copy)` };
      state.dashboards.push(c);
      return { status: "ok", data: summary(c) };
    },
    async deleteDashboard(uid) {
      if (!find(uid)) return notFound(uid);
      state.dashboards = state.dashboards.filter((d) => d.uid !== uid);
      return { status: "ok", data: null };
    },
    async refreshDashboardVariable(uid, name) {
      const v = variable(uid, name);
      if (!v) return notFound(uid);
      const values = state.variableOptions[name] ?? [];
      v.options = [
        ...(v.includeAll ? [{ text: "All", value: "$__all", selected: false }] : []),
        ...values.map((value) => ({ text: value, value, selected: false })),
      ];
      return { status: "ok", data: copy(v) };
    },
    async selectDashboardVariable(uid, name, values) {
      const v = variable(uid, name);
      if (!v) return notFound(uid);
      v.current = { value: v.multi ? values : (values[0] ?? ""), text: v.multi ? values : (values[0] ?? "") };
      return { status: "ok", data: { variable: copy(v), dependents: [] } };
    },
    async runPanel(uid, panelId, timeWindow, widthPx) {
      const window = { from_ms: timeWindow.from_ms ?? 0, to_ms: timeWindow.to_ms ?? 0 };
      state.runs.push([uid, panelId, window, widthPx]);
      const d = find(uid);
      if (!d) return notFound(uid);
      const configured = state.panels[panelId];
      if (configured && "code" in configured) return { status: "error", error: configured };
      const panel = (d.panels ?? []).find((p) => p.id === panelId);
      const queries: EncodeQuery[] =
        configured ??
        (panel?.targets ?? []).map((target, i) => ({
          refId: target.refId ?? "A",
          expr: target.expr ?? "",
          legendFormat: target.legendFormat ?? null,
          series:
            panel?.type === "gauge"
              ? [{ labels: {}, timestamps: [window.to_ms / 1000], values: [1.25] }]
              : [wave({ method: "GET" }, window, i), wave({ method: "POST" }, window, i + 1)],
        }));
      return { status: "ok", data: encodePanelFrame(queries, state.stale[panelId]) };
    },
    async dashboardAnnotations(uid, timeWindow) {
      state.annotationRuns.push([uid, { from_ms: timeWindow.from_ms ?? 0, to_ms: timeWindow.to_ms ?? 0 }]);
      if (!find(uid)) return notFound(uid);
      return "code" in state.annotations ? { status: "error", error: state.annotations } : { status: "ok", data: copy(state.annotations) };
    },
    async cancelDashboardQueries(uid) {
      state.cancelled.push(uid);
      return { status: "ok", data: 0 };
    },
    async editDashboardPanel(uid, panelId, edits) {
      const d = find(uid);
      if (!d) return notFound(uid);
      const panel = (d.panels ?? []).find((p) => p.id === panelId);
      if (!panel) return { status: "error", error: { code: "not_found", message: `no panel ${panelId}` } };
      for (const edit of edits) applyFakeEdit(panel, edit);
      return { status: "ok", data: copy(d) };
    },
    async viewDashboardPanels(uid) {
      // The fake draws the saved panels (no repeats), titles with `$job` as the selection's text.
      const d = find(uid);
      if (!d) return notFound(uid);
      const job = d.templating?.list?.find((v) => v.name === "job")?.current?.text;
      const jobText = Array.isArray(job) ? job.join(" + ") : (job ?? "");
      const panels = copy(d.panels ?? []).map((p) => ({ ...p, title: (p.title ?? "").replaceAll("$job", jobText) }));
      return { status: "ok", data: panels };
    },
    async exportDashboard(uid) {
      const d = find(uid);
      return d ? { status: "ok", data: JSON.stringify(d, null, 2) } : notFound(uid);
    },
    async exploreRange(expr, _datasourceId, timeWindow) {
      state.explores.push(["range", expr]);
      const window = { from_ms: timeWindow.from_ms ?? 0, to_ms: timeWindow.to_ms ?? 0 };
      const bad = fakeParseError(expr);
      const query: EncodeQuery = bad
        ? { refId: "A", expr, error: bad.error, errorPosition: bad.position }
        : { refId: "A", expr, series: [wave({ __name__: "up", job: "api" }, window, 0), wave({ __name__: "up", job: "node" }, window, 1)] };
      return { status: "ok", data: encodePanelFrame([query]) };
    },
    async exploreInstant(expr, datasourceId, timeWindow) {
      state.explores.push(["instant", expr]);
      const bad = fakeParseError(expr);
      const ts = (timeWindow.to_ms ?? 0) / 1000;
      return {
        status: "ok",
        data: {
          datasource_id: datasourceId ?? "prom",
          expr,
          result: bad
            ? null
            : {
                type: "vector",
                samples: [
                  { labels: { __name__: "up", job: "api" }, timestamp: ts, value: 1 },
                  { labels: { __name__: "up", job: "node" }, timestamp: ts, value: 0 },
                ],
              },
          error: bad?.error ?? null,
          error_position: bad?.position ?? null,
        },
      };
    },
    async promqlCatalog() {
      const c = state.catalog;
      return "code" in c ? { status: "error", error: c } : { status: "ok", data: copy(c) };
    },
    async promqlLabelValues(label) {
      return { status: "ok", data: [...(state.labelValues[label] ?? [])] };
    },
  };
}

/** The fake's version of `hinomi_dashboards::apply_panel_edit` (only what the editor sends). */
function applyFakeEdit(panel: NonNullable<Dashboard["panels"]>[number], edit: PanelEdit): void {
  switch (edit.kind) {
    case "title":
      panel.title = edit.title;
      break;
    case "unit":
      panel.fieldConfig = { ...(panel.fieldConfig ?? { overrides: [] }), defaults: { ...(panel.fieldConfig?.defaults ?? {}), unit: edit.unit } } as typeof panel.fieldConfig;
      break;
    case "type":
      panel.type = edit.panel_type;
      break;
    case "query": {
      const target = panel.targets?.find((t) => t.refId === edit.ref_id);
      if (target) target.expr = edit.expr;
      break;
    }
    case "legend_format": {
      const target = panel.targets?.find((t) => t.refId === edit.ref_id);
      if (target) target.legendFormat = edit.legend_format;
      break;
    }
    default:
      break;
  }
}
