// Palette commands every app has: "Go to <view>" for each registered view, plus each view's own.

import type { AppContext } from "../app/context.svelte";
import { translate } from "../lib/i18n/translate";
import type { PaletteCommand } from "../lib/palette/registry.svelte";
import type { ViewDefinition } from "../views/types";

export function viewCommands(app: AppContext, views: readonly ViewDefinition[]): PaletteCommand[] {
  const navigate: PaletteCommand[] = views.map((view) => ({
    id: `go-${view.id}`,
    section: "navigate",
    label: "palette.goTo",
    params: (locale) => ({ view: translate(locale, view.title) }),
    icon: view.icon,
    keywords: [view.id],
    // Offered while the sidebar lists it (the welcome only while nothing is configured).
    when: view.inNav ? () => view.inNav!(app) : undefined,
    run: () => app.nav.go(view.id),
  }));
  return [...navigate, ...views.flatMap((view) => view.commands?.(app) ?? [])];
}
