// The notification preferences form: what the person typed, checked before it is saved.

import type { AlertNotificationPrefs } from "../../lib/bindings";
import type { MessageKey } from "../../lib/i18n/translate";

/** The Rust defaults (`AlertNotificationPrefs::default`), for settings saved before they existed. */
export const DEFAULT_PREFS: AlertNotificationPrefs = {
  do_not_disturb: false,
  critical_through_dnd: true,
  quiet_hours_start: null,
  quiet_hours_end: null,
  escalate_after_minutes: 15,
};

export interface PrefsForm {
  doNotDisturb: boolean;
  criticalThroughDnd: boolean;
  quietEnabled: boolean;
  quietStart: string;
  quietEnd: string;
  escalateMinutes: string;
}

/** Fields left out of a saved file take their defaults (the struct is `serde(default)`). */
export function formFromPrefs(saved: AlertNotificationPrefs): PrefsForm {
  const prefs = { ...DEFAULT_PREFS, ...saved };
  return {
    doNotDisturb: prefs.do_not_disturb ?? false,
    criticalThroughDnd: prefs.critical_through_dnd ?? true,
    quietEnabled: prefs.quiet_hours_start != null && prefs.quiet_hours_end != null,
    quietStart: prefs.quiet_hours_start ?? "22:00",
    quietEnd: prefs.quiet_hours_end ?? "07:00",
    escalateMinutes: String(prefs.escalate_after_minutes ?? 15),
  };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The preferences to save, or (when something cannot be saved) which field is wrong. */
export function prefsFromForm(form: PrefsForm): {
  prefs: AlertNotificationPrefs | null;
  problems: Partial<Record<keyof AlertNotificationPrefs, MessageKey>>;
} {
  const problems: Partial<Record<keyof AlertNotificationPrefs, MessageKey>> = {};
  const start = form.quietStart.trim();
  const end = form.quietEnd.trim();
  if (form.quietEnabled) {
    if (!TIME.test(start)) problems.quiet_hours_start = "alerts.prefs.badTime";
    if (!TIME.test(end)) problems.quiet_hours_end = "alerts.prefs.badTime";
  }
  const minutesText = form.escalateMinutes.trim();
  const minutes = /^\d+$/.test(minutesText) ? Number(minutesText) : Number.NaN;
  if (!Number.isInteger(minutes) || minutes > 1440) problems.escalate_after_minutes = "alerts.prefs.badMinutes";
  if (Object.keys(problems).length > 0) return { prefs: null, problems };
  return {
    prefs: {
      do_not_disturb: form.doNotDisturb,
      critical_through_dnd: form.criticalThroughDnd,
      quiet_hours_start: form.quietEnabled ? start : null,
      quiet_hours_end: form.quietEnabled ? end : null,
      escalate_after_minutes: minutes,
    },
    problems,
  };
}
