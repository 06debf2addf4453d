import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import type { Settings } from "../../lib/bindings";
import { startedApp } from "../../test-support";
import IncidentSettings from "./IncidentSettings.svelte";

const byId = (root: HTMLElement, id: string) => {
  const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no ${id}`);
  return el;
};

describe("Incident settings", () => {
  it("shows the seed's defaults for a file without [incidents] and saves edited targets and mapping", async () => {
    const { app, backend } = await startedApp();
    const root = render(IncidentSettings, { context: appContext(app) }).container as HTMLElement;
    await waitFor(() => expect((byId(root, "settings-incidents-P1") as HTMLInputElement).value).toBe("60"));
    expect((byId(root, "settings-incidents-P3") as HTMLInputElement).value).toBe("1440");

    await fireEvent.input(byId(root, "settings-incidents-P1"), { target: { value: "30" } });
    await fireEvent.click(byId(root, "settings-incidents-add"));
    const values = root.querySelectorAll<HTMLInputElement>('[data-testid="settings-incidents-value"]');
    const levels = root.querySelectorAll<HTMLSelectElement>('[data-testid="settings-incidents-level"]');
    await fireEvent.input(values[values.length - 1]!, { target: { value: "Page" } });
    await fireEvent.change(levels[levels.length - 1]!, { target: { value: "P0" } });
    await fireEvent.submit(byId(root, "settings-incidents-save").closest("form")!);

    await waitFor(() => byId(root, "settings-incidents-saved"));
    const saved = backend.calls.filter(([name]) => name === "saveSettings").at(-1)?.[1][0] as Settings;
    expect(saved.incidents?.response_targets?.p1_minutes).toBe(30);
    expect(saved.incidents?.response_targets?.p0_minutes).toBe(15);
    expect(saved.incidents?.severity_mapping?.values?.page).toBe("P0");
    expect(saved.incidents?.severity_mapping?.values?.critical).toBe("P1");
    expect(saved.datasources?.length).toBe(app.settings.settings?.datasources?.length);
  });

  it("refuses to save a target that is not a number", async () => {
    const { app, backend } = await startedApp();
    const root = render(IncidentSettings, { context: appContext(app) }).container as HTMLElement;
    await waitFor(() => expect((byId(root, "settings-incidents-P0") as HTMLInputElement).value).toBe("15"));
    await fireEvent.input(byId(root, "settings-incidents-P0"), { target: { value: "soon" } });
    expect((byId(root, "settings-incidents-save") as HTMLButtonElement).disabled).toBe(true);
    expect(backend.calls.some(([name]) => name === "saveSettings")).toBe(false);
  });
});
