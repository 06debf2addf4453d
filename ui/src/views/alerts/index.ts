// The Alerts view as the shell sees it: nav entry and palette commands.

import type { ViewDefinition } from "../types";
import { isGroup } from "./board";
import { subscribeFocus } from "./events";
import { alertsStore } from "./store.svelte";

export const alertsView: ViewDefinition = {
  id: "alerts",
  title: "alerts.title",
  icon: "alert",
  load: () => import("./AlertsView.svelte"),
  setup: (app) => {
    const store = alertsStore(app);
    // A notification's "Open" / "Create incident" works whichever view is showing.
    subscribeFocus((focus) => {
      store.tab = "board";
      store.focusGroup = focus.group_key;
      for (const key of [...store.collapsed]) if (isGroup(key, focus.group_key)) store.collapsed.delete(key);
      if (focus.intent === "create_incident") store.incidentRequest = focus.group_key;
      app.nav.go("alerts");
    });
  },
  commands: (app) => [
    {
      id: "alerts-refresh",
      section: "action",
      label: "alerts.command.refresh",
      icon: "refresh",
      keywords: ["alerts", "poll"],
      run: async () => {
        app.nav.go("alerts");
        await app.backend.refreshAlerts();
        await alertsStore(app).load();
      },
    },
    {
      id: "alerts-pause-notifications",
      section: "action",
      label: "alerts.command.pause",
      icon: "alert",
      keywords: ["notifications", "do not disturb", "mute", "snooze"],
      when: () => !alertsStore(app).board?.notifications_paused_until,
      run: async () => {
        await app.backend.pauseNotifications(60);
        await alertsStore(app).load();
      },
    },
    {
      id: "alerts-resume-notifications",
      section: "action",
      label: "alerts.command.resume",
      icon: "alert",
      keywords: ["notifications", "unmute"],
      when: () => Boolean(alertsStore(app).board?.notifications_paused_until),
      run: async () => {
        await app.backend.pauseNotifications(0);
        await alertsStore(app).load();
      },
    },
    ...([true, false] as const).map((on) => ({
      id: on ? "alerts-dnd-on" : "alerts-dnd-off",
      section: "action" as const,
      label: on ? ("alerts.command.dndOn" as const) : ("alerts.command.dndOff" as const),
      icon: "alert" as const,
      keywords: ["do not disturb", "dnd", "notifications", "おやすみ"],
      when: () => (app.settings.settings?.alert_notifications?.do_not_disturb ?? false) !== on,
      run: async () => {
        const base = app.settings.settings;
        if (!base) return;
        await app.settings.save({
          ...base,
          alert_notifications: { ...base.alert_notifications, do_not_disturb: on },
        });
      },
    })),
    {
      id: "alerts-silences",
      section: "action",
      label: "alerts.command.silences",
      icon: "alert",
      keywords: ["silence", "mute"],
      run: () => {
        alertsStore(app).tab = "silences";
        app.nav.go("alerts");
      },
    },
  ],
};
