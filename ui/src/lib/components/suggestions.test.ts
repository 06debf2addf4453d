import { describe, expect, it } from "vitest";
import { arrowStep } from "./suggestions";

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
