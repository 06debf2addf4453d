// The start-up benchmark reads these marks (tests/e2e/bench/startup.mjs): where the cold start
// goes. Imports are evaluated first, so this one means "the bundle has run".
performance.mark("hinomi:script");
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { tauriBackend, type Backend } from "./lib/backend";
import { useCatalogues } from "./lib/i18n/translate";
import { catalogues } from "./messages";

/**
 * The real backend, always, in a production build. Only `npm run dev` in a plain browser (no
 * Tauri around it) falls back to demo data, so the UI can be worked on without the Rust side.
 */
async function pickBackend(): Promise<Backend> {
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { createDemoBackend } = await import("./testing/demo");
    return createDemoBackend();
  }
  return tauriBackend;
}

useCatalogues(catalogues);

const target = document.getElementById("app");
if (!target) throw new Error("#app missing from index.html");

void pickBackend().then((backend) => {
  mount(App, { target, props: { backend } });
  performance.mark("hinomi:mounted");
});
