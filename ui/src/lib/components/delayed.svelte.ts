// Busy states that only show once the wait is long enough to notice.
//
// Most loads here end in 10–60 ms. A spinner shown from the first millisecond is inserted and
// removed again within a frame or two, and without GPU compositing (src-tauri/src/webview.rs)
// each of those is a layout and a repaint that the answer itself then waits behind; on the
// Targets view it happened on every poll (docs/benchmarks.md, twelfth and fourteenth sessions).

import { untrack } from "svelte";

/** How long a load runs before its spinner shows. */
export const SPINNER_DELAY_MS = 300;

/**
 * True once `condition()` has held for `delayMs` without a break, false as soon as it does not
 * hold. With a delay of 0 or less it simply follows the condition. Create it while a component
 * initialises: it runs an effect.
 */
export class DelayedFlag {
  #shown = $state(false);

  constructor(condition: () => boolean, delayMs: number) {
    this.#shown = delayMs <= 0 && untrack(condition);
    $effect(() => {
      if (!condition()) {
        this.#shown = false;
        return;
      }
      if (delayMs <= 0) {
        this.#shown = true;
        return;
      }
      const timer = setTimeout(() => (this.#shown = true), delayMs);
      return () => clearTimeout(timer);
    });
  }

  get current(): boolean {
    return this.#shown;
  }
}
