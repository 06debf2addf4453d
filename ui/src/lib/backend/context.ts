// Hands the Backend to components through Svelte context, so a test can render any view with a
// fake by passing `backendContext(fake)` as the render context.

import { getContext, setContext } from "svelte";
import type { Backend } from "./backend";

const KEY = Symbol("hinomi.backend");

export function setBackend(backend: Backend): Backend {
  return setContext(KEY, backend);
}

export function getBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error("No Backend in context: wrap the component or pass backendContext()");
  return backend;
}

/** The context map for `mount`/`render` options. */
export function backendContext(backend: Backend): Map<unknown, unknown> {
  return new Map<unknown, unknown>([[KEY, backend]]);
}
