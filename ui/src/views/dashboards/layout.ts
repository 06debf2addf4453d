// Grafana's 24-column grid: panels placed by gridPos (x, y, w, h in 30 px rows). Rows fold the
// panels below them (an expanded row) or carry their own (a collapsed row's `panels`).

import type { Panel } from "../../lib/bindings";

export const GRID_COLUMNS = 24;
export const ROW_HEIGHT_PX = 30;

export interface PlacedPanel {
  panel: Panel;
  /** CSS grid lines, 1-based. */
  column: number;
  columnSpan: number;
  row: number;
  rowSpan: number;
  /** For rows: whether folded now. */
  collapsed: boolean;
}

function pos(panel: Panel) {
  const g = panel.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
  const w = Math.max(1, Math.min(GRID_COLUMNS, g.w || 12));
  const x = Math.max(0, Math.min(GRID_COLUMNS - w, g.x || 0));
  return { x, y: Math.max(0, g.y || 0), w, h: Math.max(1, g.h || 8) };
}

/**
 * What to draw and where. `folded(rowId, savedCollapsed)` says whether a row is folded now (the
 * user may have toggled it). Panels under a folded row disappear and everything below moves up
 * by the space they took, as in Grafana.
 */
export function layoutPanels(panels: readonly Panel[], folded: (row: Panel) => boolean): PlacedPanel[] {
  const sorted = [...panels].sort((a, b) => pos(a).y - pos(b).y || pos(a).x - pos(b).x);
  // Split into sections: panels before the first row, then each row with its panels.
  type Section = { row: Panel | null; panels: Panel[] };
  const sections: Section[] = [{ row: null, panels: [] }];
  for (const panel of sorted) {
    if (panel.type === "row") sections.push({ row: panel, panels: [...(panel.panels ?? [])] });
    else sections[sections.length - 1]!.panels.push(panel);
  }
  const out: PlacedPanel[] = [];
  let top = 0;
  for (const section of sections) {
    if (section.row) {
      const isFolded = folded(section.row);
      out.push({ panel: section.row, column: 1, columnSpan: GRID_COLUMNS, row: top + 1, rowSpan: 1, collapsed: isFolded });
      top += 1;
      if (isFolded) continue;
    }
    if (section.panels.length === 0) continue;
    const base = Math.min(...section.panels.map((p) => pos(p).y));
    let bottom = top;
    for (const panel of section.panels) {
      const p = pos(panel);
      const row = top + (p.y - base) + 1;
      out.push({ panel, column: p.x + 1, columnSpan: p.w, row, rowSpan: p.h, collapsed: false });
      bottom = Math.max(bottom, row - 1 + p.h);
    }
    top = bottom;
  }
  return out;
}
