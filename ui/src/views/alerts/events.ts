// The poller's typed events, when running inside Tauri (Vitest and the browser demo have none).

import { events, type AlertsFocusGroup } from "../../lib/bindings";

function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Calls `onChange` after every poll that changed something; returns the unsubscribe function. */
export function subscribeAlerts(onChange: () => void, onFocus: (focus: AlertsFocusGroup) => void): () => void {
  if (!inTauri()) return () => {};
  const pending = [
    events.alertsUpdated.listen(() => onChange()),
    events.alertsFocusGroup.listen((event) => onFocus(event.payload)),
  ];
  return () => {
    for (const unlisten of pending) unlisten.then((stop) => stop()).catch(() => {});
  };
}
