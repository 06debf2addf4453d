import { render, waitFor } from "@testing-library/svelte";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { Dashboard } from "../../lib/bindings";
import { startedApp, stubResizeObserver } from "../../test-support";
import { demoDashboard } from "./fake";
import DashboardsView from "./DashboardsView.svelte";
import { dashboardsStore } from "./store.svelte";

// jsdom has no layout: give every element a width and a ResizeObserver that reports it.
const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientWidth");
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 400 });
  stubResizeObserver({ width: 400, height: 200 });
});
afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, "clientWidth", original);
});

/** The demo dashboard without its chart (uPlot needs a real canvas). */
function withoutChart(): Dashboard {
  const d = demoDashboard();
  d.panels = (d.panels ?? []).filter((p) => p.type !== "timeseries");
  d.panels.push({ id: 9, type: "stat", title: "Broken", gridPos: { x: 0, y: 14, w: 6, h: 4 }, targets: [{ refId: "A", expr: "up(" }] } as never);
  return d;
}

describe("DashboardsView", () => {
  it("lists dashboards, opens one, and every panel ends in data, text, an error or a notice", async () => {
    const { app, backend } = await startedApp();
    const fake = backend as unknown as {
      dashboardsState: {
        dashboards: Dashboard[];
        panels: Record<number, unknown>;
        stale: Record<number, unknown>;
        runs: Array<[string, number, unknown, number]>;
      };
    };
    fake.dashboardsState.stale[2] = {
      sinceMs: Date.UTC(2026, 0, 1, 9, 30),
      error: { code: "unreachable", message: "Cannot reach http://prom:9090: connection refused" },
    };
    fake.dashboardsState.dashboards = [withoutChart()];
    fake.dashboardsState.panels[9] = [
      {
        refId: "A",
        expr: "up(",
        error: { code: "backend", message: "1:4: parse error: unclosed left parenthesis" },
        errorPosition: { line: 1, column: 4 },
      },
    ];
    await dashboardsStore(app).refreshList();
    const view = render(DashboardsView, { context: appContext(app) });
    const open = await view.findByTestId("dashboard-open");
    expect(open.textContent).toContain("Demo overview");
    open.click();

    const panel = (id: number) =>
      waitFor(() => {
        const el = document.querySelector<HTMLElement>(`[data-testid="dashboard-panel"][data-panel-id="${id}"]`);
        if (!el) throw new Error(`no panel ${id}`);
        return el;
      });
    const gauge = await panel(2);
    await waitFor(() => expect(gauge.querySelector('[data-testid="panel-value"]')?.textContent).toBe("1.25%"));
    expect(gauge.querySelector('[data-testid="panel-stale"]')?.textContent).toMatch(/^stale since /);
    expect(gauge.querySelector('[data-testid="panel-stale-error"]')?.textContent).toContain("connection refused");
    const text = (await panel(3)).querySelector('[data-testid="panel-text"]');
    expect(text?.textContent).toContain("Check errors first.");
    // Sanitised Markdown drawn as elements (lib/markdown), not stripped to plain text.
    expect(text?.querySelector("strong")?.textContent).toBe("errors");
    expect((await panel(4)).querySelector('[data-testid="panel-unsupported"]')?.textContent).toContain("piechart");
    const broken = await panel(9);
    await waitFor(() => expect(broken.querySelector('[data-testid="panel-query-error"]')).not.toBeNull());
    expect(broken.textContent).toContain("unclosed left parenthesis");
    expect(broken.textContent).toContain("line 1, column 4");
    expect(view.getAllByTestId("dashboard-variable")[0]!.dataset.name).toBe("job");
    // Each querying panel ran once: after the variables' options were in, not also before.
    expect(fake.dashboardsState.runs.map(([, id]) => id).sort()).toEqual([2, 9]);
  });

  it("draws the backend's panels (titles with variables replaced) and the import report until dismissed", async () => {
    const { app, backend } = await startedApp();
    const fake = backend as unknown as { dashboardsState: { dashboards: Dashboard[]; importUnsupported: unknown[] } };
    fake.dashboardsState.dashboards = [];
    fake.dashboardsState.importUnsupported = [
      { feature: "transformations", values: ["merge", "organize"], panels: [1, 2, 3, 4].map((id) => ({ id, title: `P${id}` })) },
      { feature: "dashboard links", values: [], panels: [] },
    ];
    const imported = withoutChart();
    imported.uid = "with-vars";
    imported.templating!.list![0]!.current = { value: ["api", "node"], text: ["api", "node"] } as never;
    imported.panels = [{ id: 7, type: "text", title: "Jobs $job", gridPos: { x: 0, y: 0, w: 12, h: 4 }, options: { content: "x" } } as never];
    const store = dashboardsStore(app);
    await store.refreshList();
    const view = render(DashboardsView, { context: appContext(app) });
    (await view.findByTestId("dashboards-import-open")).click();
    const text = (await view.findByTestId("dashboards-import-text")) as HTMLTextAreaElement;
    text.value = JSON.stringify(imported);
    text.dispatchEvent(new Event("input"));
    await waitFor(() => expect((view.getByTestId("dashboards-import-run") as HTMLButtonElement).disabled).toBe(false));
    view.getByTestId("dashboards-import-run").click();

    // The fake backend's view writes `$job` as the selection's text, as Grafana's title format does.
    await waitFor(() => expect(view.getByTestId("panel-title").textContent).toBe("Jobs api + node"));
    const features = await view.findAllByTestId("dashboard-import-report-feature");
    expect(features.map((f) => f.dataset.feature)).toEqual(["transformations", "dashboard links"]);
    expect(features[0]!.textContent).toContain("transformations: merge, organize");
    expect(features[0]!.textContent).toContain("P1, P2, P3 and 1 more");
    expect(view.getByTestId("dashboard-import-report-summary").textContent).toBe("1 panels, 1 drawn");
    view.getByTestId("dashboard-import-report-close").click();
    await waitFor(() => expect(view.queryByTestId("dashboard-import-report")).toBeNull());
  });
});
