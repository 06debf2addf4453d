import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { startedApp } from "../../test-support";
import { incidentsView } from ".";
import IncidentsView from "./IncidentsView.svelte";
import { incidentsStore } from "./store.svelte";

const byId = (root: HTMLElement, id: string) => {
  const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no ${id}`);
  return el;
};

async function setup() {
  const { app, backend } = await startedApp();
  const view = render(IncidentsView, { context: appContext(app) });
  const root = view.container as HTMLElement;
  await fireEvent.click(byId(root, "incidents-new"));
  await waitFor(() => expect((byId(root, "incidents-new-commander") as HTMLInputElement).value).toBe("me"));
  await fireEvent.input(byId(root, "incidents-new-title"), { target: { value: "High error rate" } });
  await fireEvent.change(byId(root, "incidents-new-severity"), { target: { value: "P1" } });
  await fireEvent.submit(byId(root, "incidents-new-form"));
  await waitFor(() => byId(root, "incident-detail"));
  return { app, backend, root };
}

describe("Incidents view", () => {
  it("creates an incident with a countdown, and shows it selected", async () => {
    const { root } = await setup();
    const row = byId(root, "incident-row");
    expect(row.dataset.id).toBe("INC-20261124-001");
    expect(row.textContent).toContain("P1");
    await waitFor(() => expect(byId(row, "incident-countdown").dataset.state).toBe("running"));
    expect(byId(root, "detail-title").textContent).toBe("High error rate");
  });

  it("refuses a skip with the backend's message and keeps the status", async () => {
    const { root } = await setup();
    await fireEvent.change(byId(root, "detail-move-select"), { target: { value: "resolved" } });
    await fireEvent.click(byId(root, "detail-move"));
    await waitFor(() => expect(byId(root, "detail-error").textContent).toContain("cannot go from detected to resolved"));
    expect(byId(root, "detail-status").dataset.status).toBe("detected");
    await fireEvent.click(byId(root, "detail-next-assessed"));
    await waitFor(() => expect(byId(root, "detail-status").dataset.status).toBe("assessed"));
    expect(root.querySelector('[data-testid="detail-error"]')).toBeNull();
  });

  it("adds a note whose HTML stays text, at the top of the timeline", async () => {
    const { root } = await setup();
    await fireEvent.input(byId(root, "note-input"), { target: { value: "**done** <script>alert(1)</script>" } });
    await fireEvent.submit(byId(root, "note-input").closest("form")!);
    await waitFor(() => {
      const first = root.querySelector<HTMLElement>('[data-testid="timeline-entry"][data-index="0"]');
      expect(first?.dataset.kind).toBe("note");
      expect(first?.textContent).toContain("<script>alert(1)</script>");
      expect(first?.querySelector("strong")?.textContent).toBe("done");
    });
    expect(root.querySelector("script")).toBeNull();
  });

  it("pages a 10,000-entry timeline and keeps the DOM small", async () => {
    const { backend, root } = await setup();
    const fake = backend as unknown as { incidentsState: { timelines: Record<string, unknown[]> } };
    const timeline = fake.incidentsState.timelines["INC-20261124-001"] ?? [];
    for (let i = 0; i < 10_000; i++) {
      timeline.push({
        id: `n${i}`,
        incident_id: "INC-20261124-001",
        occurred_at: "2026-11-24T09:00:00Z",
        recorded_at: "2026-11-24T09:00:00Z",
        author: "me",
        event: { kind: "note", markdown: `note ${i}` },
      });
    }
    await fireEvent.click(byId(root, "detail-next-assessed"));
    const list = byId(root, "timeline-list");
    await waitFor(() => expect(Number(list.dataset.loaded)).toBeGreaterThanOrEqual(200));
    expect(root.querySelectorAll('[data-testid="timeline-entry"]').length).toBeLessThan(40);
    expect(root.querySelector('[data-testid="timeline-entry"]')?.textContent).toContain("Status");
  });
});

describe("Timeline loading", () => {
  it("fetches the timeline once per change, not in a loop", async () => {
    const { backend, root } = await setup();
    let timelineCalls = 0;
    const original = backend.incidentTimeline;
    backend.incidentTimeline = (q) => {
      timelineCalls += 1;
      return original(q);
    };
    await fireEvent.click(byId(root, "detail-next-assessed"));
    await waitFor(() => expect(byId(root, "detail-status").dataset.status).toBe("assessed"));
    await new Promise((r) => setTimeout(r, 300));
    expect(timelineCalls).toBeLessThanOrEqual(2);
  });
});

describe("Overdue incidents", () => {
  it("stand out in the list and mark the nav entry", async () => {
    const { app, backend, root } = await setup();
    const fake = backend as unknown as { incidentsState: { incidents: Array<{ detected_at: string }> } };
    const first = fake.incidentsState.incidents[0];
    if (first) first.detected_at = new Date(Date.now() - 2 * 3600_000).toISOString();
    await incidentsStore(app).refresh();
    await waitFor(() => {
      const row = byId(root, "incident-row");
      expect(row.dataset.overdue).toBe("true");
      expect(byId(row, "incident-countdown").dataset.state).toBe("overdue");
      expect(byId(row, "incident-countdown").textContent).toMatch(/Overdue by 1:0\d:\d\d/);
    });
    expect(incidentsView.attention?.(app)).toBe(true);
  });
});

describe("Pinned evidence", () => {
  it("draws a metric snapshot as a chart, log lines as text and an alert's labels", async () => {
    const { backend, root } = await setup();
    const range = { start: "2026-11-24T09:00:00Z", end: "2026-11-24T09:10:00Z", step_seconds: 60 };
    await backend.pinEvidence("INC-20261124-001", {
      kind: "metric",
      title: "5xx rate",
      query: "rate(errors[5m])",
      datasource: "prom",
      range,
      unit: null,
      series: [{ labels: { job: "api" }, timestamps: [1, 2, 3, 4], values: [0.1, 0.5, null, 0.9] }],
    });
    await backend.pinEvidence("INC-20261124-001", {
      kind: "logs",
      title: "api errors",
      query: "{job=\"api\"}",
      datasource: "loki",
      range,
      lines: [{ timestamp: null, text: "<b>panic</b>: pool exhausted", fields: {} }],
      truncated: false,
    });
    await fireEvent.click(byId(root, "detail-next-assessed"));
    const entry = (index: number) =>
      root.querySelector<HTMLElement>(`[data-testid="timeline-entry"][data-index="${index}"]`);
    await waitFor(() => expect(entry(1)?.dataset.kind).toBe("evidence_pinned"));
    await fireEvent.click(entry(2)!);
    await waitFor(() => expect(byId(root, "evidence").dataset.kind).toBe("metric"));
    const paths = root.querySelectorAll('[data-testid="evidence-chart"] path');
    expect(paths).toHaveLength(1);
    expect(paths[0]?.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ M[\d.]+,[\d.]+$/);
    await fireEvent.click(entry(1)!);
    await waitFor(() => expect(byId(root, "evidence-logs").textContent).toContain("<b>panic</b>: pool exhausted"));
    expect(root.querySelector('[data-testid="evidence-logs"] b')).toBeNull();
  });
});

describe("Incidents export / import", () => {
  it("exports every incident to the typed path and reports what an import merged", async () => {
    const { root } = await setup();
    await fireEvent.click(byId(root, "incidents-exchange-toggle"));
    await waitFor(() => byId(root, "incidents-exchange"));
    const path = (byId(root, "exchange-export-path") as HTMLInputElement).value;
    expect(path).toMatch(/^\/home\/user\/Documents\/Hinomi\/hinomi-incidents-\d{8}\.json$/);
    await fireEvent.click(byId(root, "exchange-export"));
    await waitFor(() => expect(byId(root, "exchange-written").textContent).toContain(path));
    await fireEvent.click(byId(root, "exchange-import"));
    await waitFor(() => expect(byId(root, "exchange-merged").textContent).toBe("INC-20261124-001"));
    expect(root.querySelector('[data-testid="exchange-created"]')).toBeNull();
  });

  it("shows why an import failed", async () => {
    const { root } = await setup();
    await fireEvent.click(byId(root, "incidents-exchange-toggle"));
    await waitFor(() => byId(root, "incidents-exchange"));
    await fireEvent.input(byId(root, "exchange-import-path"), { target: { value: "/nowhere.json" } });
    await fireEvent.click(byId(root, "exchange-import"));
    await waitFor(() => expect(byId(root, "exchange-error").textContent).toContain("/nowhere.json"));
  });
});

describe("Incident defaults", () => {
  it("shows why they could not be read, still lists incidents, and clears the error once they are read", async () => {
    const { app, backend } = await startedApp();
    const original = backend.incidentDefaults;
    backend.incidentDefaults = async () => ({ status: "error", error: { code: "internal", message: "state not managed" } });
    const root = render(IncidentsView, { context: appContext(app) }).container as HTMLElement;
    await waitFor(() => expect(byId(root, "incidents-defaults-error").textContent).toContain("state not managed"));
    await waitFor(() => byId(root, "incidents-empty"));
    await fireEvent.click(byId(root, "incidents-new"));
    await waitFor(() => expect((byId(root, "incidents-new-commander") as HTMLInputElement).value).toBe(""));

    backend.incidentDefaults = original;
    await incidentsStore(app).refresh();
    await waitFor(() => expect(root.querySelector('[data-testid="incidents-defaults-error"]')).toBeNull());
  });
});

describe("The list's refresh count", () => {
  it("goes up once per finished refresh, on the page too", async () => {
    const { app, root } = await setup();
    const view = byId(root, "view-incidents");
    const before = Number(view.dataset.refreshes);
    expect(before).toBeGreaterThan(0);
    await incidentsStore(app).refresh();
    await waitFor(() => expect(Number(view.dataset.refreshes)).toBe(before + 1));
  });
});
