import { describe, expect, it } from "vitest";
import { arrowStep, handleSuggestionKey } from "./suggestions";

describe("arrowStep", () => {
  it("moves down and up, wrapping at both ends", () => {
    expect(arrowStep("ArrowDown", 0, 3)).toBe(1);
    expect(arrowStep("ArrowDown", 2, 3)).toBe(0);
    expect(arrowStep("ArrowUp", 0, 3)).toBe(2);
    expect(arrowStep("ArrowUp", 2, 3)).toBe(1);
  });

  it("leaves other keys to the caller", () => {
    expect(arrowStep("Enter", 1, 3)).toBeNull();
  });
});

describe("handleSuggestionKey", () => {
  function press(key: string, mods: KeyboardEventInit = {}, list: { count?: number; enterAccepts?: boolean } = {}) {
    const e = new KeyboardEvent("keydown", { key, cancelable: true, ...mods });
    const calls: string[] = [];
    const handled = handleSuggestionKey(e, {
      count: list.count ?? 3,
      active: 2,
      enterAccepts: list.enterAccepts,
      move: (i) => calls.push(`move ${i}`),
      accept: (i) => calls.push(`accept ${i}`),
      close: () => calls.push("close"),
    });
    return { handled, prevented: e.defaultPrevented, calls };
  }

  it("moves, accepts with Tab and closes with Escape, keeping the key from the field", () => {
    expect(press("ArrowDown")).toEqual({ handled: true, prevented: true, calls: ["move 0"] });
    expect(press("ArrowUp")).toEqual({ handled: true, prevented: true, calls: ["move 1"] });
    expect(press("Tab")).toEqual({ handled: true, prevented: true, calls: ["accept 2"] });
    expect(press("Escape")).toEqual({ handled: true, prevented: true, calls: ["close"] });
  });

  it("takes Enter only where Enter accepts, and never Shift+Enter or Ctrl+Enter", () => {
    expect(press("Enter")).toEqual({ handled: false, prevented: false, calls: [] });
    expect(press("Enter", {}, { enterAccepts: true })).toEqual({ handled: true, prevented: true, calls: ["accept 2"] });
    expect(press("Enter", { shiftKey: true }, { enterAccepts: true }).handled).toBe(false);
    expect(press("Enter", { ctrlKey: true }, { enterAccepts: true }).handled).toBe(false);
  });

  it("leaves every key to the field when the list is empty, and other keys always", () => {
    expect(press("ArrowDown", {}, { count: 0 })).toEqual({ handled: false, prevented: false, calls: [] });
    expect(press("a")).toEqual({ handled: false, prevented: false, calls: [] });
  });
});
