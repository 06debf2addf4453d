import { describe, expect, it } from "vitest";
import type { ResponseCountdown } from "../../lib/bindings";
import { formatClock, formatDuration, liveCountdown } from "./countdown";

const detected = Date.parse("2026-11-24T09:00:00Z");
const clock = (over: Partial<ResponseCountdown> = {}): ResponseCountdown => ({
  incident_id: "INC-20261124-001",
  severity: "P1",
  target_seconds: 3600,
  deadline: "2026-11-24T10:00:00Z",
  elapsed_seconds: 0,
  remaining_seconds: 3600,
  fraction_used: 0,
  overdue: false,
  stopped_at: null,
  ...over,
});
const minutes = (m: number) => detected + m * 60_000;

describe("countdown", () => {
  it("runs, warns at 80% and is overdue at 100%, from the deadline and the moving clock", () => {
    expect(liveCountdown(clock(), minutes(10))).toMatchObject({ state: "running", remaining: 3000 });
    expect(liveCountdown(clock(), minutes(47)).state).toBe("running");
    expect(liveCountdown(clock(), minutes(48)).state).toBe("warning");
    expect(liveCountdown(clock(), minutes(60))).toMatchObject({ state: "overdue", remaining: 0 });
    expect(liveCountdown(clock(), minutes(75))).toMatchObject({ state: "overdue", remaining: -900 });
  });

  it("stops when acknowledged, keeping whether the target was met", () => {
    const met = clock({ stopped_at: "2026-11-24T09:04:00Z", elapsed_seconds: 240, remaining_seconds: 3360 });
    expect(liveCountdown(met, minutes(500)).state).toBe("stopped");
    const late = clock({ stopped_at: "2026-11-24T10:10:00Z", overdue: true, remaining_seconds: -600 });
    expect(liveCountdown(late, minutes(500))).toMatchObject({ state: "overdue", remaining: -600 });
  });

  it("formats clocks and durations", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(59)).toBe("0:59");
    expect(formatClock(899)).toBe("14:59");
    expect(formatClock(3903)).toBe("1:05:03");
    expect(formatClock(-125)).toBe("2:05");
    expect(formatClock(86_400)).toBe("24:00:00");
    const en = { h: " h", m: " min", s: " s" };
    const ja = { h: "時間", m: "分", s: "秒" };
    expect(formatDuration(null, en)).toBeNull();
    expect(formatDuration(12, en)).toBe("12 s");
    expect(formatDuration(250, en)).toBe("4 min 10 s");
    expect(formatDuration(3903, ja)).toBe("1時間 5分");
  });
});
