// The Settings view as the shell sees it.

import { translate } from "../../lib/i18n/translate";
import type { ViewDefinition } from "../types";
import { KINDS } from "./draft";
import { addDatasource, settingsDraft } from "./draft.svelte";

export const settingsView: ViewDefinition = {
  id: "settings",
  title: "view.settings.title",
  icon: "settings",
  load: () => import("./SettingsView.svelte"),
  setup: (app) => void settingsDraft(app),
  attention: (app) => settingsDraft(app).dirty,
  commands: (app) => [
    ...KINDS.map((kind) => ({
      id: `settings-add-${kind}`,
      section: "action" as const,
      label: `command.addDatasource.${kind}` as const,
      icon: "plus" as const,
      keywords: [
        "datasource",
        "new",
        "データソース",
        ...(kind === "local_files" ? ["logs", "files", "folder", "ログ", "ファイル"] : []),
      ],
      run: () => addDatasource(app, kind),
    })),
    ...(["ja", "en"] as const).map((language) => ({
      id: `language-${language}`,
      section: "action" as const,
      label: "command.switchLanguage" as const,
      params: (locale: "en" | "ja") => ({ language: translate(locale, `language.${language}`) }),
      icon: "globe" as const,
      keywords: ["language", "locale", "言語", language === "ja" ? "japanese" : "english"],
      when: () => app.locale !== language,
      run: () => app.settings.setLanguage(language),
    })),
    {
      id: "settings-save",
      section: "action",
      label: "command.saveSettings",
      icon: "save",
      when: () => settingsDraft(app).canSave,
      run: () => void settingsDraft(app).save(),
    },
  ],
};
