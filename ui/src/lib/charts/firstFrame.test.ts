// A chart mounted with its answer is drawn in the task that mounts it: its size is read from the
// laid-out box at mount (Svelte's bind:clientWidth reads it once synchronously), not first
// reported by a ResizeObserver in a later frame. And its paint is reported only after the frame
// that shows it (lib/paint.ts). Own file: Svelte keeps one ResizeObserver per module graph, and
// this one must never report.

import { render } from "@testing-library/svelte";
import { flushSync } from "svelte";
import type uPlot from "uplot";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import TimeSeriesChart from "./TimeSeriesChart.svelte";

const made: { options: uPlot.Options }[] = [];
class FakePlot {
  over = document.createElement("div");
  constructor(readonly options: uPlot.Options) {
    made.push(this);
  }
  destroy() {}
}
vi.mock("uplot", () => ({ default: FakePlot }));

const frames: FrameRequestCallback[] = [];
const sizes = ["clientWidth", "clientHeight"] as const;
const originals = sizes.map((p) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, p));

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 200 });
  // Observes, never reports: a draw that waited for it would never come.
  vi.stubGlobal(
    "ResizeObserver",
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
});
afterAll(() => {
  sizes.forEach((p, i) => originals[i] && Object.defineProperty(HTMLElement.prototype, p, originals[i]));
  vi.unstubAllGlobals();
});
afterEach(() => {
  made.length = 0;
  frames.length = 0;
  vi.useRealTimers();
});

async function microtasks() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await vi.dynamicImportSettled();
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe("a chart mounted with its data", () => {
  it("is drawn at its box's size before any frame or ResizeObserver report", async () => {
    const series = [{ name: "a", timestamps: [1, 2, 3], values: [1, 2, 3] }];
    render(TimeSeriesChart, { props: { series, from: 0, to: 10 } });
    await microtasks();
    flushSync();
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toMatchObject({ width: 640, height: 200 });
  });

  it("reports its paint after the frame that shows it, with when that frame began", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    const onpaint = vi.fn();
    const series = [{ name: "a", timestamps: [1, 2, 3], values: [1, 2, 3] }];
    render(TimeSeriesChart, { props: { series, from: 0, to: 10, onpaint } });
    await microtasks();
    flushSync();
    expect(made).toHaveLength(1);
    expect(onpaint).not.toHaveBeenCalled();

    vi.advanceTimersByTime(0); // a task before the frame: not painted yet
    expect(onpaint).not.toHaveBeenCalled();
    vi.advanceTimersByTime(16);
    const frameStart = performance.now();
    frames.splice(0).forEach((cb) => cb(frameStart));
    expect(onpaint).not.toHaveBeenCalled(); // the frame's own paint comes after its callbacks
    vi.advanceTimersByTime(5);
    expect(onpaint).toHaveBeenCalledTimes(1);
    expect(onpaint).toHaveBeenCalledWith(frameStart);
  });
});
