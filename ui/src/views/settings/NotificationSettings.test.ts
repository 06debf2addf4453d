import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { appContext } from "../../app/context.svelte";
import { setLocale } from "../../lib/i18n/index.svelte";
import { startedApp } from "../../test-support";
import NotificationSettings from "./NotificationSettings.svelte";

async function setup() {
  const { app, backend } = await startedApp({
    settings: { version: 1, language: "en", refresh_interval_secs: 5, datasources: [] },
  });
  render(NotificationSettings, { context: appContext(app) });
  return { app, backend };
}

afterEach(() => setLocale("en"));

describe("NotificationSettings", () => {
  it("starts from the defaults when the settings have none, and saves only its own field", async () => {
    const { backend } = await setup();
    const save = screen.getByTestId("notify-save") as HTMLButtonElement;
    expect((screen.getByTestId("notify-critical-through") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("notify-escalate") as HTMLInputElement).value).toBe("15");
    expect(save.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("notify-dnd"));
    await fireEvent.click(screen.getByTestId("notify-quiet-enabled"));
    await fireEvent.input(screen.getByTestId("notify-escalate"), { target: { value: "30" } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    await waitFor(() => expect(screen.getByTestId("notify-status").textContent).toContain("Saved"));
    expect(backend.saved.at(-1)).toEqual({
      version: 1,
      language: "en",
      refresh_interval_secs: 5,
      datasources: [],
      alert_notifications: {
        do_not_disturb: true,
        critical_through_dnd: true,
        quiet_hours_start: "22:00",
        quiet_hours_end: "07:00",
        escalate_after_minutes: 30,
      },
    });
    expect(save.disabled).toBe(true);
  });

  it("points at a wrong time and does not save it", async () => {
    const { backend } = await setup();
    await fireEvent.click(screen.getByTestId("notify-quiet-enabled"));
    await fireEvent.input(screen.getByTestId("notify-quiet-start"), { target: { value: "25:00" } });
    expect(screen.getByTestId("notify-quiet-start-problem").textContent).toContain("22:00");
    expect((screen.getByTestId("notify-save") as HTMLButtonElement).disabled).toBe(true);
    expect(backend.saved).toHaveLength(0);
  });
});
