// The poller's typed events, when running inside Tauri (Vitest and the browser demo have none).

import { events, type AlertsFocusGroup } from "../../lib/bindings";

function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** True when the poller's events arrive, so the board need not be asked for on a short timer. */
export const liveEvents = inTauri();

/** Calls `onChange` after every poll that changed something; returns the unsubscribe function. */
export function subscribeAlerts(onChange: () => void): () => void {
  if (!inTauri()) return () => {};
  const pending = events.alertsUpdated.listen(() => onChange());
  return () => void pending.then((stop) => stop()).catch(() => {});
}

/** For the app's lifetime: a notification asked to show an alert group. */
export function subscribeFocus(onFocus: (focus: AlertsFocusGroup) => void): void {
  if (!inTauri()) return;
  void events.alertsFocusGroup.listen((event) => onFocus(event.payload)).catch(() => {});
}
