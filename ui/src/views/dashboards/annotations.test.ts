import { describe, expect, it } from "vitest";
import type { AnnotationEvent, AnnotationSource, DashboardAnnotations } from "../../lib/bindings";
import { ANNOTATION_CHOICES_KEY, chartMarks, isEnabled, panelEvents, readChoices, writeChoice } from "./annotations";

function memory(): { getItem(k: string): string | null; setItem(k: string, v: string): void; data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const source = (id: string, kind: AnnotationSource["kind"], enabledByDefault = true, color: string | null = null): AnnotationSource => ({
  id,
  name: id,
  kind,
  color,
  enabledByDefault,
  hidden: false,
  error: null,
});

const event = (sourceId: string, panelIds: number[] | null, title = sourceId): AnnotationEvent => ({
  sourceId,
  timeMs: 10_000,
  endMs: 20_000,
  title,
  text: "",
  tags: [],
  color: null,
  panelIds,
});

const data: DashboardAnnotations = {
  sources: [source("hinomi:alerts", "alerts"), source("hinomi:incidents", "incidents"), source("query:1", "prometheus", false, "red")],
  events: [event("hinomi:alerts", [1]), event("hinomi:alerts", [2], "other panel"), event("hinomi:incidents", null), event("query:1", null)],
};

describe("annotation toggles", () => {
  it("remembers each dashboard's choices apart and survives junk", () => {
    const storage = memory();
    writeChoice(storage, "a", "hinomi:alerts", false);
    writeChoice(storage, "b", "query:1", true);
    expect(readChoices(storage, "a")).toEqual({ "hinomi:alerts": false });
    expect(readChoices(storage, "b")).toEqual({ "query:1": true });
    storage.setItem(ANNOTATION_CHOICES_KEY, "not json");
    expect(readChoices(storage, "a")).toEqual({});
    writeChoice(storage, "a", "x", true);
    expect(readChoices(storage, "a")).toEqual({ x: true });
  });

  it("follows the dashboard's `enable` until the user chooses", () => {
    expect(isEnabled(data.sources[2]!, {})).toBe(false);
    expect(isEnabled(data.sources[2]!, { "query:1": true })).toBe(true);
    expect(isEnabled(data.sources[0]!, { "hinomi:alerts": false })).toBe(false);
  });
});

describe("panel events", () => {
  it("keeps the panel's and everyone's events of sources switched on", () => {
    expect(panelEvents(data, 1, {}).map((e) => e.title)).toEqual(["hinomi:alerts", "hinomi:incidents"]);
    expect(panelEvents(data, 1, { "hinomi:alerts": false, "query:1": true }).map((e) => e.title)).toEqual(["hinomi:incidents", "query:1"]);
    expect(panelEvents(null, 1, {})).toEqual([]);
  });

  it("turns events into chart marks in seconds with the source's colour", () => {
    const marks = chartMarks(data, [event("query:1", null), event("hinomi:alerts", [1])]);
    expect(marks[0]).toMatchObject({ time: 10, end: 20, color: "#f2495c", source: "query:1" });
    expect(marks[1]!.color).toBe("#f76707");
  });
});
