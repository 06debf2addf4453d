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
