// Which rows of a long fixed-row-height list to render. An incident timeline or a log search can
// hold 100,000 rows; only the rows in view (plus a margin) are in the DOM, and rows are fetched as
// the view reaches them.

export interface VisibleRange {
  /** First row index to render (inclusive). */
  start: number;
  /** Last row index to render (exclusive). */
  end: number;
  /** Pixels above the first rendered row (the spacer's height). */
  offset: number;
  /** Height of the whole list, rendered or not. */
  total: number;
}

export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 5,
): VisibleRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
  const total = count * rowHeight;
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, total - viewport));
  const first = Math.floor(top / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.ceil((top + Math.max(0, viewport)) / rowHeight) + overscan);
  return { start, end, offset: start * rowHeight, total };
}

/** True when fewer than `margin` loaded rows remain below the view and more can be fetched. */
export function needsMore(range: VisibleRange, loaded: number, hasMore: boolean, margin = 50): boolean {
  return hasMore && loaded - range.end < margin;
}
