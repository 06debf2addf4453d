import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Dashboard, Panel, Variable } from "../../lib/bindings";
import type { DashboardsBackend } from "./api";
import { createFakeDashboards } from "./fake";
import { DashboardsStore, usesVariable } from "./store.svelte";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("DashboardsStore", () => {
  let fake: ReturnType<typeof createFakeDashboards>;
  let store: DashboardsStore;

  beforeEach(() => {
    vi.useFakeTimers();
    fake = createFakeDashboards();
    store = new DashboardsStore(fake as DashboardsBackend, () => Date.now());
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    store.setRefresh("off");
    vi.useRealTimers();
  });

  it("lists, searches and stars", async () => {
    await store.refreshList();
    expect(store.list.map((d) => d.uid)).toEqual(["demo-overview"]);
    store.search = "nothing";
    expect(store.shown).toEqual([]);
    store.search = "demo";
    expect(store.shown).toHaveLength(1);
    await store.setStarred("demo-overview", true);
    expect(store.list[0]!.starred).toBe(true);
  });

  it("opens a dashboard: its time range, its variables' options, then panels reload", async () => {
    await store.open("demo-overview");
    expect(store.range).toEqual({ kind: "relative", last: "1h" });
    expect(store.window).toEqual({ from_ms: NOW - 3_600_000, to_ms: NOW });
    expect(store.variables[0]!.options?.map((o) => o.value)).toEqual(["$__all", "api", "node"]);
    expect(store.generation).toBe(1);
  });

  it("keeps a range picked while the dashboard was still loading, not the dashboard's default", async () => {
    let answer: () => void = () => {};
    const slowOpen = fake.openDashboard.bind(fake);
    fake.openDashboard = (uid: string) => new Promise((resolve) => (answer = () => resolve(slowOpen(uid))));
    const opening = store.open("demo-overview");
    await store.setRange({ kind: "relative", last: "15m" });
    answer();
    await opening;
    fake.openDashboard = slowOpen;
    expect(store.range).toEqual({ kind: "relative", last: "15m" });
    expect(store.window).toEqual({ from_ms: NOW - 900_000, to_ms: NOW });
    // The next dashboard opens on its own default again.
    await store.open("demo-overview");
    expect(store.range).toEqual({ kind: "relative", last: "1h" });
  });

  it("reloads on a variable change, a new range and each auto-refresh tick", async () => {
    await store.open("demo-overview");
    await store.selectVariable("job", ["api"]);
    expect(store.variables[0]!.current?.value).toEqual(["api"]);
    expect(store.generation).toBe(2);

    await store.setRange({ kind: "relative", last: "15m" });
    expect(store.window).toEqual({ from_ms: NOW - 900_000, to_ms: NOW });
    expect(store.generation).toBe(3);

    store.setRefresh("10s");
    vi.advanceTimersByTime(10_000);
    expect(store.generation).toBe(4);
    // A relative range follows the clock.
    expect(store.window.to_ms).toBe(NOW + 10_000);
    store.setRefresh("off");
    vi.advanceTimersByTime(60_000);
    expect(store.generation).toBe(4);
  });

  it("draws the backend's view of the panels (repeats expanded) and asks again when the selection changes", async () => {
    // The backend expands a repeat over `job` into one copy per selected value.
    const views: string[][] = [];
    fake.viewDashboardPanels = async (uid, window) => {
      expect(window).toEqual(store.window);
      const d = (await fake.openDashboard(uid)) as { status: "ok"; data: Dashboard };
      const job = d.data.templating?.list?.find((v) => v.name === "job");
      const values = (job?.current?.value as string[] | undefined) ?? [];
      const source = d.data.panels![0]!;
      const copies: Panel[] = values.map((value, i) =>
        i === 0 ? { ...source, title: `Requests ${value}` } : ({ ...source, id: 100 + i, repeatPanelId: source.id ?? null, title: `Requests ${value}` } as Panel),
      );
      views.push(copies.map((p) => p.title!));
      return { status: "ok", data: copies };
    };
    await store.open("demo-overview");
    await vi.waitFor(() => expect(store.panels.map((p) => p.title)).toEqual(["Requests $__all"]));
    await store.selectVariable("job", ["api", "node"]);
    await vi.waitFor(() => expect(store.panels.map((p) => p.title)).toEqual(["Requests api", "Requests node"]));
    // Editing a copy edits the saved panel it comes from, title as written.
    const copy = store.panels[1]!;
    expect(store.sourcePanel(copy).id).toBe(1);
    expect(store.sourcePanel(copy).title).toBe("Requests");
  });

  it("draws the saved panels when the view cannot be had", async () => {
    fake.viewDashboardPanels = async () => ({ status: "error", error: { code: "internal", message: "boom" } });
    await store.open("demo-overview");
    await vi.waitFor(() => expect(store.panels.map((p) => p.id)).toEqual([1, 2, 3, 4]));
  });

  it("shows an import error and keeps the library as it was", async () => {
    await store.refreshList();
    expect(await store.importJson("{ not json", "broken.json")).toBeNull();
    expect(store.importError?.code).toBe("invalid_config");
    expect(store.importError?.message).toContain("broken.json");
    expect(store.list).toHaveLength(1);
  });

  it("holds the panels back until the variables' options are in, then reloads them once", async () => {
    let answer: () => void = () => {};
    const refresh = fake.refreshDashboardVariable.bind(fake);
    fake.refreshDashboardVariable = (...args) => new Promise((resolve) => (answer = () => resolve(refresh(...args))));
    const opening = store.open("demo-overview");
    expect(store.variablesLoading).toBe(true);
    await vi.waitFor(() => expect(store.panels.map((p) => p.id)).toEqual([1, 2, 3, 4]));
    expect(store.variablesLoading).toBe(true);
    expect(store.generation).toBe(0);
    answer();
    await opening;
    expect(store.variablesLoading).toBe(false);
    expect(store.generation).toBe(1);
  });

  it("loads variables that do not use each other at once, and a dependent one after what it uses", async () => {
    const dashboard = fake.dashboardsState.dashboards[0]!;
    const variable = (name: string, query: string, datasource: unknown = null) =>
      ({ type: "query", name, query, datasource, current: { value: "", text: "" } }) as Variable;
    dashboard.templating = {
      list: [
        { type: "datasource", name: "datasource", query: "prometheus", current: { value: "p", text: "p" } } as Variable,
        variable("job", "label_values(up, job)", { type: "prometheus", uid: "${datasource}" }),
        variable("instance", 'label_values(up{job="$job"}, instance)'),
        variable("pg", "label_values(pg_up, instance)"),
      ],
    };
    const pending = new Map<string, () => void>();
    const refresh = fake.refreshDashboardVariable.bind(fake);
    fake.refreshDashboardVariable = (uid, name, window) =>
      new Promise((resolve) => pending.set(name, () => resolve(refresh(uid, name, window))));
    const opening = store.open("demo-overview");
    const settle = async (name: string) => {
      await vi.waitFor(() => expect(pending.has(name)).toBe(true));
      pending.get(name)!();
      pending.delete(name);
    };
    await vi.waitFor(() => expect([...pending.keys()].sort()).toEqual(["datasource", "pg"]));
    await settle("datasource");
    await vi.waitFor(() => expect([...pending.keys()].sort()).toEqual(["job", "pg"]));
    await settle("job");
    await vi.waitFor(() => expect([...pending.keys()].sort()).toEqual(["instance", "pg"]));
    await settle("pg");
    expect(store.generation).toBe(0);
    await settle("instance");
    await opening;
    expect(store.generation).toBe(1);
  });

  it("tells which variables a variable's query names", () => {
    const v = { type: "query", name: "instance", query: 'label_values(up{job=~"$job", env="${env:regex}"}, [[zone]])' } as Variable;
    expect(usesVariable(v, "job")).toBe(true);
    expect(usesVariable(v, "env")).toBe(true);
    expect(usesVariable(v, "zone")).toBe(true);
    expect(usesVariable(v, "jo")).toBe(false);
    expect(usesVariable(v, "instance")).toBe(false);
  });

  it("says why a dashboard could not be opened", async () => {
    await store.open("missing");
    expect(store.openError?.code).toBe("not_found");
    expect(store.dashboard).toBeNull();
  });
});
