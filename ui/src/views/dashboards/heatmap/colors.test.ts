// The heatmap colour scale against Grafana's heatmap panel (public/app/plugins/panel/heatmap/
// palettes.ts quantizeScheme, utils.ts boundedMinMax/valuesToFills) and d3-scale-chromatic's
// schemes, and the option defaults of its panel schema (color: scheme "Oranges", scale
// "exponential", exponent 0.5, steps 64, fill "dark-orange"; grafonnet's heatmap docs list them).

import { describe, expect, it } from "vitest";
import { boundedMinMax, colorOptions, DEFAULT_COLOR, fillIndex, heatmapPalette, schemeColor } from "./colors";

describe("colour schemes", () => {
  it("runs d3's basis spline through the ColorBrewer colours, ends exact", () => {
    // d3.interpolateOranges(0) and (1) are the scheme's first and last colours.
    expect(schemeColor("Oranges", 0)).toBe("#fff5eb");
    expect(schemeColor("Oranges", 1)).toBe("#7f2704");
    // At a knot the B-spline is (v[i-1] + 4 v[i] + v[i+1]) / 6: fdae6b, fd8d3c, f16913 at 0.5.
    expect(schemeColor("Oranges", 0.5)).toBe("#fb8d3d");
    expect(schemeColor("Spectral", 0)).toBe("#9e0142");
    expect(schemeColor("Spectral", 1)).toBe("#5e4fa2");
  });

  it("falls back to Spectral for a scheme it does not know, as Grafana does", () => {
    expect(schemeColor("NoSuchScheme", 0)).toBe(schemeColor("Spectral", 0));
    const unknown = heatmapPalette({ ...DEFAULT_COLOR, scheme: "NoSuchScheme", steps: 8 });
    expect(unknown).toEqual(heatmapPalette({ ...DEFAULT_COLOR, scheme: "Spectral", steps: 8 }));
  });
});

describe("heatmapPalette", () => {
  it("has `steps` colours; single hues are inverted on a dark theme so high counts are bright", () => {
    const dark = heatmapPalette(DEFAULT_COLOR, true);
    expect(dark).toHaveLength(64);
    expect(dark[0]).toBe("#7f2704");
    expect(dark[63]).toBe("#fff5eb");
    const light = heatmapPalette(DEFAULT_COLOR, false);
    expect(light[0]).toBe("#fff5eb");
  });

  it("reverse flips the theme's choice; diverging schemes are always inverted", () => {
    const reversed = heatmapPalette({ ...DEFAULT_COLOR, reverse: true }, true);
    expect(reversed[0]).toBe("#fff5eb");
    const spectral = heatmapPalette({ ...DEFAULT_COLOR, scheme: "Spectral", steps: 3 }, false);
    expect(spectral).toEqual(["#5e4fa2", schemeColor("Spectral", 0.5), "#9e0142"]);
  });

  it("opacity mode: one colour, opacity (i/(steps-1))^exponent or linear", () => {
    const exp = heatmapPalette({ ...DEFAULT_COLOR, mode: "opacity", fill: "#ff0000", steps: 5, exponent: 0.5 });
    expect(exp.map((c) => Number(/([\d.]+)\)$/.exec(c)![1]))).toEqual([0, 0.5, 0.707, 0.866, 1]);
    expect(exp[4]).toBe("rgba(255, 0, 0, 1.000)");
    const lin = heatmapPalette({ ...DEFAULT_COLOR, mode: "opacity", fill: "#ff0000", steps: 5, scale: "linear" });
    expect(lin.map((c) => Number(/([\d.]+)\)$/.exec(c)![1]))).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe("value to colour", () => {
  it("places values linearly between min and max, clamped to the palette's ends", () => {
    // Grafana's valuesToFills: floor(size * (v - min) / range), at most size - 1.
    expect(fillIndex(0, 64, 0, 100)).toBe(0);
    expect(fillIndex(50, 64, 0, 100)).toBe(32);
    expect(fillIndex(100, 64, 0, 100)).toBe(63);
    expect(fillIndex(-5, 64, 0, 100)).toBe(0);
    expect(fillIndex(500, 64, 0, 100)).toBe(63);
    expect(fillIndex(7, 64, 7, 7)).toBe(0);
  });

  it("takes min/max from the drawn cells unless the options set them", () => {
    const values = [0, 0.5, NaN, 3, 10];
    // Hidden cells (≤ 1e-9, the default filter) do not stretch the range.
    expect(boundedMinMax(values, null, null, 1e-9)).toEqual([0.5, 10]);
    expect(boundedMinMax(values, 1, null, 1e-9)).toEqual([1, 10]);
    expect(boundedMinMax(values, null, 5, 1e-9, 10)).toEqual([0.5, 5]);
  });

  it("reads options.color with Grafana's defaults for what is missing", () => {
    expect(colorOptions(undefined)).toEqual(DEFAULT_COLOR);
    expect(colorOptions({ mode: "opacity", scale: "linear", steps: 500, min: 0, reverse: true })).toMatchObject({
      mode: "opacity",
      scale: "linear",
      steps: 128,
      min: 0,
      max: null,
      reverse: true,
      scheme: "Oranges",
    });
  });
});
