// Files dropped on the window become a local files log source: the web view reports the drag
// (Tauri's drag-drop events carry the real paths, which a browser drop never gives), the logs
// store adds the source and Discover opens on it, from whichever view the drop landed on.

import type { AppContext } from "../../app/context.svelte";
import type { LogsStore } from "./store.svelte";

/** The part of a Tauri drag-drop event the view acts on. */
export type FileDrag = { type: "enter"; paths: string[] } | { type: "over" } | { type: "drop"; paths: string[] } | { type: "leave" };

/** What a drag does: shows the drop hint while files are over the window, adds them on drop. */
export async function onFileDrag(app: AppContext, store: LogsStore, drag: FileDrag): Promise<void> {
  switch (drag.type) {
    case "enter":
      store.dropHover = drag.paths.length > 0;
      if (store.dropHover) app.nav.go("logs");
      return;
    case "over":
      return;
    case "leave":
      store.dropHover = false;
      return;
    case "drop": {
      store.dropHover = false;
      if (drag.paths.length === 0) return;
      app.nav.go("logs");
      await store.start();
      const added = await store.addSource(drag.paths);
      // The new datasource's name lives in the settings.
      if (added) await app.settings.load();
      return;
    }
  }
}

function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** For the app's lifetime, inside Tauri (Vitest and the browser demo have no file drops). */
export function subscribeFileDrops(app: AppContext, store: LogsStore): void {
  if (!inTauri()) return;
  void import("@tauri-apps/api/webview")
    .then(({ getCurrentWebview }) =>
      getCurrentWebview().onDragDropEvent((event) => {
        const payload = event.payload;
        const drag: FileDrag =
          payload.type === "enter" || payload.type === "drop" ? { type: payload.type, paths: payload.paths } : { type: payload.type };
        void onFileDrag(app, store, drag);
      }),
    )
    .catch(() => {});
}
