// A pre-Grafana-9 heatmap panel's settings (top-level `color`, `yAxis.format`, `hideZeroBuckets`,
// `cards`, `tooltipDecimals`) as the options of the current panel, the way Grafana migrates the
// old panel when it loads it (heatmap panel's migrations: spectrum → scheme, sqrt → exponential).

import type { Panel } from "../../../lib/bindings";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);

/** The panel's options: its own when it is a current heatmap, else translated from the old one. */
export function heatmapPanelOptions(panel: Panel): Json {
  const options = obj(panel.options) ?? {};
  const old = panel as unknown as Json;
  const isLegacy = !("calculate" in options) && !("color" in options) && ("dataFormat" in old || "cards" in old || "hideZeroBuckets" in old);
  if (!isLegacy) return options;
  const color = obj(old.color) ?? {};
  const yAxis = obj(old.yAxis) ?? {};
  const cards = obj(old.cards) ?? {};
  const legend = obj(old.legend) ?? {};
  const scheme = typeof color.colorScheme === "string" ? color.colorScheme.replace(/^interpolate/, "") : undefined;
  return {
    ...options,
    calculate: old.dataFormat !== "tsbuckets",
    color: {
      mode: color.mode === "opacity" ? "opacity" : "scheme",
      scheme,
      fill: typeof color.cardColor === "string" ? color.cardColor : undefined,
      scale: color.colorScale === "linear" ? "linear" : "exponential",
      exponent: color.exponent,
      min: color.min,
      max: color.max,
    },
    yAxis: { unit: yAxis.format, decimals: yAxis.decimals },
    cellGap: typeof cards.cardPadding === "number" ? cards.cardPadding : undefined,
    cellValues: { decimals: old.tooltipDecimals },
    // The old panel drew zero buckets unless told to hide them.
    filterValues: { le: old.hideZeroBuckets === true ? 1e-9 : -Infinity },
    legend: { show: legend.show === true },
  };
}
