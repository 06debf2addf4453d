import { render } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import Spinner from "./Spinner.svelte";

describe("Spinner", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shows at once without a delay", () => {
    const { queryByTestId } = render(Spinner, { testid: "s" });
    expect(queryByTestId("s")).not.toBeNull();
  });

  it("shows nothing until the delay has passed", () => {
    const { queryByTestId } = render(Spinner, { testid: "s", delayMs: 300 });
    vi.advanceTimersByTime(299);
    flushSync();
    expect(queryByTestId("s")).toBeNull();
    vi.advanceTimersByTime(1);
    flushSync();
    expect(queryByTestId("s")).not.toBeNull();
  });

  it("never shows when it is gone before the delay", () => {
    const { queryByTestId, unmount } = render(Spinner, { testid: "s", delayMs: 300 });
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(queryByTestId("s")).toBeNull();
  });
});
