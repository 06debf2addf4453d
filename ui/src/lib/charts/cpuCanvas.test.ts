import { afterEach, describe, expect, it, vi } from "vitest";
import { withCpuCanvases } from "./plot.svelte";

describe("withCpuCanvases", () => {
  const original = HTMLCanvasElement.prototype.getContext;
  afterEach(() => {
    HTMLCanvasElement.prototype.getContext = original;
  });

  function spyContexts() {
    const seen: [string, unknown][] = [];
    HTMLCanvasElement.prototype.getContext = function (type: string, options?: unknown) {
      seen.push([type, options]);
      return null;
    } as typeof original;
    return seen;
  }

  it("asks for every 2D context made inside it to be read often (kept on the CPU), keeping other options", () => {
    const seen = spyContexts();
    const made = withCpuCanvases(() => {
      const a = document.createElement("canvas");
      a.getContext("2d");
      a.getContext("2d", { alpha: false });
      a.getContext("webgl");
      return "plot";
    });
    expect(made).toBe("plot");
    expect(seen).toEqual([
      ["2d", { willReadFrequently: true }],
      ["2d", { willReadFrequently: true, alpha: false }],
      ["webgl", undefined],
    ]);
  });

  it("leaves canvases made outside it alone, also after a throw", () => {
    const seen = spyContexts();
    const patched = HTMLCanvasElement.prototype.getContext;
    expect(() =>
      withCpuCanvases(() => {
        throw new Error("uPlot failed");
      }),
    ).toThrow("uPlot failed");
    expect(HTMLCanvasElement.prototype.getContext).toBe(patched);
    document.createElement("canvas").getContext("2d");
    expect(seen).toEqual([["2d", undefined]]);
  });
});
