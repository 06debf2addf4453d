// The start-up benchmark reads these marks (tests/e2e/bench/startup.mjs): where the cold start
// goes. Imports are evaluated first, so this one means "the bundle has run".
performance.mark("hinomi:script");
// PROFILE (temporary)
(window as any).__frames = [];
{ const f = (t: number) => { (window as any).__frames.push([t, performance.now()]); if (performance.now() < 4000) requestAnimationFrame(f); }; requestAnimationFrame(f); }
(window as any).__ticks = []; (window as any).__vis = [[performance.now(), document.visibilityState, document.hasFocus()]]; document.addEventListener('visibilitychange', () => (window as any).__vis.push([performance.now(), document.visibilityState])); window.addEventListener('focus', () => (window as any).__vis.push([performance.now(), 'focus'])); { let last = performance.now(); const iv = setInterval(() => { const n = performance.now(); if (n - last > 30) (window as any).__ticks.push([Math.round(last), Math.round(n)]); last = n; if (n > 3000) clearInterval(iv); }, 5); }
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
