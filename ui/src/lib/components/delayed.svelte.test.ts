import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DelayedFlag } from "./delayed.svelte";

describe("DelayedFlag", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A flag over a condition the test sets, inside an effect root as a component would be. */
  function flagOver(delayMs: number, initially = false) {
    const source = $state({ on: initially });
    let flag!: DelayedFlag;
    const stop = $effect.root(() => {
      flag = new DelayedFlag(() => source.on, delayMs);
    });
    flushSync();
    const set = (on: boolean) => {
      source.on = on;
      flushSync();
    };
    const advance = (ms: number) => {
      vi.advanceTimersByTime(ms);
      flushSync();
    };
    return { flag, set, advance, stop };
  }

  it("turns on only once the condition has held for the delay", () => {
    const { flag, set, advance } = flagOver(300);
    set(true);
    advance(299);
    expect(flag.current).toBe(false);
    advance(1);
    expect(flag.current).toBe(true);
  });

  it("never turns on for a condition shorter than the delay, and leaves no timer", () => {
    const { flag, set, advance } = flagOver(300);
    set(true);
    advance(250);
    set(false);
    expect(vi.getTimerCount()).toBe(0);
    advance(1_000);
    expect(flag.current).toBe(false);
  });

  it("turns off at once, and a new stretch waits the whole delay again", () => {
    const { flag, set, advance } = flagOver(300);
    set(true);
    advance(300);
    expect(flag.current).toBe(true);
    set(false);
    expect(flag.current).toBe(false);
    set(true);
    advance(299);
    expect(flag.current).toBe(false);
    advance(1);
    expect(flag.current).toBe(true);
  });

  it("follows the condition at once without a delay", () => {
    const { flag, set } = flagOver(0, true);
    expect(flag.current).toBe(true);
    set(false);
    expect(flag.current).toBe(false);
    set(true);
    expect(flag.current).toBe(true);
  });

  it("stops its timer when its owner goes away", () => {
    const { flag, set, advance, stop } = flagOver(300);
    set(true);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    advance(1_000);
    expect(flag.current).toBe(false);
  });
});
