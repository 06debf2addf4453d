// The Logs (Discover) view as the shell sees it: nav entry and palette commands.

import type { ViewDefinition } from "../types";
import { subscribeFileDrops } from "./drop";
import { logsStore } from "./store.svelte";

export const logsView: ViewDefinition = {
  id: "logs",
  title: "logs.title",
  icon: "logs",
  load: () => import("./LogsView.svelte"),
  setup: (app) => subscribeFileDrops(app, logsStore(app)),
  commands: (app) => [
    {
      id: "logs-add-files",
      section: "action",
      label: "logs.add",
      icon: "logs",
      keywords: ["logs", "files", "folder", "local", "offline", "ファイル", "フォルダー"],
      run: async () => {
        app.nav.go("logs");
        logsStore(app).addOpen = true;
      },
    },
    {
      id: "logs-errors-last-hour",
      section: "action",
      label: "logs.command.errors",
      icon: "logs",
      keywords: ["logs", "error", "kibana", "discover", "ログ", "エラー"],
      run: async () => {
        app.nav.go("logs");
        const store = logsStore(app);
        await store.start();
        const builtin = store.saved.find((s) => s.id === "builtin:errors-last-hour");
        await store.applySaved(
          builtin ?? { id: "", name: "", query: "level:ERROR", filters: [], relative_from: "now-1h", builtin: true },
        );
      },
    },
    {
      id: "logs-tail",
      section: "action",
      label: "logs.command.tail",
      icon: "logs",
      keywords: ["logs", "tail", "follow", "live", "ライブ"],
      when: () => !logsStore(app).tailOn,
      run: async () => {
        app.nav.go("logs");
        const store = logsStore(app);
        await store.start();
        store.startTail();
      },
    },
  ],
};
