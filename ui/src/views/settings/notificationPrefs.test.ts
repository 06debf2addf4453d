import { describe, expect, it } from "vitest";
import { DEFAULT_PREFS, formFromPrefs, prefsFromForm } from "./notificationPrefs";

describe("notification preferences form", () => {
  it("round-trips the saved preferences", () => {
    const prefs = { ...DEFAULT_PREFS, do_not_disturb: true, quiet_hours_start: "22:00", quiet_hours_end: "07:00" };
    expect(prefsFromForm(formFromPrefs(prefs))).toEqual({ prefs, problems: {} });
    expect(prefsFromForm(formFromPrefs(DEFAULT_PREFS)).prefs).toEqual(DEFAULT_PREFS);
  });

  it("saves no quiet hours when they are off, whatever the fields hold", () => {
    const form = { ...formFromPrefs(DEFAULT_PREFS), quietStart: "nonsense" };
    expect(prefsFromForm(form).prefs).toMatchObject({ quiet_hours_start: null, quiet_hours_end: null });
  });

  it("names the field that is wrong", () => {
    const form = {
      ...formFromPrefs(DEFAULT_PREFS),
      quietEnabled: true,
      quietStart: "25:00",
      quietEnd: "7:00",
      escalateMinutes: "-3",
    };
    expect(prefsFromForm(form)).toEqual({
      prefs: null,
      problems: {
        quiet_hours_start: "alerts.prefs.badTime",
        quiet_hours_end: "alerts.prefs.badTime",
        escalate_after_minutes: "alerts.prefs.badMinutes",
      },
    });
    expect(prefsFromForm({ ...form, quietStart: "23:59", quietEnd: "00:00", escalateMinutes: "0" }).prefs).toMatchObject({
      quiet_hours_start: "23:59",
      quiet_hours_end: "00:00",
      escalate_after_minutes: 0,
    });
  });
});
