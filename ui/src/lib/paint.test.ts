import { describe, expect, it } from "vitest";
import { afterNextPaint, type PaintClock } from "./paint";

/** A clock whose frames and tasks run only when the test says, in order. */
function manualClock() {
  const frames: (() => void)[] = [];
  const tasks: (() => void)[] = [];
  let now = 0;
  const clock: PaintClock = {
    frame: (cb) => frames.push(cb),
    task: (cb) => tasks.push(cb),
    now: () => now,
  };
  const run = (queue: (() => void)[]) => queue.splice(0).forEach((cb) => cb());
  return {
    clock,
    at: (ms: number) => (now = ms),
    runFrames: () => run(frames),
    runTasks: () => run(tasks),
    pending: () => frames.length + tasks.length,
  };
}

describe("afterNextPaint", () => {
  it("waits for the frame and then for the task after it, and reports when the frame began", () => {
    const c = manualClock();
    const seen: number[] = [];
    afterNextPaint((frameAt) => seen.push(frameAt), c.clock);

    c.runTasks(); // a task before the frame: nothing is painted yet
    expect(seen).toEqual([]);
    c.at(16);
    c.runFrames(); // the frame's callbacks run before its paint
    expect(seen).toEqual([]);
    c.at(40);
    c.runTasks(); // after the rendering update
    expect(seen).toEqual([16]);
    expect(c.pending()).toBe(0);
  });

  it("reports each call once", () => {
    const c = manualClock();
    let calls = 0;
    afterNextPaint(() => calls++, c.clock);
    afterNextPaint(() => calls++, c.clock);
    c.runFrames();
    c.runTasks();
    c.runFrames();
    c.runTasks();
    expect(calls).toBe(2);
  });
});
