import { describe, expect, it } from "vitest";
import { fakeLogHit } from "./fake";
import {
  applyField,
  cellDisplay,
  describeQuery,
  exportPercent,
  fieldCompletion,
  fieldSuggestions,
  filtersFromLabels,
  hitCountText,
  levelTone,
  withFilter,
} from "./query";
import { appendTail, atBottom } from "./tail";
import type { LogField } from "../../lib/bindings";

const fields: LogField[] = ["@timestamp", "level", "message", "context.request_id", "context.user"].map((name) => ({
  name,
  field_type: "keyword",
  aggregatable: true,
  searchable: true,
  aggregatable_field: name,
}));

describe("filters", () => {
  it("replaces the same field and value instead of adding a contradiction", () => {
    const a = withFilter([], { kind: "is", field: "level", value: "ERROR", negate: false });
    const b = withFilter(a, { kind: "is", field: "level", value: "ERROR", negate: true });
    expect(b).toEqual([{ kind: "is", field: "level", value: "ERROR", negate: true }]);
    expect(withFilter(b, { kind: "exists", field: "level", negate: false })).toHaveLength(2);
  });

  it("describes the query and the pills as one Lucene expression", () => {
    expect(describeQuery("", [])).toBe("*");
    expect(
      describeQuery("timeout OR refused", [
        { kind: "is", field: "level", value: 'say "hi"', negate: true },
        { kind: "exists", field: "context.request_id", negate: false },
      ]),
    ).toBe('(timeout OR refused) AND NOT level:"say \\"hi\\"" AND context.request_id:*');
  });

  it("keeps only the alert labels the logs have as fields", () => {
    const withKeyword = [...fields, { name: "service.keyword", field_type: "keyword", aggregatable: true, searchable: true, aggregatable_field: "service.keyword" }];
    expect(filtersFromLabels({ alertname: "X", severity: "critical", level: "ERROR", service: "api", pod: "p" }, withKeyword)).toEqual([
      { kind: "is", field: "level", value: "ERROR", negate: false },
      { kind: "is", field: "service.keyword", value: "api", negate: false },
    ]);
  });
});

describe("query bar autocomplete", () => {
  it("completes a field name being typed, not a value or a quoted string", () => {
    expect(fieldCompletion("lev", 3)).toEqual({ from: 0, to: 3, prefix: "lev" });
    expect(fieldCompletion("level:ERR", 9)).toBeNull();
    expect(fieldCompletion('message:"time', 13)).toBeNull();
    expect(fieldCompletion("level:ERROR AND ctx", 19)).toEqual({ from: 16, to: 19, prefix: "ctx" });
    expect(fieldCompletion("a AND", 5)).toBeNull();
  });

  it("suggests prefix matches first, then names that contain the text", () => {
    expect(fieldSuggestions(fields, fieldCompletion("user", 4))).toEqual(["context.user"]);
    expect(fieldSuggestions(fields, fieldCompletion("con", 3))).toEqual(["context.request_id", "context.user"]);
    expect(fieldSuggestions(fields, fieldCompletion("m", 1))).toEqual(["message", "@timestamp"]);
  });

  it("puts field: in place of the word", () => {
    const c = fieldCompletion("level:ERROR AND con x", 19)!;
    expect(applyField("level:ERROR AND con x", c, "context.request_id")).toEqual({
      text: "level:ERROR AND context.request_id: x",
      cursor: 35,
    });
  });
});

describe("what the table shows", () => {
  it("shows a lower bound as 10,000+", () => {
    const fmt = (n: number) => n.toLocaleString("en-US");
    expect(hitCountText({ value: 10_000, exact: false }, fmt)).toBe("10,000+");
    expect(hitCountText({ value: 1_234, exact: true }, fmt)).toBe("1,234");
  });

  it("colours the seed's levels", () => {
    expect([levelTone("ERROR"), levelTone("warn"), levelTone("INFO"), levelTone(null)]).toEqual(["error", "warn", "info", "none"]);
  });

  it("makes control characters visible and cuts a 1 MB line", () => {
    expect(cellDisplay("a\u0000b\u001b[31mc\nd")).toBe("a\u2400b\u241b[31mc⏎d");
    expect(cellDisplay("x".repeat(1_000_000)).length).toBe(2_001);
    expect(cellDisplay("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(cellDisplay("invoice\u202Etxt.exe")).toBe("invoice\u27e8U+202E\u27e9txt.exe");
    expect(cellDisplay("a\u2066b\u2069\u200fc")).toBe("a\u27e8U+2066\u27e9b\u27e8U+2069\u27e9\u27e8U+200F\u27e9c");
  });

  it("shows export progress as a share, 100 when done", () => {
    expect(exportPercent({ written: 50, total: 200, done: false })).toBe(25);
    expect(exportPercent({ written: 0, total: 0, done: false })).toBe(0);
    expect(exportPercent({ written: 10, total: 5, done: true })).toBe(100);
  });
});

describe("live tail", () => {
  it("appends without repeats and keeps the newest lines", () => {
    const a = [fakeLogHit(1, 1), fakeLogHit(2, 2)];
    const { lines, added } = appendTail(a, [fakeLogHit(2, 2), fakeLogHit(3, 3)], 2);
    expect(added).toBe(1);
    expect(lines.map((h) => h.id)).toEqual(["dataset-management-fake/2", "dataset-management-fake/3"]);
  });

  it("follows only while the view is at the bottom", () => {
    expect(atBottom(760, 240, 1000)).toBe(true);
    expect(atBottom(700, 240, 1000)).toBe(false);
    expect(atBottom(0, 240, 200)).toBe(true);
  });
});
