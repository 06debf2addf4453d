import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { startedApp } from "../../test-support";
import PinToIncidentDialog from "./PinToIncidentDialog.svelte";

const byId = (id: string) => {
  const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no ${id}`);
  return el;
};

describe("Pin to incident", () => {
  it("offers the open incidents and pins through the given function", async () => {
    const { backend } = await startedApp();
    const created = await backend.createIncident({ title: "Errors", severity: "P1" } as never);
    expect(created.status).toBe("ok");
    const calls: unknown[][] = [];
    const pin = backend.pinDashboardPanel.bind(backend);
    backend.pinDashboardPanel = (...args) => {
      calls.push(args);
      return pin(...args);
    };
    let closed = false;
    render(PinToIncidentDialog, {
      backend,
      subject: "Requests",
      pin: (incidentId: string) => backend.pinDashboardPanel(incidentId, "hinomi-system-overview", 1, { from_ms: 1000, to_ms: 2000 }, []),
      onclose: () => (closed = true),
    });
    await waitFor(() => expect((byId("pin-incident") as HTMLSelectElement).value).toBe("INC-20261124-001"));
    await fireEvent.click(byId("pin-confirm"));
    await waitFor(() => expect(byId("pin-done").textContent).toContain("INC-20261124-001"));
    expect(calls).toEqual([["INC-20261124-001", "hinomi-system-overview", 1, { from_ms: 1000, to_ms: 2000 }, []]]);
    await fireEvent.click(byId("pin-close"));
    expect(closed).toBe(true);
  });

  it("says so when there is no open incident and offers nothing to pin", async () => {
    const { backend } = await startedApp();
    render(PinToIncidentDialog, {
      backend,
      subject: "x",
      pin: (incidentId: string) => backend.pinDashboardPanel(incidentId, "d", 2, { from_ms: 0, to_ms: 1 }, []),
      onclose: () => {},
    });
    await waitFor(() => byId("pin-no-incidents"));
    expect((byId("pin-confirm") as HTMLButtonElement).disabled).toBe(true);
  });
});
