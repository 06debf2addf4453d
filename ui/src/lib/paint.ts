// "Painted" for the benchmarks' marks (start-up rows, dashboard panels).
//
// A requestAnimationFrame callback runs at the start of a rendering update, *before* that frame's
// style, layout and paint; a task queued from it runs once the update is over. So what is in the
// DOM now is on screen by the time `painted` runs, and `frameAt` is when the frame that painted it
// began. (Profiled 2026-12-05, docs/benchmarks.md: in the app that update alone took 20–1000 ms
// while a dashboard opened, so a mark taken in the rAF callback ran well before the paint.)

export interface PaintClock {
  frame: (callback: () => void) => unknown;
  task: (callback: () => void) => unknown;
  now: () => number;
}

const browserClock: PaintClock = {
  frame: (callback) => requestAnimationFrame(() => callback()),
  task: (callback) => setTimeout(callback, 0),
  now: () => performance.now(),
};

/** Calls `painted(frameAt)` after the next frame has painted what the DOM holds now. */
export function afterNextPaint(painted: (frameAt: number) => void, clock: PaintClock = browserClock): void {
  clock.frame(() => {
    const frameAt = clock.now();
    clock.task(() => painted(frameAt));
  });
}
