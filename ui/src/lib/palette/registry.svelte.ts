// What the palette can do. Views add their commands here; the palette lists whatever is
// registered and currently applicable.

import type { IconName } from "../components/icons";
import { translate, type MessageKey, type ParamValue } from "../i18n/translate";
import type { Locale } from "../i18n/locale";

export interface PaletteCommand {
  /** Stable, used in `data-testid="palette-item-<id>"`. */
  id: string;
  section: "navigate" | "action";
  label: MessageKey;
  /** Parameters for the label; asked per locale so they can be translated too. */
  params?: (locale: Locale) => Record<string, ParamValue>;
  icon?: IconName;
  /** Extra words that should find this command. */
  keywords?: readonly string[];
  /** Hidden while this returns false. */
  when?: () => boolean;
  run: () => void | Promise<void>;
}

export function commandLabel(command: PaletteCommand, locale: Locale): string {
  return translate(locale, command.label, command.params?.(locale));
}

/** Every text the filter may match: the label in the active locale and in English, keywords. */
export function commandTexts(command: PaletteCommand, locale: Locale): string[] {
  const texts = [commandLabel(command, locale)];
  if (locale !== "en") texts.push(commandLabel(command, "en"));
  return texts.concat(command.keywords ?? []);
}

export class CommandRegistry {
  #commands = $state.raw<PaletteCommand[]>([]);

  /** Adds commands; the returned function removes them again. */
  register(commands: readonly PaletteCommand[]): () => void {
    const ids = new Set(commands.map((c) => c.id));
    this.#commands = [...this.#commands.filter((c) => !ids.has(c.id)), ...commands];
    return () => {
      this.#commands = this.#commands.filter((c) => !commands.includes(c));
    };
  }

  /** Applicable commands: navigation first, then actions, each in registration order. */
  get available(): PaletteCommand[] {
    const usable = this.#commands.filter((c) => c.when?.() ?? true);
    return [...usable.filter((c) => c.section === "navigate"), ...usable.filter((c) => c.section === "action")];
  }
}
