// Shared set-up for component tests: an AppContext over a fake backend, already started.

import { AppContext } from "./app/context.svelte";
import { createFakeBackend, type FakeState } from "./testing/fakeBackend";
import { setLocale } from "./lib/i18n/index.svelte";
import { DEFAULT_VIEW, views } from "./views";

export async function startedApp(state: Partial<FakeState> = {}) {
  const backend = createFakeBackend(state);
  const app = new AppContext(backend, { viewIds: views.map((v) => v.id), defaultView: DEFAULT_VIEW });
  const failure = await app.start();
  if (failure) throw new Error(failure.message);
  for (const view of views) view.setup?.(app);
  setLocale(app.locale);
  return { app, backend };
}

/**
 * jsdom has no layout, and `bind:clientWidth` needs a ResizeObserver. Installs one that reports
 * `size` for every element it is given to watch, or never reports without one.
 */
export function stubResizeObserver(size?: { width: number; height: number }): void {
  globalThis.ResizeObserver ??= class {
    readonly #report: ResizeObserverCallback;
    constructor(report: ResizeObserverCallback) {
      this.#report = report;
    }
    observe(target: Element) {
      if (size) this.#report([{ target, contentRect: size } as unknown as ResizeObserverEntry], this as never);
    }
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
