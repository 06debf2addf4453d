import { describe, expect, it } from "vitest";
import { startedApp } from "../../test-support";
import { alertsView } from "./index";

describe("alerts palette commands", () => {
  it("turns do-not-disturb on and off, keeping the other notification settings", async () => {
    const { app, backend } = await startedApp({
      settings: {
        version: 1,
        language: "en",
        refresh_interval_secs: 5,
        datasources: [],
        alert_notifications: {
          do_not_disturb: false,
          critical_through_dnd: false,
          quiet_hours_start: "22:00",
          quiet_hours_end: "07:00",
          escalate_after_minutes: 5,
        },
      },
    });
    const commands = alertsView.commands!(app);
    const on = commands.find((c) => c.id === "alerts-dnd-on")!;
    const off = commands.find((c) => c.id === "alerts-dnd-off")!;
    expect(on.when!()).toBe(true);
    expect(off.when!()).toBe(false);
    await on.run();
    expect(backend.saved.at(-1)?.alert_notifications).toEqual({
      do_not_disturb: true,
      critical_through_dnd: false,
      quiet_hours_start: "22:00",
      quiet_hours_end: "07:00",
      escalate_after_minutes: 5,
    });
    expect(on.when!()).toBe(false);
    expect(off.when!()).toBe(true);
    await off.run();
    expect(backend.saved.at(-1)?.alert_notifications?.do_not_disturb).toBe(false);
  });
});
