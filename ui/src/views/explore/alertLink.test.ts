import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { startedApp } from "../../test-support";
import AlertsView from "../alerts/AlertsView.svelte";
import type { FakeAlertsState } from "../alerts/fake";
import { fakeAlert } from "../alerts/fixtures";
import { ALERT_MARGIN_MS } from "./links";

describe("Open in Explore from an alert", () => {
  it("hands the alert's expression and window to Explore", async () => {
    const { app, backend } = await startedApp({
      settings: { version: 1, language: "en", refresh_interval_secs: 3600, datasources: [] },
    });
    const fake = (backend as unknown as { alertsState: FakeAlertsState }).alertsState;
    fake.alerts = [
      fakeAlert(
        { alertname: "HighErrorRate", severity: "critical" },
        { generator_url: "http://prom:9090/graph?g0.expr=rate%28errors_total%5B5m%5D%29+%3E+0.1&g0.tab=1" },
      ),
      fakeAlert({ alertname: "Watchdog", severity: "none" }),
    ];
    render(AlertsView, { context: appContext(app) });
    const rows = await waitFor(() => screen.getAllByTestId("alert-row"));
    await fireEvent.click(rows.find((r) => r.dataset.alertname === "Watchdog")!);
    expect(screen.queryByTestId("alert-open-explore")).toBeNull();
    await fireEvent.click(rows.find((r) => r.dataset.alertname === "HighErrorRate")!);
    await fireEvent.click(screen.getByTestId("alert-open-explore"));
    expect(app.nav.current).toBe("explore");
    expect(app.exploreRequest?.expr).toBe("rate(errors_total[5m]) > 0.1");
    expect(app.exploreRequest?.range).toMatchObject({ kind: "absolute", fromMs: Date.parse("2026-03-21T09:00:00Z") - ALERT_MARGIN_MS });
  });
});
