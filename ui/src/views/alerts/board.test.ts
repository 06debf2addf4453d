import { describe, expect, it } from "vitest";
import type { Alert, BoardGroup } from "../../lib/bindings";
import { visibleRange } from "../../lib/virtual";
import { fakeAlert } from "./fixtures";
import { alertSummary, boardRows, distinctLabels, groupTitle, lastKnownTime, markError } from "./board";
import { silenceMatchersText, sortSilences } from "./silences";

function group(name: string, severity: string, alerts: Alert[]): BoardGroup {
  return {
    key: `{alertname="${name}", severity="${severity}"}`,
    receiver: null,
    labels: { alertname: name, severity },
    worst_severity: severity as BoardGroup["worst_severity"],
    oldest_since: null,
    counts: { firing: alerts.length, pending: 0, silenced: 0, inhibited: 0 },
    alert_count: alerts.length,
    alerts,
    stale: null,
  };
}

describe("board rows", () => {
  const a = group("HighErrorRate", "critical", [
    fakeAlert({ alertname: "HighErrorRate", severity: "critical", endpoint: "/a" }),
    fakeAlert({ alertname: "HighErrorRate", severity: "critical", endpoint: "/b" }),
  ]);
  const b = group("Watchdog", "none", [fakeAlert({ alertname: "Watchdog", severity: "none" })]);

  it("puts each group's alerts under its header, in order", () => {
    const rows = boardRows([a, b], new Set());
    expect(rows.map((r) => r.kind)).toEqual(["group", "alert", "alert", "group", "alert"]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it("hides the alerts of a collapsed group but keeps its header", () => {
    const rows = boardRows([a, b], new Set([a.key]));
    expect(rows.map((r) => r.kind)).toEqual(["group", "group", "alert"]);
    expect(rows[0]).toMatchObject({ kind: "group", collapsed: true });
  });

  it("names groups by their label values and shows only the labels that differ", () => {
    expect(groupTitle(a)).toBe("HighErrorRate · critical");
    expect(distinctLabels(a.alerts[0]!, a)).toEqual([["endpoint", "/a"]]);
  });

  it("prefers the summary annotation, then the description", () => {
    expect(alertSummary(fakeAlert({ alertname: "x" }, { annotations: { summary: "高エラー率を検出", description: "d" } }))).toBe(
      "高エラー率を検出",
    );
    expect(alertSummary(fakeAlert({ alertname: "x" }, { annotations: { description: "d" } }))).toBe("d");
    expect(alertSummary(fakeAlert({ alertname: "x" }))).toBe("");
  });
});

describe("virtual list", () => {
  it("renders only the rows in view plus overscan, for 10,000 rows", () => {
    const range = visibleRange(34 * 5000, 680, 34, 10_000, 8);
    expect(range.start).toBe(5000 - 8);
    expect(range.end).toBe(5000 + 20 + 8);
    expect(range.offset).toBe((5000 - 8) * 34);
    expect(range.total).toBe(340_000);
    expect(range.end - range.start).toBeLessThan(40);
  });

  it("clamps at both ends and handles an empty list", () => {
    expect(visibleRange(-100, 300, 30, 100, 2)).toMatchObject({ start: 0, end: 12, offset: 0 });
    expect(visibleRange(1e9, 300, 30, 100, 2)).toMatchObject({ start: 88, end: 100 });
    expect(visibleRange(0, 300, 30, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });

  it("builds 10,000 rows quickly", () => {
    const alerts = Array.from({ length: 10_000 }, (_, i) =>
      fakeAlert({ alertname: `A${i % 50}`, severity: "warning", instance: `i${i}` }),
    );
    const groups = Array.from({ length: 50 }, (_, g) => group(`A${g}`, "warning", alerts.filter((_, i) => i % 50 === g)));
    const started = performance.now();
    const rows = boardRows(groups, new Set());
    expect(rows).toHaveLength(10_050);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("filter errors", () => {
  it("marks the character at the error position, counting characters not bytes", () => {
    expect(markError('高エラー{a="b"', 4)).toEqual({ before: "高エラー", at: "{", after: 'a="b"' });
    expect(markError("abc", 3)).toEqual({ before: "abc", at: " ", after: "" });
  });
});

describe("silences", () => {
  it("writes matchers the way Alertmanager does", () => {
    expect(
      silenceMatchersText([
        { name: "alertname", value: "Watchdog", is_regex: false, is_equal: true },
        { name: "severity", value: "crit.*", is_regex: true, is_equal: false },
      ]),
    ).toBe('{alertname="Watchdog", severity!~"crit.*"}');
  });

  it("lists active silences first, ending soonest first", () => {
    const s = (id: string, state: "active" | "expired" | "pending", ends: string) => ({
      id,
      matchers: [],
      starts_at: "2026-01-01T00:00:00Z",
      ends_at: ends,
      created_by: "me",
      comment: "",
      state,
      updated_at: null,
    });
    const sorted = sortSilences([
      s("x", "expired", "2026-01-01T01:00:00Z"),
      s("b", "active", "2026-01-01T05:00:00Z"),
      s("a", "active", "2026-01-01T02:00:00Z"),
      s("p", "pending", "2026-01-01T01:00:00Z"),
    ]);
    expect(sorted.map((x) => x.id)).toEqual(["a", "b", "p", "x"]);
  });
});

describe("alert values and snoozes", () => {
  it("formats values readably and leaves non-numbers alone", async () => {
    const { formatAlertValue } = await import("./board");
    expect(formatAlertValue("0.0734")).toBe("0.0734");
    expect(formatAlertValue("0.07341234")).toBe("0.07341");
    expect(formatAlertValue("1.2e-05")).toBe("1.2e-5");
    expect(formatAlertValue("0.000012345678")).toBe("1.235e-5");
    expect(formatAlertValue("1")).toBe("1");
    expect(formatAlertValue("1234.5678")).toBe("1235");
    expect(formatAlertValue("12345")).toBe("12.3k");
    expect(formatAlertValue("4500000")).toBe("4.5M");
    expect(formatAlertValue("-2500000000")).toBe("-2.5G");
    expect(formatAlertValue("0")).toBe("0");
    expect(formatAlertValue("+Inf")).toBe("+Inf");
    expect(formatAlertValue("NaN")).toBe("NaN");
    expect(formatAlertValue("n/a")).toBe("n/a");
    expect(formatAlertValue(null)).toBe("—");
  });

  it("ends snoozes in 1 h, 4 h, or tomorrow morning", async () => {
    const { snoozeUntil } = await import("./board");
    const now = new Date(2026, 2, 21, 23, 30);
    expect(snoozeUntil("1h", now).getTime() - now.getTime()).toBe(3600_000);
    expect(snoozeUntil("4h", now).getTime() - now.getTime()).toBe(4 * 3600_000);
    const tomorrow = snoozeUntil("tomorrow", now);
    expect([tomorrow.getDate(), tomorrow.getHours(), tomorrow.getMinutes()]).toEqual([22, 9, 0]);
  });
});

describe("board groups and notification groups", () => {
  it("finds a notification's group whether the board groups by labels or by route", async () => {
    const { isGroup } = await import("./board");
    const key = '{alertname="HighErrorRate", severity="critical"}';
    expect(isGroup(key, key)).toBe(true);
    expect(isGroup(`0:${key}`, key)).toBe(true);
    expect(isGroup('{alertname="HighLatency", severity="warning"}', key)).toBe(false);
    expect(isGroup(`0:{alertname="X", ${key.slice(1)}`, key)).toBe(false);
    // Notification keys name the route tree: the fallback seed route or an Alertmanager's.
    expect(isGroup(`root:${key}`, `seed:root:${key}`)).toBe(true);
    expect(isGroup(key, `seed:root:${key}`)).toBe(true);
    expect(isGroup(`root.0:${key}`, `am:demo-am:root.0:${key}`)).toBe(true);
    expect(isGroup(`root.1:${key}`, `am:demo-am:root.0:${key}`)).toBe(false);
    expect(isGroup(`root:${key}`, `am:demo-am:root.0:${key}`)).toBe(false);
  });
});

describe("last known time", () => {
  it("is the clock time today and carries the date otherwise", () => {
    const now = new Date(2026, 2, 21, 16, 30);
    expect(lastKnownTime(new Date(2026, 2, 21, 14, 5).toISOString(), now, "ja")).toBe("14:05");
    const yesterday = lastKnownTime(new Date(2026, 2, 20, 14, 5).toISOString(), now, "ja");
    expect(yesterday).toContain("14:05");
    expect(yesterday).toContain("20");
  });
});
