import { describe, expect, it } from "vitest";
import type { Panel } from "../../lib/bindings";
import { layoutPanels } from "./layout";
import { seriesName } from "./legend";
import { tableView } from "./panelView";
import { durationMs, fromGrafana, parseAbsolute, refreshMs, resolveWindow } from "./timeRange";
import { reduce, thresholdColor } from "./values";

const panel = (id: number, type: string, x: number, y: number, w: number, h: number, extra: Partial<Panel> = {}): Panel =>
  ({ id, type, title: `p${id}`, gridPos: { x, y, w, h }, ...extra }) as Panel;

describe("grid layout", () => {
  it("places panels on the 24-column grid by gridPos", () => {
    const placed = layoutPanels([panel(1, "timeseries", 0, 0, 12, 8), panel(2, "gauge", 12, 0, 6, 8), panel(3, "stat", 0, 8, 24, 4)], () => false);
    expect(placed.map((p) => [p.panel.id, p.column, p.columnSpan, p.row, p.rowSpan])).toEqual([
      [1, 1, 12, 1, 8],
      [2, 13, 6, 1, 8],
      [3, 1, 24, 9, 4],
    ]);
  });

  it("folds a row's panels away and moves the rest up", () => {
    const panels = [
      panel(10, "row", 0, 0, 24, 1),
      panel(1, "timeseries", 0, 1, 12, 8),
      panel(11, "row", 0, 9, 24, 1),
      panel(2, "stat", 0, 10, 6, 4),
    ];
    const open = layoutPanels(panels, () => false);
    expect(open.map((p) => [p.panel.id, p.row])).toEqual([
      [10, 1],
      [1, 2],
      [11, 10],
      [2, 11],
    ]);
    const firstFolded = layoutPanels(panels, (row) => row.id === 10);
    expect(firstFolded.map((p) => [p.panel.id, p.row, p.collapsed])).toEqual([
      [10, 1, true],
      [11, 2, false],
      [2, 3, false],
    ]);
  });

  it("shows a collapsed row's nested panels when it is unfolded", () => {
    const row = panel(20, "row", 0, 0, 24, 1, { collapsed: true, panels: [panel(5, "gauge", 3, 1, 3, 4)] });
    expect(layoutPanels([row], (r) => r.collapsed === true).map((p) => p.panel.id)).toEqual([20]);
    const open = layoutPanels([row], () => false);
    expect(open.map((p) => [p.panel.id, p.column, p.row])).toEqual([
      [20, 1, 1],
      [5, 4, 2],
    ]);
  });

  it("keeps oversize positions on the grid", () => {
    const [p] = layoutPanels([panel(1, "stat", 30, 0, 40, 2)], () => false);
    expect([p!.column, p!.columnSpan]).toEqual([1, 24]);
  });
});

describe("time range", () => {
  it("reads durations", () => {
    expect(durationMs("15m")).toBe(900_000);
    expect(durationMs("7d")).toBe(604_800_000);
    expect(durationMs("soon")).toBeNull();
    expect(refreshMs("off")).toBeNull();
    expect(refreshMs("30s")).toBe(30_000);
  });

  it("takes a dashboard's now-6h default and resolves it against now", () => {
    const range = fromGrafana({ from: "now-6h", to: "now" });
    expect(range).toEqual({ kind: "relative", last: "6h" });
    expect(resolveWindow(range, 100_000_000)).toEqual({ from_ms: 100_000_000 - 21_600_000, to_ms: 100_000_000 });
    expect(fromGrafana({ from: "now/d", to: "now/d" })).toEqual({ kind: "relative", last: "1h" });
  });

  it("reads an absolute dashboard range as dates or as epoch milliseconds", () => {
    const iso = fromGrafana({ from: "2026-12-01T00:00:00.000Z", to: "2026-12-02T00:00:00.000Z" });
    expect(iso).toEqual({ kind: "absolute", fromMs: Date.UTC(2026, 11, 1), toMs: Date.UTC(2026, 11, 2) });
    expect(fromGrafana({ from: String(Date.UTC(2026, 11, 1)), to: String(Date.UTC(2026, 11, 2)) })).toEqual(iso);
    // Reversed is not a range.
    expect(fromGrafana({ from: String(Date.UTC(2026, 11, 2)), to: String(Date.UTC(2026, 11, 1)) })).toEqual({ kind: "relative", last: "1h" });
  });

  it("checks absolute ranges", () => {
    expect(parseAbsolute("2026-01-01T10:00", "2026-01-01T09:00")).toEqual({ ok: false, problem: "order" });
    expect(parseAbsolute("", "2026-01-01T09:00")).toEqual({ ok: false, problem: "invalid" });
    const ok = parseAbsolute("2026-01-01T08:00", "2026-01-01T09:00");
    expect(ok.ok && ok.range.kind === "absolute" && ok.range.toMs - ok.range.fromMs).toBe(3_600_000);
  });
});

describe("series names and values", () => {
  it("fills legendFormat from labels", () => {
    expect(seriesName({ method: "GET", endpoint: "/x" }, "{{method}} {{ endpoint }}")).toBe("GET /x");
    expect(seriesName({ __name__: "up", job: "node" })).toBe('up{job="node"}');
    expect(seriesName({})).toBe("{}");
  });

  it("reduces and colours by thresholds", () => {
    expect(reduce([1, 2, NaN], "lastNotNull")).toBe(2);
    expect(reduce([1, 2, NaN], "last")).toBeNull();
    expect(reduce([1, 3], "mean")).toBe(2);
    const fieldConfig = {
      defaults: {
        thresholds: {
          mode: "absolute" as const,
          steps: [
            { color: "green", value: null },
            { color: "red", value: 5 },
          ],
        },
      },
      overrides: [],
    };
    expect(thresholdColor(fieldConfig as never, 1)).toBe("#3fa65b");
    expect(thresholdColor(fieldConfig as never, 7)).toBe("#d9463e");
    expect(thresholdColor(fieldConfig as never, null)).toBeNull();
  });

  it("makes tables from labels", () => {
    const view = tableView({
      queries: [
        {
          refId: "A",
          expr: "up",
          legendFormat: null,
          instant: true,
          stepSeconds: 15,
          datasourceId: null,
          error: null,
          errorPosition: null,
          truncatedSeries: 0,
          series: [{ labels: { job: "api" }, timestamps: new Float64Array([1]), values: new Float64Array([1]), sourcePoints: 1 }],
        },
      ],
      staleSinceMs: null,
      staleError: null,
    });
    expect(view.columns).toEqual(["job"]);
    expect(view.rows[0]!.cells).toEqual(["api"]);
    expect(view.rows[0]!.value).toBe(1);
  });
});
