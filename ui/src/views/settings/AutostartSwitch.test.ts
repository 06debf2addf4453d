import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { startedApp } from "../../test-support";
import AutostartSwitch from "./AutostartSwitch.svelte";

async function setup(state: Parameters<typeof startedApp>[0] = {}) {
  const { app, backend } = await startedApp(state);
  render(AutostartSwitch, { context: appContext(app) });
  await waitFor(() => expect(screen.getByTestId("settings-autostart").dataset.loaded).toBe("true"));
  return { backend, toggle: screen.getByTestId("settings-autostart-toggle") as HTMLInputElement };
}

describe("AutostartSwitch", () => {
  it("shows whether the entry is there, and writes or removes it at once", async () => {
    const { backend, toggle } = await setup({ autostart: true });
    expect(toggle.checked).toBe(true);
    await fireEvent.click(toggle);
    await waitFor(() => expect(backend.state.autostart).toBe(false));
    expect(backend.calls.filter(([name]) => name === "setAutostart")).toEqual([["setAutostart", [false]]]);
    expect(toggle.checked).toBe(false);
  });

  it("goes back to what is true and says why when the entry cannot be written", async () => {
    const { backend, toggle } = await setup({
      autostartError: { code: "io", message: "The autostart entry could not be changed.", detail: "EACCES" },
    });
    expect(toggle.checked).toBe(false);
    await fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByTestId("settings-autostart-error").textContent).toContain("could not be changed"));
    expect(toggle.checked).toBe(false);
    expect(backend.state.autostart).toBe(false);
  });
});
