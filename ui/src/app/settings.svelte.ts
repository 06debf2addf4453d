// The settings the app runs on (as last loaded or saved), shared by every view. Editing happens
// in the Settings view's draft; this only holds what the backend has.

import type { Backend, CommandResult } from "../lib/backend";
import type { HinomiError, Language, Settings, SettingsView } from "../lib/bindings";

export const DEFAULT_REFRESH_SECS = 5;

export class SettingsStore {
  /** The backend's latest answer; null until loaded. */
  view = $state.raw<SettingsView | null>(null);
  /** Set when the language chosen could not be saved (it still applies for this session). */
  languageError = $state.raw<HinomiError | null>(null);
  #pendingLanguage = $state<Language | null>(null);
  readonly #backend: Backend;
  readonly #reloaded = new Set<(previous: Settings | null) => void>();

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  get settings(): Settings | null {
    return this.view?.loaded.settings ?? null;
  }

  get language(): Language {
    return this.#pendingLanguage ?? this.settings?.language ?? "system";
  }

  get refreshIntervalSecs(): number {
    const secs = this.settings?.refresh_interval_secs ?? DEFAULT_REFRESH_SECS;
    return Number.isFinite(secs) && secs >= 1 ? Math.min(secs, 3600) : DEFAULT_REFRESH_SECS;
  }

  /** Reads the settings again; the error when they could not be read (what was there stays). */
  async load(): Promise<HinomiError | null> {
    const previous = this.settings;
    const answer = await this.#backend.getSettings();
    if (answer.status === "error") return answer.error;
    this.view = answer.data;
    if (previous) for (const listener of this.#reloaded) listener(previous);
    return null;
  }

  /**
   * Called after the settings were read again because something other than the editor changed
   * them (a log source added by a drop), with the settings as they were before.
   */
  onReloaded(listener: (previous: Settings | null) => void): () => void {
    this.#reloaded.add(listener);
    return () => this.#reloaded.delete(listener);
  }

  /** Saves the whole settings; on success the answer (with fresh problems) becomes current. */
  async save(settings: Settings): Promise<CommandResult<SettingsView>> {
    const result = await this.#backend.saveSettings(settings);
    if (result.status === "ok") this.view = result.data;
    return result;
  }

  /**
   * Replaces the datasources with the bundled demo stack's and saves (the welcome's "Open the
   * demo"); the error when that failed (nothing changed then).
   */
  async openDemo(): Promise<HinomiError | null> {
    const result = await this.#backend.openDemo();
    if (result.status === "error") return result.error;
    this.view = result.data;
    return null;
  }

  /** Applies at once, then persists only the language (an unsaved draft elsewhere is untouched). */
  async setLanguage(language: Language): Promise<void> {
    const base = this.settings;
    this.#pendingLanguage = language;
    this.languageError = null;
    if (!base) return;
    const result = await this.save({ ...base, language });
    if (result.status === "error") {
      this.languageError = result.error;
    } else if (this.#pendingLanguage === language) {
      this.#pendingLanguage = null;
    }
  }
}
