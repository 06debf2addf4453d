// The hover cursor of a chart that may draw a thousand series: what uPlot does per mouse move must
// not grow with the series count more than it has to.

import type uPlot from "uplot";

/** Above this many series the per-series hover dots are left out: uPlot moves one element per
 * series on every mouse move, and a thousand dots tell less than the tooltip does. */
export const HOVER_POINTS_MAX_SERIES = 50;

/** Cursor options for a chart of `seriesCount` series. */
export function manySeriesCursor(seriesCount: number): uPlot.Cursor {
  return { points: { show: seriesCount <= HOVER_POINTS_MAX_SERIES } };
}
