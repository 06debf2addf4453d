import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import AlertsView from "./AlertsView.svelte";
import type { FakeAlertsState } from "./fake";
import { fakeAlert } from "./fixtures";

async function setup(alerts = [
  fakeAlert(
    { alertname: "HighErrorRate", severity: "critical", endpoint: "/datasets" },
    { annotations: { summary: "高エラー率を検出", description: "<b>5xx</b> over 10%" } },
  ),
  fakeAlert({ alertname: "Watchdog", severity: "none" }),
], unreachable: Record<string, string | null> = {}) {
  const { app, backend } = await startedApp({
    settings: { version: 1, language: "en", refresh_interval_secs: 3600, datasources: [] },
  });
  const fake = (backend as unknown as { alertsState: FakeAlertsState }).alertsState;
  fake.alerts = alerts;
  fake.unreachable = unreachable;
  render(AlertsView, { context: appContext(app) });
  return { app, backend, fake };
}

afterEach(() => setLocale("en"));

describe("AlertsView", () => {
  it("shows groups worst first, with annotations as text", async () => {
    await setup();
    const groups = await waitFor(() => {
      const found = screen.getAllByTestId("alert-group");
      expect(found).toHaveLength(2);
      return found;
    });
    expect(groups.map((g) => g.dataset.alertname)).toEqual(["HighErrorRate", "Watchdog"]);
    const rows = screen.getAllByTestId("alert-row");
    expect(rows[0]!.textContent).toContain("高エラー率を検出");
    await fireEvent.click(rows[0]!);
    const annotations = screen.getByTestId("alert-detail-annotations");
    expect(annotations.textContent).toContain("<b>5xx</b> over 10%");
    expect(annotations.querySelector("b")).toBeNull();
  });

  it("marks the alerts of an unreachable source as last known, not firing now", async () => {
    const lastKnown = new Date();
    lastKnown.setHours(14, 5, 0, 0);
    await setup(
      [
        fakeAlert({ alertname: "HighErrorRate", severity: "critical" }, { sources: [{ datasource_id: "am-down", kind: "alertmanager" }] }),
        fakeAlert({ alertname: "Watchdog", severity: "none" }, { sources: [{ datasource_id: "am-up", kind: "alertmanager" }] }),
      ],
      { "am-down": lastKnown.toISOString() },
    );
    setLocale("ja");
    const badge = await waitFor(() => {
      const found = screen.getByTestId("alert-group-stale");
      expect(found.textContent).toBe("最終確認 14:05");
      return found;
    });
    expect(badge.closest("[data-testid=alert-group]")!.getAttribute("data-alertname")).toBe("HighErrorRate");
    // Only the unreachable source's group is marked.
    expect(screen.getAllByTestId("alert-group-stale")).toHaveLength(1);
    expect(screen.getByTestId("alerts-stale").textContent).toBe("接続できないソース 1 件: そのアラートは 14:05 時点の情報です");

    setLocale("en");
    await waitFor(() => expect(screen.getByTestId("alert-group-stale").textContent).toMatch(/^last known at \S/));
    expect(screen.getByTestId("alerts-stale").textContent).toContain("1 unreachable source(s)");
  });

  it("collapses a group", async () => {
    await setup();
    const group = await waitFor(() => screen.getAllByTestId("alert-group")[0]!);
    expect(screen.getAllByTestId("alert-row")).toHaveLength(2);
    await fireEvent.click(group);
    expect(screen.getAllByTestId("alert-row")).toHaveLength(1);
    expect(group.getAttribute("aria-expanded")).toBe("false");
  });

  it("selects an alert with Enter and folds a group with Space, as a click does", async () => {
    await setup();
    const row = await waitFor(() => screen.getAllByTestId("alert-row")[0]!);
    await fireEvent.keyDown(row, { key: "Enter" });
    expect(screen.getByTestId("alert-detail").querySelector("h3")!.textContent).toBe("HighErrorRate");
    const group = screen.getAllByTestId("alert-group")[0]!;
    await fireEvent.keyDown(group, { key: " " });
    expect(group.getAttribute("aria-expanded")).toBe("false");
    await fireEvent.keyDown(group, { key: "a" });
    expect(group.getAttribute("aria-expanded")).toBe("false");
  });

  it("shows a filter error with its position and keeps the last board", async () => {
    await setup();
    await waitFor(() => expect(screen.getAllByTestId("alert-group")).toHaveLength(2));
    const input = screen.getByTestId("alerts-filter") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '{alertname="x"' } });
    const error = await waitFor(() => screen.getByTestId("alerts-filter-error"), { timeout: 2000 });
    expect(error.dataset.position).toBe("14");
    expect(screen.getAllByTestId("alert-group")).toHaveLength(2);
  });

  it("state toggles narrow the board", async () => {
    await setup([
      fakeAlert({ alertname: "A", severity: "warning" }, { state: "pending" }),
      fakeAlert({ alertname: "B", severity: "warning" }),
    ]);
    await waitFor(() => expect(screen.getAllByTestId("alert-row")).toHaveLength(2));
    await fireEvent.click(screen.getByTestId("alerts-state-pending"));
    await waitFor(() => expect(screen.getAllByTestId("alert-row")).toHaveLength(1));
    expect(screen.getByTestId("alert-row").dataset.alertname).toBe("B");
  });

  it("creates a silence pre-filled from the alert, and shows Alertmanager's refusal verbatim", async () => {
    const { fake } = await setup();
    const row = await waitFor(() => screen.getAllByTestId("alert-row")[0]!);
    await fireEvent.click(row);
    await fireEvent.click(screen.getByTestId("alert-silence"));
    const names = await waitFor(() => screen.getAllByTestId("silence-matcher-name") as HTMLInputElement[]);
    expect(names.map((n) => n.value).sort()).toEqual(["alertname", "endpoint", "severity"]);
    expect((screen.getByTestId("silence-created-by") as HTMLInputElement).value).toBe("tester");

    fake.silenceError = { code: "http_status", message: "bad request: silence invalid: invalid label matcher 0" };
    await fireEvent.click(screen.getByTestId("silence-submit"));
    const error = await waitFor(() => screen.getByTestId("silence-error"));
    expect(error.textContent).toContain("bad request: silence invalid: invalid label matcher 0");
    expect(screen.getAllByTestId("silence-matcher-name")).toHaveLength(3);

    fake.silenceError = null;
    await fireEvent.input(screen.getByTestId("silence-comment"), { target: { value: "looking" } });
    await fireEvent.click(screen.getByTestId("silence-submit"));
    await waitFor(() => expect(screen.getByTestId("alerts-action-message").textContent).toContain("silence-1"));
    expect(fake.silences[0]).toMatchObject({ comment: "looking", created_by: "tester", state: "active" });
  });

  it("keeps a board of 10,000 alerts to a screenful of rows in the DOM", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      fakeAlert({ alertname: `Alert${i % 20}`, severity: i % 2 ? "warning" : "critical", instance: `host-${i}` }),
    );
    const started = performance.now();
    await setup(many);
    const board = await waitFor(() => screen.getByTestId("alerts-board"), { timeout: 5000 });
    expect(board.dataset.rows).toBe("10020");
    const rendered = screen.getAllByTestId("alert-row").length + screen.getAllByTestId("alert-group").length;
    expect(rendered).toBeLessThan(60);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("snoozes a group from its header and ends the snooze", async () => {
    const { fake } = await setup();
    const group = await waitFor(() => screen.getAllByTestId("alert-group")[0]!);
    const rowsBefore = screen.getAllByTestId("alert-row").length;
    await fireEvent.click(screen.getAllByTestId("alert-group-snooze")[0]!);
    // The choices open without collapsing the group.
    expect(screen.getAllByTestId("alert-row")).toHaveLength(rowsBefore);
    await fireEvent.click(screen.getByTestId("alert-group-snooze-4h"));
    const pill = await waitFor(() => screen.getByTestId("alert-group-snoozed"));
    expect(group.contains(pill)).toBe(true);
    const until = fake.snoozes['{alertname="HighErrorRate", severity="critical"}'];
    expect(until).toBeDefined();
    const hours = (new Date(until!).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThanOrEqual(4);
    await fireEvent.click(screen.getByTestId("alert-group-unsnooze"));
    await waitFor(() => expect(screen.queryByTestId("alert-group-snoozed")).toBeNull());
    expect(fake.snoozes).toEqual({});
  });

  it("shows a failed snooze or silence-defaults call as the action error", async () => {
    const { backend } = await setup();
    const refused = { code: "internal" as const, message: "state not managed" };
    backend.snoozeAlertGroup = async () => ({ status: "error", error: refused });
    backend.silenceDefaults = async () => ({ status: "error", error: { code: "io" as const, message: "no user name" } });
    await fireEvent.click(await waitFor(() => screen.getAllByTestId("alert-group-snooze")[0]!));
    await fireEvent.click(screen.getByTestId("alert-group-snooze-4h"));
    await waitFor(() => expect(screen.getByTestId("alerts-action-error").textContent).toContain("state not managed"));
    expect(screen.queryByTestId("alert-group-snoozed")).toBeNull();

    await fireEvent.click(screen.getAllByTestId("alert-row")[0]!);
    await fireEvent.click(screen.getByTestId("alert-silence"));
    await waitFor(() => expect(screen.getByTestId("alerts-action-error").textContent).toContain("no user name"));
    expect(screen.queryByTestId("silence-matcher-name")).toBeNull();
  });

  it("shows the value readably with the exact text in a tooltip", async () => {
    await setup([
      fakeAlert({ alertname: "HighErrorRate", severity: "critical" }, { value: "1.2345678e-05" }),
    ]);
    await fireEvent.click(await waitFor(() => screen.getAllByTestId("alert-row")[0]!));
    const value = screen.getByTestId("alert-detail-value");
    expect(value.textContent).toBe("1.235e-5");
    expect(value.getAttribute("title")).toBe("1.2345678e-05");
  });

  it("checks watch rules as typed, refuses to save invalid ones, saves valid ones", async () => {
    const { fake } = await setup();
    await fireEvent.click(await waitFor(() => screen.getByTestId("alerts-tab-watch")));
    const editor = (await waitFor(() => screen.getByTestId("watch-rules-text"))) as HTMLTextAreaElement;
    await fireEvent.input(editor, {
      target: { value: "groups:\n- name: g\n  rules:\n  - alert: NoExpr\n    for: 1m\n" },
    });
    const problem = await waitFor(() => screen.getByTestId("watch-rule-problem"), { timeout: 2000 });
    expect(problem.dataset.line).toBe("4");
    expect(problem.dataset.rule).toBe("NoExpr");
    expect(problem.textContent).toContain("4:5");
    expect(problem.textContent).toContain("field 'expr' must be set in rule");
    expect((screen.getByTestId("watch-rules-save") as HTMLButtonElement).disabled).toBe(true);
    const good = "groups:\n- name: g\n  rules:\n  - alert: Up\n    expr: up == 1\n";
    await fireEvent.input(editor, { target: { value: good } });
    await waitFor(() => expect(screen.queryByTestId("watch-rule-problem")).toBeNull(), { timeout: 2000 });
    await waitFor(() => expect((screen.getByTestId("watch-rules-save") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("watch-rules-save"));
    await waitFor(() => expect(fake.watchRulesText).toBe(good));
    await waitFor(() => expect(screen.getByTestId("watch-rules-status").textContent).toContain("Saved"));
  });

  it("acknowledging adds the group to my open incident; attach puts it on a chosen one", async () => {
    const { backend } = await setup();
    const incidents = backend as unknown as {
      createIncident: (n: { title: string; severity: "p1"; commander?: string | null }) => Promise<unknown>;
      incidentsState: { evidence: Array<{ incident_id: string; data: { kind: string; labels?: Record<string, string> } }> };
    };
    await incidents.createIncident({ title: "Someone else's", severity: "p1", commander: "other" });
    await incidents.createIncident({ title: "Mine", severity: "p1", commander: "me" });
    await fireEvent.click(await waitFor(() => screen.getAllByTestId("alert-row")[0]!));
    await fireEvent.click(screen.getByTestId("alert-acknowledge"));
    const message = await waitFor(() => screen.getByTestId("alerts-action-message"));
    await waitFor(() => expect(message.textContent).toContain("“Mine”"));
    const evidence = incidents.incidentsState.evidence;
    expect(evidence).toHaveLength(1);
    expect(evidence[0]!.incident_id).toBe("INC-20261124-002");
    expect(evidence[0]!.data).toMatchObject({ kind: "alert", labels: { alertname: "HighErrorRate" } });

    await fireEvent.click(screen.getByTestId("alert-attach-incident"));
    const select = (await waitFor(() => screen.getByTestId("alert-attach-select"))) as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "INC-20261124-001" } });
    await fireEvent.click(screen.getByTestId("alert-attach-confirm"));
    await waitFor(() => expect(screen.getByTestId("alerts-action-message").textContent).toContain("Someone else's"));
    expect(evidence.map((e) => e.incident_id)).toEqual(["INC-20261124-002", "INC-20261124-001"]);
  });

  it("says so when I have no open incident to add an acknowledged group to", async () => {
    await setup();
    await fireEvent.click(await waitFor(() => screen.getAllByTestId("alert-row")[0]!));
    await fireEvent.click(screen.getByTestId("alert-acknowledge"));
    await waitFor(() =>
      expect(screen.getByTestId("alerts-action-message").textContent).toContain("no open incident"),
    );
  });
});
